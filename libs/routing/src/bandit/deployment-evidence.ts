import { DEFAULT_CHANGE_FALSE_ALARM, latestChangePoint } from './change-point.js';
import { DEFAULT_MIN_EVIDENCE_WEIGHT, decayWeight, rollupAgeMs } from './decay.js';
import { emptyDecayedStats, type DecayedStats } from './decayed-stats.js';
import {
  ROLLUP_MINUTE_MS,
  readRollupCounts,
  withinSloCounter,
  type RollupInput,
} from './rollup-input.js';

/** What the weights job knows about one deployment after reading its rollups. */
export interface DeploymentEvidence {
  /** Decayed sums over the current regime: the rows since the latest detected change. */
  readonly stats: DecayedStats;
  /**
   * Start (ms) of the first row of the current regime when a change was detected in the read
   * window, else null (all rows in the window count, decayed).
   */
  readonly changeAtMs: number | null;
  /** Undecayed calls (successes + failures) in the current regime. */
  readonly rawCalls: number;
  /** Start of the oldest row read (ms), or null without rows. */
  readonly oldestRowMs: number | null;
}

/** Options of {@link collectEvidence}. */
export interface EvidenceOptions {
  readonly nowMs: number;
  readonly halfLifeMs: number;
  readonly latencySloMs: number;
  /** Rows weighing less than this are not read (default 1e-3). */
  readonly minWeight?: number;
  /** Run the change detector (default true). */
  readonly detectChanges?: boolean;
  /** False-alarm parameter δ of the detector (default 1e-2). */
  readonly changeFalseAlarm?: number;
}

/** The evidence of every requested deployment plus route-wide decayed sums. */
export interface RouteEvidence {
  readonly byDeployment: ReadonlyMap<string, DeploymentEvidence>;
  /**
   * Decayed sums over every row read, all deployments, ignoring change points: the route's
   * traffic mix (tokens per call), which does not change when a provider does.
   */
  readonly pooled: DecayedStats;
}

const NO_EVIDENCE: DeploymentEvidence = Object.freeze({
  stats: Object.freeze(emptyDecayedStats()),
  changeAtMs: null,
  rawCalls: 0,
  oldestRowMs: null,
});

/**
 * Reads a route's rollups into per-deployment evidence: decay plus change detection.
 *
 * 1. Rows whose weight 2^(−age / h) is below `minWeight` are skipped (one comparison each), as
 *    are rows of deployments not in `deploymentIds`.
 * 2. Per deployment, rows are ordered by time and rows of the same interval (one per API key)
 *    are merged into buckets. Two count series are built: successes vs failures, and fast vs
 *    slow successes.
 * 3. Unless disabled, `latestChangePoint` (Bernoulli GLR, binary segmentation) finds the start
 *    of the current regime on the undecayed counts. Rows before it are dropped: a local restart
 *    of that deployment's posterior (as in GLR-klUCB), so that an outage's failures stop
 *    counting against a provider the moment it is seen to be healthy again, and a provider that
 *    starts failing is judged by its recent rows alone.
 * 4. The remaining rows are decayed and summed.
 *
 * O(rows · log rows), a few typed arrays of `rows.length`.
 *
 * @throws RangeError on invalid rows (see `readRollupCounts`) or half-life.
 */
export function collectEvidence(
  rows: readonly RollupInput[],
  deploymentIds: Iterable<string>,
  options: EvidenceOptions,
): RouteEvidence {
  const minWeight = options.minWeight ?? DEFAULT_MIN_EVIDENCE_WEIGHT;
  const detect = options.detectChanges ?? true;
  const falseAlarm = options.changeFalseAlarm ?? DEFAULT_CHANGE_FALSE_ALARM;
  const slo = withinSloCounter(options.latencySloMs);
  // Validates the half-life once instead of per row.
  decayWeight(0, options.halfLifeMs);
  const decayRate = Math.LN2 / options.halfLifeMs;
  // weight >= minWeight  ⟺  age <= h · log2(1 / minWeight): compare ages, skip the exp.
  const maxAge = Math.log(1 / minWeight) / decayRate;

  const grouped = new Map<string, number[]>();
  for (const id of deploymentIds) grouped.set(id, []);
  const n = rows.length;
  const weight = new Float64Array(n);
  const successes = new Float64Array(n);
  const failures = new Float64Array(n);
  const neutral = new Float64Array(n);
  const fast = new Float64Array(n);
  const pooled = emptyDecayedStats();

  const add = (into: DecayedStats, i: number): void => {
    const w = weight[i]!;
    const row = rows[i]!;
    into.attempts += w * row.attempts;
    into.successes += w * successes[i]!;
    into.failures += w * failures[i]!;
    into.neutral += w * neutral[i]!;
    into.fast += w * fast[i]!;
    into.latencySumMs += w * row.latencySumMs;
    into.inputTokens += w * row.inputTokens;
    into.outputTokens += w * row.outputTokens;
    into.costMicroUsd += w * row.costMicroUsd;
  };

  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    const list = grouped.get(row.deploymentId);
    if (list === undefined) continue;
    const age = rollupAgeMs(options.nowMs, row.minute, row.durationMs ?? ROLLUP_MINUTE_MS);
    if (age > maxAge) continue;
    const counts = readRollupCounts(row, slo);
    weight[i] = Math.exp(-age * decayRate);
    successes[i] = counts.successes;
    failures[i] = counts.failures;
    neutral[i] = counts.neutral;
    fast[i] = counts.fast;
    list.push(i);
    add(pooled, i);
  }

  const byDeployment = new Map<string, DeploymentEvidence>();
  for (const [id, list] of grouped) {
    if (list.length === 0) {
      byDeployment.set(id, NO_EVIDENCE);
      continue;
    }
    list.sort((a, b) => rows[a]!.minute - rows[b]!.minute);
    // Rows of the same interval (one per API key) share a bucket.
    const bucketOf = new Int32Array(list.length);
    const bucketStart: number[] = [];
    const yes: number[] = [];
    const no: number[] = [];
    const fastYes: number[] = [];
    const fastNo: number[] = [];
    for (let j = 0; j < list.length; j++) {
      const i = list[j]!;
      const minute = rows[i]!.minute;
      let b = bucketStart.length - 1;
      if (b < 0 || bucketStart[b] !== minute) {
        bucketStart.push(minute);
        yes.push(0);
        no.push(0);
        fastYes.push(0);
        fastNo.push(0);
        b++;
      }
      bucketOf[j] = b;
      yes[b]! += successes[i]!;
      no[b]! += failures[i]!;
      fastYes[b]! += fast[i]!;
      fastNo[b]! += successes[i]! - fast[i]!;
    }
    const start = detect
      ? latestChangePoint(
          [
            { yes, no },
            { yes: fastYes, no: fastNo },
          ],
          falseAlarm,
        )
      : 0;
    const stats = emptyDecayedStats();
    let rawCalls = 0;
    for (let j = 0; j < list.length; j++) {
      if (bucketOf[j]! < start) continue;
      const i = list[j]!;
      add(stats, i);
      rawCalls += successes[i]! + failures[i]!;
    }
    byDeployment.set(id, {
      stats,
      changeAtMs: start > 0 ? bucketStart[start]! : null,
      rawCalls,
      oldestRowMs: bucketStart[0]!,
    });
  }
  return { byDeployment, pooled };
}
