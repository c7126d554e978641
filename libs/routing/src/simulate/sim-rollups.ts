import type { LedgerOutcome } from '../bandit/ledger-outcome.js';
import { ROLLUP_MINUTE_MS, type RollupInput } from '../bandit/rollup-input.js';
import { emptyLatencyBuckets, latencyBucketIndex } from '../histogram/log-histogram.js';
import type { SimAttempt } from './provider-model.js';

interface MutableRollup {
  readonly deploymentId: string;
  readonly minute: number;
  attempts: number;
  readonly outcomes: Partial<Record<LedgerOutcome, number>>;
  latencySumMs: number;
  readonly latencyBuckets: number[];
  inputTokens: number;
  outputTokens: number;
  costMicroUsd: number;
}

/**
 * The simulation's call ledger: per (minute, deployment) rollups built from the attempts, as
 * the server's recorder builds `call_rollups_minute` (latency histogram of successes only,
 * tokens and cost of every attempt). The current minute's rows grow as attempts arrive, like
 * rows upserted by the recorder's flushes.
 */
export class SimRollups {
  private readonly rows: MutableRollup[] = [];
  private readonly open = new Map<string, MutableRollup>();
  private openMinute = -1;

  /** Adds one attempt that started at `atMs`. Times must not go backwards by a minute. */
  record(atMs: number, deploymentId: string, attempt: SimAttempt): void {
    const minute = Math.floor(atMs / ROLLUP_MINUTE_MS) * ROLLUP_MINUTE_MS;
    if (minute < this.openMinute) {
      throw new RangeError(`attempt at ${atMs} is older than the open minute ${this.openMinute}`);
    }
    if (minute !== this.openMinute) {
      this.open.clear();
      this.openMinute = minute;
    }
    let row = this.open.get(deploymentId);
    if (row === undefined) {
      row = {
        deploymentId,
        minute,
        attempts: 0,
        outcomes: {},
        latencySumMs: 0,
        latencyBuckets: emptyLatencyBuckets(),
        inputTokens: 0,
        outputTokens: 0,
        costMicroUsd: 0,
      };
      this.open.set(deploymentId, row);
      this.rows.push(row);
    }
    row.attempts++;
    row.outcomes[attempt.outcome] = (row.outcomes[attempt.outcome] ?? 0) + 1;
    if (attempt.outcome === 'success') {
      row.latencySumMs += attempt.latencyMs;
      row.latencyBuckets[latencyBucketIndex(attempt.latencyMs)]!++;
    }
    row.inputTokens += attempt.inputTokens;
    row.outputTokens += attempt.outputTokens;
    row.costMicroUsd += attempt.costMicroUsd;
  }

  /** Rows with minute >= startMs, oldest first (what `WHERE minute >= $start` returns). */
  since(startMs: number): readonly RollupInput[] {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rows[mid]!.minute < startMs) lo = mid + 1;
      else hi = mid;
    }
    return this.rows.slice(lo);
  }
}
