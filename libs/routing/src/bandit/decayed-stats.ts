import { DEFAULT_MIN_EVIDENCE_WEIGHT, decayWeight, rollupAgeMs } from './decay.js';
import {
  ROLLUP_MINUTE_MS,
  readRollupCounts,
  withinSloCounter,
  type RollupInput,
  type WithinSloCounter,
} from './rollup-input.js';

/**
 * Exponentially decayed sums of one deployment's rollups: each row's numbers multiplied by its
 * weight w = 2^(−age / h) (see `decayWeight`) and added up,
 *
 *     X̃ = Σ_rows w_row · X_row.
 *
 * The "effective" counts are these sums: e.g. successes + failures is the number of equally
 * weighted calls that carry the same information. Plain data, so SQL can produce it too
 * (`SUM(power(0.5, age / h) * n_success)` ...) and hand it to `deploymentPosterior`.
 */
export interface DecayedStats {
  attempts: number;
  successes: number;
  failures: number;
  neutral: number;
  /** Successes within the latency SLO. */
  fast: number;
  /** Latency of successes, for the mean shown on the dashboard. */
  latencySumMs: number;
  inputTokens: number;
  outputTokens: number;
  /** Observed spend (prices of the time), micro-USD; a float once decayed. */
  costMicroUsd: number;
}

/** All-zero {@link DecayedStats}. */
export function emptyDecayedStats(): DecayedStats {
  return {
    attempts: 0,
    successes: 0,
    failures: 0,
    neutral: 0,
    fast: 0,
    latencySumMs: 0,
    inputTokens: 0,
    outputTokens: 0,
    costMicroUsd: 0,
  };
}

/**
 * Adds `weight` × the row into `into` (in place) and returns it; `latencySlo` is the SLO in ms
 * or a `withinSloCounter` for it.
 */
export function addDecayedRow(
  into: DecayedStats,
  row: RollupInput,
  weight: number,
  latencySlo: number | WithinSloCounter,
): DecayedStats {
  const counts = readRollupCounts(row, latencySlo);
  into.attempts += weight * row.attempts;
  into.successes += weight * counts.successes;
  into.failures += weight * counts.failures;
  into.neutral += weight * counts.neutral;
  into.fast += weight * counts.fast;
  into.latencySumMs += weight * row.latencySumMs;
  into.inputTokens += weight * row.inputTokens;
  into.outputTokens += weight * row.outputTokens;
  into.costMicroUsd += weight * row.costMicroUsd;
  return into;
}

/** Options of {@link decayRollups}. */
export interface DecayOptions {
  readonly nowMs: number;
  readonly halfLifeMs: number;
  /** SLO that splits successes into fast and slow. */
  readonly latencySloMs: number;
  /** Rows weighing less than this are skipped (default 1e-3; see `evidenceLookbackMs`). */
  readonly minWeight?: number;
}

/**
 * Decays rows into per-deployment {@link DecayedStats} (no change detection; the weights job
 * uses `collectEvidence`, which adds it). Each row weighs 2^(−age / h) with
 * age = max(0, now − (minute + duration / 2)); rows lighter than `minWeight` are skipped, so
 * passing a whole day costs only one comparison per old row.
 *
 * Pre-aggregated input works the same way: a row may span any duration, and its age is that
 * of its midpoint.
 *
 * @returns stats per deploymentId, in first-seen order.
 * @throws RangeError on invalid rows (see `readRollupCounts`) or options.
 */
export function decayRollups(
  rows: Iterable<RollupInput>,
  options: DecayOptions,
): Map<string, DecayedStats> {
  const minWeight = options.minWeight ?? DEFAULT_MIN_EVIDENCE_WEIGHT;
  const slo = withinSloCounter(options.latencySloMs);
  const out = new Map<string, DecayedStats>();
  for (const row of rows) {
    const age = rollupAgeMs(options.nowMs, row.minute, row.durationMs ?? ROLLUP_MINUTE_MS);
    const weight = decayWeight(age, options.halfLifeMs);
    if (weight < minWeight) continue;
    let stats = out.get(row.deploymentId);
    if (stats === undefined) {
      stats = emptyDecayedStats();
      out.set(row.deploymentId, stats);
    }
    addDecayedRow(stats, row, weight, slo);
  }
  return out;
}
