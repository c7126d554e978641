/** The parts of a route objective the reward needs. */
export interface RewardSettings {
  readonly latencySloMs: number;
  /** 1 − a */
  readonly speedWeight: number;
  /** κ */
  readonly costWeight: number;
  /** c_ref, micro-USD (> 0) */
  readonly costReferenceMicroUsd: number;
}

/**
 * The reward of one request, the realised counterpart of the bandit's utility:
 *
 *     r = 1[success] · (a + (1 − a) · 1[latency <= SLO]) − κ · cost / c_ref,
 *
 * with latency the caller's (all attempts), cost everything the request was billed across
 * attempts, a = 1 − speedWeight. A rejected request has r = 0. Under a budget, requests that
 * arrive once a policy's spend has reached the budget are scored 0 as well (a hard cap would
 * have refused them; see `runPolicy`).
 */
export function requestReward(
  success: boolean,
  latencyMs: number,
  costMicroUsd: number,
  settings: RewardSettings,
): number {
  const a = 1 - settings.speedWeight;
  const value = success ? a + (latencyMs <= settings.latencySloMs ? settings.speedWeight : 0) : 0;
  return value - (settings.costWeight * costMicroUsd) / settings.costReferenceMicroUsd;
}
