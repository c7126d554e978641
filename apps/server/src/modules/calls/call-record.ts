import type { BudgetCharge } from '../budgets/budget.types.js';

/**
 * How one upstream attempt ended. `success`, `caller_error` and `aborted` are not the
 * deployment's fault; every other outcome counts against it (breaker, bandit).
 */
export type AttemptOutcome =
  | 'success'
  /** The upstream rejected the request as the caller's fault (400, 404, 413, 422 ...). */
  | 'caller_error'
  /** 429 from the upstream. */
  | 'rate_limited'
  /** 5xx (or another retryable status) from the upstream. */
  | 'server_error'
  /** No answer (or no first token) within the attempt's timeout. */
  | 'timeout'
  /** Connection refused, reset or closed early. */
  | 'connection_error'
  /** The upstream answered with a body that does not fit its wire format. */
  | 'malformed'
  /** 401/403/402 from the upstream: the deployment's credentials or account are wrong. */
  | 'misconfigured'
  /** A stream that failed after its first token reached the caller. */
  | 'interrupted'
  /** The caller went away before the attempt finished. */
  | 'aborted';

export const ATTEMPT_OUTCOMES: readonly AttemptOutcome[] = [
  'success',
  'caller_error',
  'rate_limited',
  'server_error',
  'timeout',
  'connection_error',
  'malformed',
  'misconfigured',
  'interrupted',
  'aborted',
];

/** One row of the call ledger: one upstream attempt of one request. */
export interface AttemptRecord {
  readonly requestId: string;
  /** 1-based position of this attempt within its request. */
  readonly attempt: number;
  /** Wall-clock start, ms since the epoch. */
  readonly startedAt: number;
  readonly route: string;
  readonly deploymentId: string;
  readonly providerId: string;
  /** The calling API key's id, when keys are enforced. */
  readonly apiKeyId: string | null;
  readonly outcome: AttemptOutcome;
  /** The upstream's HTTP status, when it answered. */
  readonly httpStatus: number | null;
  /** The provider's error type (e.g. `rate_limit_error`) or Stilts' failure kind. */
  readonly errorType: string | null;
  readonly latencyMs: number;
  /** Time to the first token, for streams. */
  readonly ttftMs: number | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costMicroUsd: number;
  /** Probability with which the planner picked this deployment for this attempt. */
  readonly propensity: number;
  /** The weight snapshot the plan was drawn from (null: configured weights). */
  readonly snapshotVersion: number | null;
  readonly streamed: boolean;
  /**
   * The attempt's cost as charged to each budget that covered it. Not a ledger column: applied
   * to the budgets in the transaction that writes the record (only if the record is new).
   */
  readonly budgetCharges?: readonly BudgetCharge[];
  /**
   * The plan the request was drawn from, on its first attempt only (null or absent on the
   * others): the admin API's decision explanation. Compact, as stored in `call_records.plan`.
   */
  readonly plan?: RecordedPlan | null;
}

/**
 * A request's plan in the ledger, kept small (it is written with nearly every request):
 * `c` the candidates in drawn order as `[deploymentId, weight, probability of the pick at that
 * point]`, `x` the members left out as `[deploymentId, reason]`.
 */
export interface RecordedPlan {
  readonly c: readonly (readonly [string, number, number])[];
  readonly x: readonly (readonly [string, string])[];
}

/**
 * Receives every attempt. Implementations must return at once: the hot path never waits on
 * storage.
 */
export interface CallRecorder {
  record(record: AttemptRecord): void;
}

export const CALL_RECORDER = Symbol('CALL_RECORDER');

/** Keeps records in memory: for tests, and for running without a database. Bounded. */
export class InMemoryCallRecorder implements CallRecorder {
  private readonly buffer: AttemptRecord[] = [];

  constructor(private readonly capacity = 100_000) {}

  record(record: AttemptRecord): void {
    if (this.buffer.length >= this.capacity) this.buffer.shift();
    this.buffer.push(record);
  }

  get records(): readonly AttemptRecord[] {
    return this.buffer;
  }

  forRequest(requestId: string): AttemptRecord[] {
    return this.buffer.filter((r) => r.requestId === requestId);
  }

  clear(): void {
    this.buffer.length = 0;
  }
}
