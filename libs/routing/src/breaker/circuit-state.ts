/**
 * One slice of the closed breaker's sliding window: the outcomes recorded in
 * [start, start + windowMs / windowBuckets).
 */
export interface WindowBucket {
  /** Start of the slice in clock milliseconds (a multiple of the slice width). */
  readonly start: number;
  readonly successes: number;
  readonly failures: number;
}

/** Calls flow; outcomes are counted in a sliding window. */
export interface ClosedCircuitState {
  readonly kind: 'closed';
  /** Failures since the last success (or since closing). */
  readonly consecutiveFailures: number;
  /** Outcome counts per slice, oldest first, start times strictly increasing. */
  readonly window: readonly WindowBucket[];
  /** Opens since the breaker was last closed by a probe or reset (0 in normal operation). */
  readonly trips: number;
}

/** Calls are refused until `openedAt + cooldownMs`. */
export interface OpenCircuitState {
  readonly kind: 'open';
  /** Clock time at which the breaker opened. */
  readonly openedAt: number;
  /** Length of this open period in ms. */
  readonly cooldownMs: number;
  /** Consecutive opens without a close, this one included (>= 1). */
  readonly trips: number;
}

/** Cooldown elapsed: a few probe calls decide whether to close or to open again. */
export interface HalfOpenCircuitState {
  readonly kind: 'half-open';
  /** Admitted probes that have not reported an outcome yet. */
  readonly probesInFlight: number;
  /** Probes that succeeded since entering half-open. */
  readonly successes: number;
  /** Consecutive opens without a close (>= 1); the next open, if any, is trip number trips + 1. */
  readonly trips: number;
}

/**
 * The state of a {@link CircuitBreaker}: a tagged union of plain data, safe to
 * `JSON.stringify` and to restore with `new CircuitBreaker(clock, options, state)`.
 */
export type CircuitState = ClosedCircuitState | OpenCircuitState | HalfOpenCircuitState;

/** A closed state with no failures, an empty window and no trips: a new or reset breaker. */
export const INITIAL_CIRCUIT_STATE: ClosedCircuitState = closedState(0, [], 0);

/** Builds a frozen closed state (the caller guarantees the numbers are valid). */
export function closedState(
  consecutiveFailures: number,
  window: readonly WindowBucket[],
  trips: number,
): ClosedCircuitState {
  return Object.freeze({
    kind: 'closed',
    consecutiveFailures,
    window: Object.isFrozen(window) ? window : Object.freeze([...window]),
    trips,
  });
}

/** Builds a frozen open state (the caller guarantees the numbers are valid). */
export function openState(openedAt: number, cooldownMs: number, trips: number): OpenCircuitState {
  return Object.freeze({ kind: 'open', openedAt, cooldownMs, trips });
}

/** Builds a frozen half-open state (the caller guarantees the numbers are valid). */
export function halfOpenState(
  probesInFlight: number,
  successes: number,
  trips: number,
): HalfOpenCircuitState {
  return Object.freeze({ kind: 'half-open', probesInFlight, successes, trips });
}

function field(source: object, name: string): unknown {
  return (source as Record<string, unknown>)[name];
}

function count(source: object, name: string, min: number, where: string): number {
  const value = field(source, name);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${where}.${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

function finite(source: object, name: string, min: number, where: string): number {
  const value = field(source, name);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new RangeError(
      `${where}.${name} must be a finite number >= ${min}, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * Checks an untrusted snapshot (for example from `JSON.parse`) and returns a frozen copy.
 *
 * Rules: counts are safe integers >= 0; `trips` >= 1 when open or half-open (being there took a
 * trip); `openedAt` and bucket starts are finite; `cooldownMs` >= 0; bucket starts strictly
 * increase. Rules that depend on options (e.g. `consecutiveFailures` already past the limit) are
 * not checked, so a snapshot survives an options change; the next event applies the new options.
 *
 * @throws RangeError if the snapshot is not a valid {@link CircuitState}.
 */
export function parseCircuitState(value: unknown): CircuitState {
  if (typeof value !== 'object' || value === null) {
    throw new RangeError('circuit state must be an object');
  }
  const kind = field(value, 'kind');
  switch (kind) {
    case 'closed': {
      const rawWindow = field(value, 'window');
      if (!Array.isArray(rawWindow)) throw new RangeError('circuit state.window must be an array');
      let previousStart = Number.NEGATIVE_INFINITY;
      const window = rawWindow.map((bucket: unknown, i): WindowBucket => {
        const where = `circuit state.window[${i}]`;
        if (typeof bucket !== 'object' || bucket === null) {
          throw new RangeError(`${where} must be an object`);
        }
        const start = finite(bucket, 'start', Number.NEGATIVE_INFINITY, where);
        if (start <= previousStart) {
          throw new RangeError(`${where}.start must be after the previous bucket's start`);
        }
        previousStart = start;
        return Object.freeze({
          start,
          successes: count(bucket, 'successes', 0, where),
          failures: count(bucket, 'failures', 0, where),
        });
      });
      return closedState(
        count(value, 'consecutiveFailures', 0, 'circuit state'),
        Object.freeze(window),
        count(value, 'trips', 0, 'circuit state'),
      );
    }
    case 'open':
      return openState(
        finite(value, 'openedAt', Number.NEGATIVE_INFINITY, 'circuit state'),
        finite(value, 'cooldownMs', 0, 'circuit state'),
        count(value, 'trips', 1, 'circuit state'),
      );
    case 'half-open':
      return halfOpenState(
        count(value, 'probesInFlight', 0, 'circuit state'),
        count(value, 'successes', 0, 'circuit state'),
        count(value, 'trips', 1, 'circuit state'),
      );
    default:
      throw new RangeError(`unknown circuit state kind ${JSON.stringify(kind) ?? 'undefined'}`);
  }
}
