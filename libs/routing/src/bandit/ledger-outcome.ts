/**
 * The outcome of one upstream attempt as the call ledger counts it in its rollups.
 * Mirrors the server's `AttemptOutcome`; kept here so the bandit can read rollups without
 * importing the server.
 */
export type LedgerOutcome =
  | 'success'
  | 'caller_error'
  | 'rate_limited'
  | 'server_error'
  | 'timeout'
  | 'connection_error'
  | 'malformed'
  | 'misconfigured'
  | 'interrupted'
  | 'aborted';

/** Every {@link LedgerOutcome}, in the ledger's order. */
export const LEDGER_OUTCOMES: readonly LedgerOutcome[] = Object.freeze([
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
]);

/**
 * What an outcome says about the deployment:
 *
 * - `success`: it answered;
 * - `neutral`: not its fault (`caller_error`: the caller's request was bad; `aborted`: the caller
 *   went away), so the bandit counts it neither way;
 * - `failure`: everything else, including `rate_limited` (a deployment that sheds load is, for
 *   routing, a deployment that did not answer).
 */
export type OutcomeKind = 'success' | 'failure' | 'neutral';

/** The {@link OutcomeKind} of each {@link LedgerOutcome}. */
export function outcomeKind(outcome: LedgerOutcome): OutcomeKind {
  switch (outcome) {
    case 'success':
      return 'success';
    case 'caller_error':
    case 'aborted':
      return 'neutral';
    default:
      return 'failure';
  }
}

/** The outcomes whose kind is `failure`, for summing rollup counts. */
export const FAILURE_OUTCOMES: readonly LedgerOutcome[] = Object.freeze(
  LEDGER_OUTCOMES.filter((o) => outcomeKind(o) === 'failure'),
);

/** The outcomes whose kind is `neutral`. */
export const NEUTRAL_OUTCOMES: readonly LedgerOutcome[] = Object.freeze(
  LEDGER_OUTCOMES.filter((o) => outcomeKind(o) === 'neutral'),
);
