/** What {@link explainWeight} needs to know about one deployment. */
export interface ReasonFacts {
  readonly deploymentId: string;
  readonly status: 'eligible' | 'disabled' | 'budget-blocked';
  readonly winShare: number;
  readonly successMean: number;
  readonly fastMean: number;
  /** Decayed successes + failures. */
  readonly effectiveCalls: number;
  /** Posterior mean cost per successful call, micro-USD. */
  readonly costMicroUsd: number;
  /** When the current regime started (a detected change), else null. */
  readonly changeAtMs: number | null;
}

/** Route-level context of {@link explainWeight}. */
export interface ReasonContext {
  readonly nowMs: number;
  readonly halfLifeMs: number;
  readonly latencySloMs: number;
  /** a = 1 − speedWeight */
  readonly baseValue: number;
  /** κ + λ */
  readonly costMultiplier: number;
  readonly costReferenceMicroUsd: number;
  readonly lambda: number;
  /** The eligible deployment with the largest win share (null if none). */
  readonly leader: ReasonFacts | null;
}

/** "99.8%" above 90 %, "12%" below. */
export function formatPercent(p: number): string {
  return p >= 0.9 ? `${(p * 100).toFixed(1)}%` : `${Math.round(p * 100)}%`;
}

/** Dollars per call with two significant digits: 412 micro-USD → "$0.00041". */
export function formatUsdPerCall(microUsd: number): string {
  if (microUsd === 0) return '$0/call';
  return `$${Number((microUsd / 1e6).toPrecision(2))}/call`;
}

function evidenceText(f: ReasonFacts, ctx: ReasonContext): string {
  const n = `n≈${Math.round(f.effectiveCalls)}`;
  if (f.changeAtMs !== null) {
    const minutes = Math.max(1, Math.round((ctx.nowMs - f.changeAtMs) / 60_000));
    return `${n} over the last ${minutes} min, since a detected change`;
  }
  return `${n}, half-life ${Math.round(ctx.halfLifeMs / 60_000)} min`;
}

function summary(f: ReasonFacts): string {
  return `success ${formatPercent(f.successMean)}, p(fast)=${f.fastMean.toFixed(2)}, ${formatUsdPerCall(f.costMicroUsd)}`;
}

/**
 * A one-line, human-readable reason for a deployment's weight, for the admin dashboard:
 *
 * - `disabled` / `blocked by budget` for ineligible deployments;
 * - `exploring: no calls yet; …` without evidence;
 * - `winner: …` when it wins at least half the draws, `contender: wins N% of draws; …` when it
 *   wins at least 2 %;
 * - otherwise `floor: …` naming the largest of the three terms of its utility gap to the
 *   leader L (they add up to u_L − u_d exactly):
 *
 *       success: (p_L − p_d) · q_L,   speed: p_d · (1 − a) · (f_L − f_d),
 *       cost: (κ + λ) · (c_d − c_L) / c_ref,        q = a + (1 − a) · f.
 *
 * A detected change is mentioned with its age.
 */
export function explainWeight(f: ReasonFacts, ctx: ReasonContext): string {
  if (f.status === 'disabled') return 'disabled';
  if (f.status === 'budget-blocked') return 'blocked by budget';
  const change =
    f.changeAtMs !== null
      ? `; change detected ${Math.max(1, Math.round((ctx.nowMs - f.changeAtMs) / 60_000))} min ago`
      : '';
  if (f.effectiveCalls < 0.5 && f.changeAtMs === null) {
    return `exploring: no calls yet; priced at ~${formatUsdPerCall(f.costMicroUsd)}`;
  }
  if (f.winShare >= 0.5) return `winner: ${summary(f)}${change}`;
  if (f.winShare >= 0.02) {
    return `contender: wins ${Math.round(f.winShare * 100)}% of draws; ${summary(f)}${change}`;
  }
  const leader = ctx.leader;
  if (leader === null || leader.deploymentId === f.deploymentId) {
    return `floor: ${summary(f)} (${evidenceText(f, ctx)})`;
  }
  const a = ctx.baseValue;
  const qLeader = a + (1 - a) * leader.fastMean;
  const gaps = {
    success: (leader.successMean - f.successMean) * qLeader,
    speed: f.successMean * (1 - a) * (leader.fastMean - f.fastMean),
    cost: (ctx.costMultiplier * (f.costMicroUsd - leader.costMicroUsd)) / ctx.costReferenceMicroUsd,
  };
  const worst = (Object.keys(gaps) as (keyof typeof gaps)[]).reduce((x, y) =>
    gaps[y] > gaps[x] ? y : x,
  );
  if (gaps[worst] <= 0) {
    return `floor: loses most draws to ${leader.deploymentId}; ${summary(f)} (${evidenceText(f, ctx)})`;
  }
  switch (worst) {
    case 'success':
      return `floor: success ${formatPercent(f.successMean)} (${evidenceText(f, ctx)})`;
    case 'speed':
      return `floor: p(fast)=${f.fastMean.toFixed(2)} at SLO ${ctx.latencySloMs} ms (${evidenceText(f, ctx)})`;
    case 'cost': {
      const pacing = ctx.lambda > 0 ? ` (budget pacing λ=${ctx.lambda.toPrecision(3)})` : '';
      return `floor: ${formatUsdPerCall(f.costMicroUsd)} vs ${formatUsdPerCall(leader.costMicroUsd)} for ${leader.deploymentId}${pacing}${change}`;
    }
  }
}
