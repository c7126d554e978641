/** Default false-alarm parameter δ of the change detector (see {@link glrThreshold}). */
export const DEFAULT_CHANGE_FALSE_ALARM = 1e-2;

/** x · ln x with 0 · ln 0 = 0. */
function xlnx(x: number): number {
  return x > 0 ? x * Math.log(x) : 0;
}

/** Maximised Bernoulli log-likelihood of s successes and f failures: s ln(s/n) + f ln(f/n). */
function maxLogLikelihood(s: number, f: number): number {
  return xlnx(s) + xlnx(f) - xlnx(s + f);
}

/**
 * Kullback–Leibler divergence between Bernoulli(p) and Bernoulli(q), in nats:
 *
 *     kl(p, q) = p ln(p / q) + (1 − p) ln((1 − p) / (1 − q)),   0 · ln 0 = 0.
 *
 * +Infinity when q puts zero mass where p does not.
 *
 * @throws RangeError if p or q is outside [0, 1].
 */
export function bernoulliKl(p: number, q: number): number {
  if (!(p >= 0 && p <= 1 && q >= 0 && q <= 1)) {
    throw new RangeError(`probabilities must be in [0, 1], got p=${p}, q=${q}`);
  }
  let kl = 0;
  if (p > 0) kl += q === 0 ? Infinity : p * Math.log(p / q);
  if (p < 1) kl += q === 1 ? Infinity : (1 - p) * Math.log((1 - p) / (1 - q));
  return kl;
}

/**
 * Generalised likelihood ratio statistic for "two Bernoulli segments have different rates",
 * segment 1 with s1 successes and f1 failures, segment 2 with s2 and f2:
 *
 *     G = n1 · kl(p1, p) + n2 · kl(p2, p)
 *       = ℓ(s1, f1) + ℓ(s2, f2) − ℓ(s1 + s2, f1 + f2),
 *
 * with p_i = s_i / n_i, p the pooled rate, and ℓ(s, f) = s ln(s/n) + f ln(f/n) the maximised
 * log-likelihood. G = 0 when the rates are equal; 2G is asymptotically χ²₁ under no change.
 * Counts may be fractional (interpolated SLO counts).
 *
 * @throws RangeError if a count is negative or not finite.
 */
export function bernoulliGlr(s1: number, f1: number, s2: number, f2: number): number {
  for (const x of [s1, f1, s2, f2]) {
    if (!(Number.isFinite(x) && x >= 0)) {
      throw new RangeError(`counts must be finite and >= 0, got ${x}`);
    }
  }
  const g =
    maxLogLikelihood(s1, f1) + maxLogLikelihood(s2, f2) - maxLogLikelihood(s1 + s2, f1 + f2);
  return Math.max(0, g);
}

/**
 * Detection threshold of the Bernoulli GLR change detector of Besson, Kaufmann, Maillard and
 * Seznec ("Efficient change-point detection for tackling piecewise-stationary bandits", JMLR
 * 2022), for a segment of n observations and false-alarm parameter δ:
 *
 *     β(n, δ) = ln(3 · n^{3/2} / δ).
 *
 * Scanning every split of a stationary segment, the largest G exceeds β with probability at
 * most about δ; the n^{3/2} pays for the number of splits tried.
 *
 * @throws RangeError if n < 0 or δ is not in (0, 1).
 */
export function glrThreshold(n: number, falseAlarm: number = DEFAULT_CHANGE_FALSE_ALARM): number {
  if (!(n >= 0 && Number.isFinite(n))) throw new RangeError(`n must be >= 0, got ${n}`);
  if (!(falseAlarm > 0 && falseAlarm < 1)) {
    throw new RangeError(`falseAlarm must be in (0, 1), got ${falseAlarm}`);
  }
  return Math.log((3 * Math.max(1, n) ** 1.5) / falseAlarm);
}

/**
 * A sequence of Bernoulli counts over consecutive time buckets, oldest first: `yes[i]` and
 * `no[i]` are bucket i's two counts (e.g. successes and failures, or fast and slow successes).
 */
export interface BernoulliSeries {
  readonly yes: ArrayLike<number>;
  readonly no: ArrayLike<number>;
}

/**
 * Start of the current regime: the index of the first bucket after the latest detected change
 * point in any of the given series (which must have equal lengths), or 0 when none is found.
 *
 * Method: binary segmentation with the GLR test, restricted to the recent side. On the segment
 * [lo, n) every split j (older = [lo, j), recent = [j, n)) is scored by
 *
 *     excess(j) = max_k ( G_k(j) − β(N_k, δ / K) )
 *
 * over the K series (a Bonferroni split of δ), with G_k from {@link bernoulliGlr} and N_k the
 * segment's observations in series k. If the best split has excess > 0, a change is declared
 * there and the search repeats on [j*, n), so that the most recent of several changes is found
 * (an outage start followed by a recovery, say). Otherwise the segment is taken as stationary.
 *
 * Cost: O(n · K) per pass (prefix sums), a few passes at most in practice.
 *
 * @throws RangeError if the series lengths differ or falseAlarm is not in (0, 1).
 */
export function latestChangePoint(
  series: readonly BernoulliSeries[],
  falseAlarm: number = DEFAULT_CHANGE_FALSE_ALARM,
): number {
  const first = series[0];
  if (first === undefined) return 0;
  const n = first.yes.length;
  for (const s of series) {
    if (s.yes.length !== n || s.no.length !== n) {
      throw new RangeError('all series must have the same number of buckets');
    }
  }
  const delta = falseAlarm / series.length;
  let lo = 0;
  // Suffix sums reused across passes: suffix[k][j] = Σ_{i >= j}.
  const suffixYes = series.map((s) => suffixSums(s.yes));
  const suffixNo = series.map((s) => suffixSums(s.no));
  for (;;) {
    let bestExcess = 0;
    let bestSplit = -1;
    for (let k = 0; k < series.length; k++) {
      const sy = suffixYes[k]!;
      const sn = suffixNo[k]!;
      const totalYes = sy[lo]!;
      const totalNo = sn[lo]!;
      // A segment that is all yes or all no cannot contain a change in this series.
      if (totalYes <= 0 || totalNo <= 0) continue;
      const beta = glrThreshold(totalYes + totalNo, delta);
      const whole = maxLogLikelihood(totalYes, totalNo);
      for (let j = lo + 1; j < n; j++) {
        const recentYes = sy[j]!;
        const recentNo = sn[j]!;
        if (recentYes + recentNo <= 0) continue;
        const olderYes = totalYes - recentYes;
        const olderNo = totalNo - recentNo;
        if (olderYes + olderNo <= 0) continue;
        const g =
          maxLogLikelihood(olderYes, olderNo) + maxLogLikelihood(recentYes, recentNo) - whole;
        const excess = g - beta;
        if (excess > bestExcess) {
          bestExcess = excess;
          bestSplit = j;
        }
      }
    }
    if (bestSplit < 0) return lo;
    lo = bestSplit;
  }
}

function suffixSums(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length + 1);
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i]!;
    if (!(Number.isFinite(v) && v >= 0)) {
      throw new RangeError(`counts must be finite and >= 0, got ${v}`);
    }
    out[i] = out[i + 1]! + v;
  }
  return out;
}
