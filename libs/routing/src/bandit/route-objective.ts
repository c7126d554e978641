/**
 * What an adaptive route optimises and how the bandit learns it. The sampled utility of
 * deployment d (DESIGN.md, "Adaptive weights") is
 *
 *     u_d = p_succ · (a + (1 − a) · p_fast) − (κ + λ) · c_d / c_ref,   a = 1 − speedWeight,
 *
 * with κ = `costWeight`, λ the budget-pacing multiplier (0 without a budget), c_d the cost per
 * successful call and c_ref = `costReferenceMicroUsd`. docs/routing.md explains each default.
 */
export interface RouteObjective {
  /** A successful call is "fast" when it took at most this long (ms, > 0; default 5_000). */
  latencySloMs: number;
  /**
   * 1 − a: the share of a successful call's value that depends on meeting the SLO ([0, 1];
   * default 0.25, so a slow success is worth 0.75 of a fast one).
   */
  speedWeight: number;
  /**
   * κ: utility given up per c_ref of cost per call, even without a budget (>= 0; default 0.1:
   * paying the most expensive deployment's price instead of nothing is worth 10 points of
   * success rate). 0 = cost matters only under a budget.
   */
  costWeight: number;
  /**
   * c_ref in micro-USD per call (> 0), or null (default) for the expected cost per call of the
   * route's most expensive enabled deployment at current prices and the route's token mix. Pin
   * it to keep the cost trade-off fixed when that deployment's price changes.
   */
  costReferenceMicroUsd: number | null;
  /**
   * ε: the share of traffic spread evenly over all eligible deployments whatever the
   * posteriors say, so none starves and a recovered provider is seen ([0, 1]; default 0.05).
   */
  explorationFloor: number;
  /** Evidence half-life in ms (> 0; default 15 minutes). */
  halfLifeMs: number;
  /** M: posterior draws per run (integer in [1, 100_000]; default 1_000). */
  draws: number;
  /** Run the change-point detector on each deployment's rollups (default true). */
  detectChanges: boolean;
  /**
   * False-alarm parameter δ of the change detector ((0, 1); default 0.01). A false alarm only
   * narrows one deployment's evidence to its recent rows, which the shared prior keeps cheap, so
   * the default favours quick detection.
   */
  changeFalseAlarm: number;
  /**
   * Fraction of the budget pace held back: the spend target is (1 − headroom) · pace
   * ([0, 1); default 0.05), so estimation error does not run the budget dry before its end.
   */
  paceHeadroom: number;
  /**
   * Strength n₀ of the success and within-SLO priors, in calls (> 0; default 2). The priors are
   * Beta(n₀ · p̄, n₀ · (1 − p̄)) centred on the route's pooled rates p̄ (empirical Bayes); with no
   * data p̄ = 1/2 and n₀ = 2 give DESIGN.md's uniform Beta(1, 1).
   */
  priorCalls: number;
  /** Tokens per call assumed for cost priors while the route has no successful call yet. */
  priorInputTokens: number;
  priorOutputTokens: number;
}

/** The defaults; docs/routing.md justifies them. */
export const DEFAULT_ROUTE_OBJECTIVE: Readonly<RouteObjective> = Object.freeze({
  latencySloMs: 5_000,
  speedWeight: 0.25,
  costWeight: 0.1,
  costReferenceMicroUsd: null,
  explorationFloor: 0.05,
  halfLifeMs: 15 * 60_000,
  draws: 1_000,
  detectChanges: true,
  changeFalseAlarm: 1e-2,
  paceHeadroom: 0.05,
  priorCalls: 2,
  priorInputTokens: 1_000,
  priorOutputTokens: 500,
});

function fail(name: keyof RouteObjective, range: string, value: unknown): never {
  throw new RangeError(`route objective ${name} must be ${range}, got ${String(value)}`);
}

/**
 * Fills in defaults for missing (or `undefined`) fields and validates the result.
 *
 * @returns a frozen, complete objective.
 * @throws RangeError if a value is out of its documented range.
 */
export function resolveRouteObjective(
  objective: Partial<RouteObjective> = {},
): Readonly<RouteObjective> {
  const o: RouteObjective = { ...DEFAULT_ROUTE_OBJECTIVE };
  for (const key of Object.keys(o) as (keyof RouteObjective)[]) {
    const value = objective[key];
    if (value !== undefined) (o as unknown as Record<string, unknown>)[key] = value;
  }
  if (!(Number.isFinite(o.latencySloMs) && o.latencySloMs > 0)) {
    fail('latencySloMs', 'a finite number > 0', o.latencySloMs);
  }
  if (!(o.speedWeight >= 0 && o.speedWeight <= 1)) fail('speedWeight', 'in [0, 1]', o.speedWeight);
  if (!(Number.isFinite(o.costWeight) && o.costWeight >= 0)) {
    fail('costWeight', 'a finite number >= 0', o.costWeight);
  }
  if (
    o.costReferenceMicroUsd !== null &&
    !(Number.isFinite(o.costReferenceMicroUsd) && o.costReferenceMicroUsd > 0)
  ) {
    fail('costReferenceMicroUsd', 'null or a finite number > 0', o.costReferenceMicroUsd);
  }
  if (!(o.explorationFloor >= 0 && o.explorationFloor <= 1)) {
    fail('explorationFloor', 'in [0, 1]', o.explorationFloor);
  }
  if (!(Number.isFinite(o.halfLifeMs) && o.halfLifeMs > 0)) {
    fail('halfLifeMs', 'a finite number > 0', o.halfLifeMs);
  }
  if (!(Number.isSafeInteger(o.draws) && o.draws >= 1 && o.draws <= 100_000)) {
    fail('draws', 'an integer in [1, 100000]', o.draws);
  }
  if (typeof o.detectChanges !== 'boolean') fail('detectChanges', 'a boolean', o.detectChanges);
  if (!(o.changeFalseAlarm > 0 && o.changeFalseAlarm < 1)) {
    fail('changeFalseAlarm', 'in (0, 1)', o.changeFalseAlarm);
  }
  if (!(o.paceHeadroom >= 0 && o.paceHeadroom < 1))
    fail('paceHeadroom', 'in [0, 1)', o.paceHeadroom);
  if (!(Number.isFinite(o.priorCalls) && o.priorCalls > 0)) {
    fail('priorCalls', 'a finite number > 0', o.priorCalls);
  }
  if (!(Number.isSafeInteger(o.priorInputTokens) && o.priorInputTokens >= 0)) {
    fail('priorInputTokens', 'an integer >= 0', o.priorInputTokens);
  }
  if (!(Number.isSafeInteger(o.priorOutputTokens) && o.priorOutputTokens >= 0)) {
    fail('priorOutputTokens', 'an integer >= 0', o.priorOutputTokens);
  }
  return Object.freeze(o);
}
