import type { Rng } from '../rng.js';
import type { DeploymentPosterior } from './deployment-posterior.js';
import { RandomVariates } from './random-variates.js';

/**
 * M joint draws from the posteriors of K deployments (arms), stored arm-major:
 * index k · M + m is arm k in draw m.
 */
export interface PosteriorDraws {
  /** M */
  readonly draws: number;
  /** K */
  readonly arms: number;
  /** Sampled value v = p_succ · (a + (1 − a) · p_fast), in [0, 1]. */
  readonly value: Float64Array;
  /** Sampled mean cost per successful call, micro-USD. */
  readonly cost: Float64Array;
}

/**
 * Draws M samples per arm: for arm k and draw m,
 *
 *     p_succ ~ Beta(α_s, β_s),  p_fast ~ Beta(α_f, β_f),  c ~ InvGamma(α_c, b_c)
 *     value = p_succ · ((1 − speedWeight) + speedWeight · p_fast)
 *
 * Arm k draws only from `rngs[k]` (5 gamma variates per draw), so one arm's draws do not depend
 * on the others' and the same draws serve every λ the pacing tries (common random numbers).
 *
 * @throws RangeError if draws is not an integer >= 1, speedWeight is outside [0, 1] or
 *   rngs.length differs from posteriors.length.
 */
export function drawPosteriors(
  posteriors: readonly DeploymentPosterior[],
  draws: number,
  speedWeight: number,
  rngs: readonly Rng[],
): PosteriorDraws {
  if (!(Number.isSafeInteger(draws) && draws >= 1)) {
    throw new RangeError(`draws must be an integer >= 1, got ${draws}`);
  }
  if (!(speedWeight >= 0 && speedWeight <= 1)) {
    throw new RangeError(`speedWeight must be in [0, 1], got ${speedWeight}`);
  }
  if (rngs.length !== posteriors.length) {
    throw new RangeError(`need one rng per posterior: ${rngs.length} vs ${posteriors.length}`);
  }
  const arms = posteriors.length;
  const value = new Float64Array(arms * draws);
  const cost = new Float64Array(arms * draws);
  const a = 1 - speedWeight;
  for (let k = 0; k < arms; k++) {
    const p = posteriors[k]!;
    const variates = new RandomVariates(rngs[k]!);
    const successYes = variates.gammaSampler(p.success.alpha);
    const successNo = variates.gammaSampler(p.success.beta);
    const fastYes = variates.gammaSampler(p.fast.alpha);
    const fastNo = variates.gammaSampler(p.fast.beta);
    const costGamma = variates.gammaSampler(p.costShape);
    if (!(Number.isFinite(p.costScale) && p.costScale >= 0)) {
      throw new RangeError(`cost scale must be a finite number >= 0, got ${p.costScale}`);
    }
    const base = k * draws;
    for (let m = 0; m < draws; m++) {
      // Beta(α, β) = X / (X + Y), X ~ Gamma(α), Y ~ Gamma(β); drawn in this fixed order.
      const sy = successYes();
      const pSucc = sy / (sy + successNo());
      const fy = fastYes();
      const pFast = fy / (fy + fastNo());
      value[base + m] = pSucc * (a + speedWeight * pFast);
      cost[base + m] = p.costScale / costGamma();
    }
  }
  return { draws, arms, value, cost };
}
