import { ATTEMPT_OUTCOMES, type AttemptOutcome } from '../calls/call-record.js';
import {
  CounterFamily,
  GaugeFamily,
  HistogramFamily,
  type CounterChild,
  type GaugeChild,
  type HistogramChild,
  type MetricRegistry,
} from './metric-registry.js';

/**
 * How a request ended, as one bounded label:
 * - `success`: answered;
 * - `interrupted`: a stream that failed after its first byte (ended with an error event);
 * - `aborted`: the caller went away;
 * - `rejected`: refused by Stilts before any upstream call (validation, unknown model or path,
 *   keys, budgets) — HTTP 4xx;
 * - `caller_error`: an upstream refused it as the caller's fault (passed through);
 * - `unavailable`: no deployment could answer (all failed, rate limited, timed out, none
 *   available) — HTTP 429/5xx;
 * - `error`: a bug in Stilts (HTTP 500 `internal_error`).
 */
export type RequestOutcome =
  'success' | 'interrupted' | 'aborted' | 'rejected' | 'caller_error' | 'unavailable' | 'error';

/** Every {@link RequestOutcome}, in a fixed order (their index keys cached series). */
export const REQUEST_OUTCOMES: readonly RequestOutcome[] = [
  'success',
  'interrupted',
  'aborted',
  'rejected',
  'caller_error',
  'unavailable',
  'error',
];

const REQUEST_OUTCOME_INDEX = Object.fromEntries(REQUEST_OUTCOMES.map((o, i) => [o, i])) as Record<
  RequestOutcome,
  number
>;

const ATTEMPT_OUTCOME_INDEX = Object.fromEntries(ATTEMPT_OUTCOMES.map((o, i) => [o, i])) as Record<
  AttemptOutcome,
  number
>;

/** Label value for "no route" (unknown model, rejected before routing) and "no deployment". */
export const NONE = '';

/** Upstream latency and TTFT buckets, seconds. */
export const LATENCY_BUCKETS_S = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
] as const;

/** Gateway overhead buckets, seconds: 25 µs to 250 ms. */
export const OVERHEAD_BUCKETS_S = [
  0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
] as const;

/** Status codes as label values, interned (no string building per request). */
const STATUS_TEXT: readonly string[] = Array.from({ length: 600 }, (_, i) => String(i));

function statusText(status: number): string {
  return Number.isInteger(status) && status >= 100 && status < 600
    ? (STATUS_TEXT[status] as string)
    : '0';
}

/** The request counters of one (route, deployment) pair, keyed by outcome and status. */
class RequestCounters {
  private readonly byKey = new Map<number, CounterChild>();
  private successChild: CounterChild | undefined;

  constructor(
    private readonly family: CounterFamily,
    private readonly route: string,
    private readonly deployment: string,
  ) {}

  /** The common case, kept in a field. */
  get success(): CounterChild {
    return (this.successChild ??= this.get('success', 200));
  }

  get(outcome: RequestOutcome, status: number): CounterChild {
    const key = REQUEST_OUTCOME_INDEX[outcome] * 1000 + status;
    let child = this.byKey.get(key);
    if (!child) {
      child = this.family.labels(this.route, this.deployment, outcome, statusText(status));
      this.byKey.set(key, child);
    }
    return child;
  }
}

/** Every series of one deployment within one route, resolved once. */
export class DeploymentSeries {
  /** Indexed like {@link ATTEMPT_OUTCOMES}. */
  private readonly attempts: readonly CounterChild[];
  readonly inputTokens: CounterChild;
  readonly outputTokens: CounterChild;
  readonly costMicroUsd: CounterChild;
  readonly latency: HistogramChild;
  readonly ttft: HistogramChild;
  readonly requests: RequestCounters;

  constructor(metrics: GatewayMetrics, route: string, deployment: string) {
    this.attempts = ATTEMPT_OUTCOMES.map((o) => metrics.attempts.labels(route, deployment, o));
    this.inputTokens = metrics.tokens.labels(route, deployment, 'input');
    this.outputTokens = metrics.tokens.labels(route, deployment, 'output');
    this.costMicroUsd = metrics.cost.labels(route, deployment);
    this.latency = metrics.attemptDuration.labels(route, deployment);
    this.ttft = metrics.attemptTtft.labels(route, deployment);
    this.requests = new RequestCounters(metrics.requests, route, deployment);
  }

  attempt(outcome: AttemptOutcome): CounterChild {
    return this.attempts[ATTEMPT_OUTCOME_INDEX[outcome]] as CounterChild;
  }
}

/** Every series of one route (or of "no route"), resolved once. */
export class RouteSeries {
  private readonly deployments = new Map<string, DeploymentSeries>();
  /** Requests no deployment answered. */
  readonly unanswered: RequestCounters;
  private json: HistogramChild | undefined;
  private streamed: HistogramChild | undefined;
  private ttfb: HistogramChild | undefined;

  constructor(
    private readonly metrics: GatewayMetrics,
    readonly name: string,
  ) {
    this.unanswered = new RequestCounters(metrics.requests, name, NONE);
  }

  /** Duration of non-streamed requests (created on first use: no empty series). */
  get durationJson(): HistogramChild {
    return (this.json ??= this.metrics.requestDuration.labels(this.name, 'false'));
  }

  get durationStream(): HistogramChild {
    return (this.streamed ??= this.metrics.requestDuration.labels(this.name, 'true'));
  }

  get firstByte(): HistogramChild {
    return (this.ttfb ??= this.metrics.requestTtft.labels(this.name));
  }

  deployment(id: string): DeploymentSeries {
    let series = this.deployments.get(id);
    if (!series) {
      series = new DeploymentSeries(this.metrics, this.name, id);
      this.deployments.set(id, series);
    }
    return series;
  }

  /** The request counters for the deployment that answered, or for "none". */
  requests(deploymentId: string | null): RequestCounters {
    return deploymentId === null ? this.unanswered : this.deployment(deploymentId).requests;
  }
}

/**
 * The gateway's own metrics (requests, attempts, tokens, cost, latencies, overhead), with the
 * per-route and per-deployment series cached so that recording never builds a label string.
 * Label values come only from the catalog (route names, deployment ids) and from fixed sets
 * (outcomes, statuses), never from what a caller sent.
 */
export class GatewayMetrics {
  readonly requests = new CounterFamily(
    'stilts_requests_total',
    'Chat completion requests answered, by route, answering deployment, outcome and HTTP status.',
    ['route', 'deployment', 'outcome', 'status'],
  );
  readonly attempts = new CounterFamily(
    'stilts_attempts_total',
    'Upstream attempts, by route, deployment and outcome (as in the call ledger).',
    ['route', 'deployment', 'outcome'],
  );
  readonly tokens = new CounterFamily(
    'stilts_tokens_total',
    'Tokens billed by upstream attempts, by route, deployment and type (input or output).',
    ['route', 'deployment', 'type'],
  );
  readonly cost = new CounterFamily(
    'stilts_cost_usd_total',
    'Cost of upstream attempts in USD (counted in integer micro-USD), by route and deployment.',
    ['route', 'deployment'],
    1e6,
  );
  readonly requestDuration = new HistogramFamily(
    'stilts_request_duration_seconds',
    'Time from arrival to the end of the answer (streams: to the end of the stream).',
    ['route', 'stream'],
    LATENCY_BUCKETS_S,
  );
  readonly requestTtft = new HistogramFamily(
    'stilts_request_first_byte_seconds',
    'Streams: time from arrival to the first content byte sent to the caller.',
    ['route'],
    LATENCY_BUCKETS_S,
  );
  readonly attemptDuration = new HistogramFamily(
    'stilts_attempt_duration_seconds',
    'Latency of successful upstream attempts, by route and deployment.',
    ['route', 'deployment'],
    LATENCY_BUCKETS_S,
  );
  readonly attemptTtft = new HistogramFamily(
    'stilts_attempt_ttft_seconds',
    'Time to first token of successful streamed upstream attempts, by route and deployment.',
    ['route', 'deployment'],
    LATENCY_BUCKETS_S,
  );
  readonly overhead = new HistogramFamily(
    'stilts_gateway_overhead_seconds',
    'Time a request spent in Stilts itself: total time minus time waiting on upstreams and between attempts (streams: up to the first byte).',
    ['stream'],
    OVERHEAD_BUCKETS_S,
  );
  readonly inFlight = new GaugeFamily(
    'stilts_requests_in_flight',
    'Chat completion requests the gateway is working on.',
    [],
  );

  readonly overheadJson: HistogramChild;
  readonly overheadStream: HistogramChild;
  readonly inFlightNow: GaugeChild;
  private readonly routes = new Map<string, RouteSeries>();
  /** Requests without a route (unknown model, refused before routing). */
  readonly noRoute: RouteSeries;

  constructor(registry: MetricRegistry) {
    for (const family of [
      this.requests,
      this.attempts,
      this.tokens,
      this.cost,
      this.requestDuration,
      this.requestTtft,
      this.attemptDuration,
      this.attemptTtft,
      this.overhead,
      this.inFlight,
    ]) {
      registry.register(family);
    }
    this.overheadJson = this.overhead.labels('false');
    this.overheadStream = this.overhead.labels('true');
    this.inFlightNow = this.inFlight.labels();
    this.noRoute = new RouteSeries(this, NONE);
  }

  /** The series of a route named by the catalog (null: no route). */
  route(name: string | null): RouteSeries {
    if (name === null) return this.noRoute;
    let series = this.routes.get(name);
    if (!series) {
      series = new RouteSeries(this, name);
      this.routes.set(name, series);
    }
    return series;
  }
}
