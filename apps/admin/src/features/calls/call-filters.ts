import { attemptOutcomeSchema, type AttemptOutcome } from '@stilts/admin-contract';

/** The Calls page's filters, as they live in the URL. */
export interface CallFilters {
  readonly route: string | null;
  readonly deploymentId: string | null;
  /** `failures` = every outcome but success. */
  readonly outcome: AttemptOutcome | 'failures' | null;
  readonly firstAttemptOnly: boolean;
}

const OUTCOMES = attemptOutcomeSchema.options;

/** Reads the filters; unknown values are ignored. */
export function parseCallFilters(params: URLSearchParams): CallFilters {
  const outcome = params.get('outcome');
  return {
    route: params.get('route') || null,
    deploymentId: params.get('deployment') || null,
    outcome:
      outcome === 'failures' || OUTCOMES.includes(outcome as AttemptOutcome)
        ? (outcome as AttemptOutcome | 'failures')
        : null,
    firstAttemptOnly: params.get('first') === '1',
  };
}

/** Writes the filters into a copy of `params` (empty ones removed), keeping the rest. */
export function withCallFilters(params: URLSearchParams, filters: CallFilters): URLSearchParams {
  const next = new URLSearchParams(params);
  const put = (key: string, value: string | null): void => {
    if (value) next.set(key, value);
    else next.delete(key);
  };
  put('route', filters.route);
  put('deployment', filters.deploymentId);
  put('outcome', filters.outcome);
  put('first', filters.firstAttemptOnly ? '1' : null);
  return next;
}

/** The `GET /calls` query fields of the filters (`outcome` as the API's comma list). */
export function callFilterQuery(filters: CallFilters): {
  route?: string;
  deploymentId?: string;
  outcome?: string;
  firstAttemptOnly?: 'true';
} {
  return {
    ...(filters.route ? { route: filters.route } : {}),
    ...(filters.deploymentId ? { deploymentId: filters.deploymentId } : {}),
    ...(filters.outcome
      ? {
          outcome:
            filters.outcome === 'failures'
              ? OUTCOMES.filter((o) => o !== 'success').join(',')
              : filters.outcome,
        }
      : {}),
    ...(filters.firstAttemptOnly ? { firstAttemptOnly: 'true' as const } : {}),
  };
}

/** Every outcome, for the filter's options. */
export const OUTCOME_OPTIONS: readonly AttemptOutcome[] = OUTCOMES;
