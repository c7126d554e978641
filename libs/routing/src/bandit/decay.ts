import { ROLLUP_MINUTE_MS } from './rollup-input.js';

/** Evidence weighing less than this is not worth reading (see {@link evidenceLookbackMs}). */
export const DEFAULT_MIN_EVIDENCE_WEIGHT = 1e-3;

function checkHalfLife(halfLifeMs: number): void {
  if (!(Number.isFinite(halfLifeMs) && halfLifeMs > 0)) {
    throw new RangeError(`halfLifeMs must be a finite number > 0, got ${halfLifeMs}`);
  }
}

/**
 * Weight of evidence that is `ageMs` old under exponential forgetting with half-life h:
 *
 *     w(age) = 2^(−age / h) = exp(−age · ln 2 / h)
 *
 * so an observation counts 1 now, 1/2 after one half-life, 1/1024 after ten. Negative ages
 * (clock skew between replicas) count as 0.
 *
 * @throws RangeError if halfLifeMs is not a finite number > 0 or ageMs is NaN.
 */
export function decayWeight(ageMs: number, halfLifeMs: number): number {
  checkHalfLife(halfLifeMs);
  if (Number.isNaN(ageMs)) throw new RangeError('ageMs must be a number, got NaN');
  return Math.exp((-Math.max(0, ageMs) * Math.LN2) / halfLifeMs);
}

/**
 * Age of a rollup interval [start, start + duration) at `nowMs`: the age of its midpoint,
 *
 *     age = max(0, now − (start + duration / 2)),
 *
 * the mean age of evidence spread evenly over the interval (the current, still-filling minute
 * counts as fresh).
 */
export function rollupAgeMs(nowMs: number, startMs: number, durationMs = ROLLUP_MINUTE_MS): number {
  return Math.max(0, nowMs - (startMs + durationMs / 2));
}

/**
 * How far back evidence still matters: the age at which its weight falls to `minWeight`,
 *
 *     L = h · log2(1 / minWeight)      (≈ 9.97 h for the default 1e-3).
 *
 * With the default 15-minute half-life that is ~150 minutes, so the weights job reads ~150
 * minute rows per deployment instead of a day's 1,440. Cutting there changes no decayed sum by
 * more than minWeight × (the rate of that deployment's calls per half-life) × h / ln 2 — 0.1 %
 * of the window's total weight.
 *
 * @throws RangeError if halfLifeMs is not > 0 or minWeight is not in (0, 1).
 */
export function evidenceLookbackMs(
  halfLifeMs: number,
  minWeight: number = DEFAULT_MIN_EVIDENCE_WEIGHT,
): number {
  checkHalfLife(halfLifeMs);
  if (!(minWeight > 0 && minWeight < 1)) {
    throw new RangeError(`minWeight must be in (0, 1), got ${minWeight}`);
  }
  return halfLifeMs * Math.log2(1 / minWeight);
}

/**
 * The first minute to read from the ledger at `nowMs`: rows with `minute >= ` this value are
 * the ones whose weight (at their midpoint) is at least `minWeight`:
 *
 *     start = ⌊(now − L − bucket / 2) / bucket⌋ · bucket,   L = {@link evidenceLookbackMs}
 *
 * Use it as the lower bound of the rollup query (`WHERE minute >= $start`).
 */
export function rollupReadStartMs(
  nowMs: number,
  halfLifeMs: number,
  minWeight: number = DEFAULT_MIN_EVIDENCE_WEIGHT,
  bucketMs: number = ROLLUP_MINUTE_MS,
): number {
  if (!Number.isFinite(nowMs)) throw new RangeError(`nowMs must be finite, got ${nowMs}`);
  if (!(Number.isFinite(bucketMs) && bucketMs > 0)) {
    throw new RangeError(`bucketMs must be > 0, got ${bucketMs}`);
  }
  const oldest = nowMs - evidenceLookbackMs(halfLifeMs, minWeight) - bucketMs / 2;
  return Math.floor(oldest / bucketMs) * bucketMs;
}
