/**
 * How one upstream attempt failed, as seen by the gateway. A tagged union on `kind`.
 *
 * - `http`: the upstream answered with an error status (400–599).
 * - `timeout`: a deadline passed while connecting, waiting for the first byte, between bytes
 *   (`idle`), or for the whole attempt (`total`).
 * - `connection`: reset, refused, or the socket closed early.
 * - `malformed`: the upstream body is not valid for its wire format.
 */
export type UpstreamFailure =
  | { readonly kind: 'http'; readonly status: number }
  | { readonly kind: 'timeout'; readonly phase: 'connect' | 'first-byte' | 'idle' | 'total' }
  | { readonly kind: 'connection' }
  | { readonly kind: 'malformed' };

/**
 * What a failure means for the attempt loop:
 *
 * - `retryable`: the deployment had a transient problem; retry or fail over.
 * - `caller`: the request itself is at fault; return it to the caller, never fail over.
 * - `misconfigured`: this deployment is set up wrong (credentials, billing, proxy); fail over and
 *   trip its breaker, but never retry the same deployment.
 */
export type FailureClass = 'retryable' | 'caller' | 'misconfigured';

/** 4xx statuses that mean "try again": request timeout, conflict, too early, too many requests. */
const RETRYABLE_4XX: ReadonlySet<number> = new Set([408, 409, 425, 429]);

/** 4xx statuses that mean the deployment's setup is wrong: auth, billing, proxy auth, forbidden. */
const MISCONFIGURED_4XX: ReadonlySet<number> = new Set([401, 402, 403, 407]);

/**
 * Classifies an upstream failure (DESIGN.md, attempt loop):
 *
 * | failure                                        | class           |
 * | ---------------------------------------------- | --------------- |
 * | timeout (any phase), connection, malformed     | `retryable`     |
 * | HTTP 408, 409, 425, 429, any 5xx (incl. 529)   | `retryable`     |
 * | HTTP 401, 402, 403, 407                        | `misconfigured` |
 * | any other 4xx (400, 404, 413, 422, ...)        | `caller`        |
 *
 * @throws RangeError for an HTTP status that is not an integer in 400–599 (not a failure).
 */
export function classifyFailure(failure: UpstreamFailure): FailureClass {
  switch (failure.kind) {
    case 'timeout':
    case 'connection':
    case 'malformed':
      return 'retryable';
    case 'http': {
      const { status } = failure;
      if (!Number.isInteger(status) || status < 400 || status > 599) {
        throw new RangeError(`HTTP status ${status} is not a failure status (400-599)`);
      }
      if (status >= 500 || RETRYABLE_4XX.has(status)) return 'retryable';
      if (MISCONFIGURED_4XX.has(status)) return 'misconfigured';
      return 'caller';
    }
  }
}
