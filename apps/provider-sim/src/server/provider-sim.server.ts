import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSeededRng, type Clock, type Rng } from '@stilts/routing';
import { openAiFormat } from '../formats/openai.format.js';
import type { WireFormatName } from '../formats/wire-format.js';
import { CompiledScenario } from '../scenario/behaviour-timeline.js';
import { isScenarioError, parseScenario, type Scenario } from '../scenario/scenario.schema.js';
import { Exchange, type ExchangeHost } from './exchange.js';
import { sendJson } from './http-response.js';
import { RequestLog, type RecordedRequest, type RequestLogEntry } from './request-log.js';
import { routeOf } from './route.js';
import { SimStatsCounter, type SimOutcome, type SimStats } from './sim-stats.js';

/** Options of {@link startProviderSim}. */
export interface ProviderSimOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; default `127.0.0.1`. */
  host?: string;
  /** A {@link Scenario} or unvalidated JSON (hence `unknown`); validated with {@link parseScenario}. */
  scenario: unknown;
  /** Seed for every random draw (latency, faults, text, ids); default 0. */
  seed?: number | string;
  /** Scenario time source (time windows); default the wall clock. Delays always use real time. */
  clock?: Clock;
  /** How many recent requests {@link ProviderSim.requests} keeps; default 200, 0 disables. */
  requestLogSize?: number;
}

/** A running simulator. */
export interface ProviderSim {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:43123`. */
  readonly url: string;
  readonly port: number;
  /** The base URL a client of `format` uses for provider `providerId`. */
  baseUrlFor(providerId: string, format: WireFormatName): string;
  /** Replaces the scenario (validated; throws `ScenarioError`) and restarts the scenario clock. */
  setScenario(scenario: unknown): void;
  /** The scenario in force. */
  scenario(): Scenario;
  /** Request counters per provider and outcome. */
  stats(): SimStats;
  /** Zeroes the counters and clears the request log. */
  resetStats(): void;
  /** Zeroes the counters, clears the request log, restarts the scenario clock and the draws. */
  reset(): void;
  /** The most recent requests (oldest first), credentials redacted; optionally for one provider. */
  requests(providerId?: string): RecordedRequest[];
  /** Destroys every connection (stalled streams included) and resolves once the server is closed. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const CONTROL_PREFIX = '/_sim/';

function formatUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

const wallClock: Clock = { now: () => Date.now() };

/**
 * The simulator: one `node:http` server hosting every provider of the scenario under
 * `/{providerId}/...`. Each request is answered from a Rng seeded by (seed, provider, the
 * provider's request number), so runs are reproducible however requests to different providers
 * interleave.
 */
class ProviderSimServer implements ProviderSim, ExchangeHost {
  url = '';
  port = 0;
  private compiled: CompiledScenario;
  private startedAt: number;
  private readonly sequence = new Map<string, number>();
  private readonly counters = new SimStatsCounter();
  private readonly log: RequestLog;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly server: Server;
  private logSeq = 0;
  private closing: Promise<void> | undefined;

  constructor(
    scenario: Scenario,
    private readonly seed: number | string,
    private readonly clock: Clock,
    requestLogSize: number,
  ) {
    this.compiled = new CompiledScenario(scenario);
    this.startedAt = clock.now();
    this.log = new RequestLog(requestLogSize);
    this.server = createServer({ noDelay: true, keepAlive: true }, (req, res) =>
      this.receive(req, res),
    );
    // Clients (and the gateway's pools) keep connections for a while; do not race them.
    this.server.keepAliveTimeout = 65_000;
    this.server.headersTimeout = 66_000;
    this.server.requestTimeout = 0;
  }

  async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    this.port = address.port;
    this.url = formatUrl(host, address.port);
  }

  baseUrlFor(providerId: string, format: WireFormatName): string {
    return `${this.url}/${providerId}/${format === 'gemini' ? 'v1beta' : 'v1'}`;
  }

  setScenario(scenario: unknown): void {
    this.compiled = new CompiledScenario(parseScenario(scenario));
    this.startedAt = this.clock.now();
  }

  scenario(): Scenario {
    return this.compiled.source;
  }

  stats(): SimStats {
    const elapsed = this.clock.now() - this.startedAt;
    return this.counters.snapshot(elapsed, this.compiled.scenarioSeconds(elapsed));
  }

  resetStats(): void {
    this.counters.reset();
    this.log.clear();
  }

  reset(): void {
    this.resetStats();
    this.sequence.clear();
    this.startedAt = this.clock.now();
  }

  requests(providerId?: string): RecordedRequest[] {
    return this.log.list(providerId);
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  // ---------------------------------------------------------------- request handling

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        tooLarge = true;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) {
        sendJson(res, 413, openAiFormat.error(413, 'Request body too large.').body, {
          connection: 'close',
        });
        return;
      }
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      this.dispatch(req, res, body.toString('utf8'));
    });
  }

  private dispatch(req: IncomingMessage, res: ServerResponse, rawBody: string): void {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const query = q === -1 ? '' : rawUrl.slice(q + 1);
    const method = req.method ?? 'GET';

    if (path.startsWith(CONTROL_PREFIX)) {
      this.control(method, path.slice(CONTROL_PREFIX.length), query, res, rawBody);
      return;
    }

    const slash = path.indexOf('/', 1);
    const providerId = slash === -1 ? path.slice(1) : path.slice(1, slash);
    const rest = slash === -1 ? '' : path.slice(slash);
    const route = routeOf(method, rest, req);
    const provider = this.compiled.providers.get(providerId);

    const entry: RequestLogEntry = {
      seq: ++this.logSeq,
      receivedAt: this.clock.now(),
      providerId: provider === undefined ? undefined : providerId,
      format: route.format.name,
      method,
      rawUrl,
      rawHeaders: req.headers,
      body: parseBody(rawBody),
      outcome: undefined,
      status: undefined,
    };
    this.log.push(entry);

    if (provider === undefined) {
      this.counters.recordUnrouted();
      entry.outcome = 'not_found';
      entry.status = 404;
      const error = route.format.error(
        404,
        `No simulated provider '${providerId}' in the scenario.`,
      );
      sendJson(res, error.status, error.body);
      return;
    }

    const exchange = new Exchange(this, req, res, provider, route, entry, query);
    if (route.kind === 'unknown') {
      exchange.fail(
        'not_found',
        route.format.error(404, `Unknown request URL: ${method} ${rest}.`),
      );
      return;
    }
    // The provider id's request number is taken on arrival, so the n-th request always gets the
    // n-th Rng stream, whatever happened to the requests before it.
    const n = (this.sequence.get(providerId) ?? 0) + 1;
    this.sequence.set(providerId, n);
    exchange.run(n);
  }

  private control(
    method: string,
    action: string,
    query: string,
    res: ServerResponse,
    rawBody: string,
  ): void {
    if (action === 'stats' && method === 'GET') {
      sendJson(res, 200, JSON.stringify(this.stats()));
    } else if (action === 'health' && method === 'GET') {
      sendJson(res, 200, '{"status":"ok"}');
    } else if (action === 'reset' && method === 'POST') {
      this.reset();
      sendJson(res, 200, '{"ok":true}');
    } else if (action === 'requests' && method === 'GET') {
      const provider = new URLSearchParams(query).get('provider') ?? undefined;
      sendJson(res, 200, JSON.stringify({ data: this.requests(provider) }));
    } else if (action === 'scenario' && method === 'GET') {
      sendJson(res, 200, JSON.stringify(redactScenario(this.compiled.source)));
    } else if (action === 'scenario' && method === 'POST') {
      const body = parseBody(rawBody);
      if (body === undefined || typeof body === 'string') {
        sendJson(
          res,
          400,
          JSON.stringify({ error: { message: 'the body must be a JSON scenario' } }),
        );
        return;
      }
      try {
        this.setScenario(body);
      } catch (error) {
        if (!isScenarioError(error)) throw error;
        sendJson(
          res,
          400,
          JSON.stringify({ error: { message: error.message, issues: error.issues } }),
        );
        return;
      }
      sendJson(
        res,
        200,
        JSON.stringify({ ok: true, providers: [...this.compiled.providers.keys()] }),
      );
    } else {
      sendJson(
        res,
        404,
        JSON.stringify({
          error: { message: `unknown control endpoint ${method} /_sim/${action}` },
        }),
      );
    }
  }

  // ---------------------------------------------------------------- ExchangeHost

  /** Scenario seconds now (after `loopS` wrapping). */
  scenarioSeconds(): number {
    return this.compiled.scenarioSeconds(this.clock.now() - this.startedAt);
  }

  nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  rngFor(providerId: string, n: number): Rng {
    return createSeededRng(`${this.seed}\u0000${providerId}\u0000${n}`);
  }

  record(exchange: Exchange, outcome: SimOutcome, status: number): void {
    exchange.entry.outcome = outcome;
    exchange.entry.status = status;
    this.counters.record(
      exchange.provider.id,
      exchange.route.format.name,
      exchange.stream,
      outcome,
      status,
    );
  }

  /** Runs `fn` after `ms` real milliseconds (at once when `ms` <= 0); cancelled by `close()`. */
  after(ms: number, fn: () => void): void {
    if (ms <= 0) {
      fn();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }
}

/** JSON when it parses, the raw text when it does not, `undefined` when empty. */
function parseBody(raw: string): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function redactScenario(scenario: Scenario): Scenario {
  const providers: Scenario['providers'] = {};
  for (const [id, provider] of Object.entries(scenario.providers)) {
    providers[id] =
      provider.apiKey === undefined ? provider : { ...provider, apiKey: '[redacted]' };
  }
  return { ...scenario, providers };
}

/**
 * Starts a simulator and resolves once it listens.
 *
 * @throws {ScenarioError} when the scenario is invalid (nothing is started then).
 */
export async function startProviderSim(options: ProviderSimOptions): Promise<ProviderSim> {
  const scenario = parseScenario(options.scenario);
  const sim = new ProviderSimServer(
    scenario,
    options.seed ?? 0,
    options.clock ?? wallClock,
    options.requestLogSize ?? 200,
  );
  await sim.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return sim;
}
