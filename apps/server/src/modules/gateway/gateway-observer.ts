import type { AttemptRecord } from '../calls/call-record.js';
import type { ResolvedMember } from '../catalog/resolved-catalog.js';

/** What is known about a request when the gateway starts on it (after validation). */
export interface RequestStart {
  readonly requestId: string;
  /** The route, once it is known to exist; null for an unknown model. */
  readonly route: string | null;
  readonly stream: boolean;
  /** W3C trace context sent by the caller, if any. */
  readonly traceparent: string | undefined;
  readonly tracestate: string | undefined;
  /** `performance.now()` when the request reached Stilts (before body parsing). */
  readonly receivedAt: number;
}

/** How a request ended, from the caller's point of view. */
export interface RequestEnd {
  /** The HTTP status the caller got (200 for a stream that started, even if it then failed). */
  readonly status: number;
  /** `error.code` of the answer when it was an error, else null. */
  readonly errorCode: string | null;
  readonly attempts: number;
  /** The deployment that answered, if one did. */
  readonly deploymentId: string | null;
  /** Sum of the time spent waiting on upstreams (ms), to separate it from Stilts' own time. */
  readonly upstreamMs: number;
}

/** One upstream attempt being observed. */
export interface AttemptObservation {
  /** Headers to add to the upstream request (trace context), or undefined. */
  readonly upstreamHeaders: Readonly<Record<string, string>> | undefined;
  /** The attempt's ledger record, once it ended. */
  ended(record: AttemptRecord): void;
}

/** One request being observed. */
export interface RequestObservation {
  attemptStarted(member: ResolvedMember, attempt: number): AttemptObservation;
  /** Time to the first byte sent to a streaming caller. */
  firstByte?(): void;
  finished(end: RequestEnd): void;
}

/**
 * Where the gateway reports what it does, for metrics and traces. Called on the hot path: an
 * implementation must be cheap and must never throw.
 */
export interface GatewayObserver {
  requestStarted(start: RequestStart): RequestObservation;
}

export const GATEWAY_OBSERVER = Symbol('GATEWAY_OBSERVER');

const NOOP_ATTEMPT: AttemptObservation = { upstreamHeaders: undefined, ended: () => undefined };
const NOOP_REQUEST: RequestObservation = {
  attemptStarted: () => NOOP_ATTEMPT,
  finished: () => undefined,
};

/** Observes nothing. */
export const NOOP_OBSERVER: GatewayObserver = { requestStarted: () => NOOP_REQUEST };
