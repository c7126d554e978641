import { Logger } from '@nestjs/common';
import type { AttemptRecord, CallRecorder } from './call-record.js';
import type { CallJournal } from './call-journal.js';
import { isPermanentWriteError, type LedgerWriter } from './ledger-writer.js';

/** How the recorder batches, retries and bounds its memory. */
export interface CallRecorderOptions {
  /** A flush starts at least this often while records wait. */
  readonly flushIntervalMs: number;
  /** ... and as soon as this many records wait; also the size of one INSERT. */
  readonly batchSize: number;
  /** Records kept in memory while the database is unavailable; beyond it they go to the journal. */
  readonly maxBuffered: number;
  /** Backoff between failed flushes: base doubling up to the cap. */
  readonly retryBaseMs: number;
  readonly retryCapMs: number;
}

export const DEFAULT_CALL_RECORDER_OPTIONS: CallRecorderOptions = {
  flushIntervalMs: 250,
  batchSize: 1_000,
  maxBuffered: 50_000,
  retryBaseMs: 100,
  retryCapMs: 5_000,
};

/** Counters for metrics and tests. `dropped` exists to be shown at zero: nothing is dropped. */
export interface CallRecorderStats {
  enqueued: number;
  written: number;
  /** Records the database already had (replays after a partial failure). */
  duplicates: number;
  journaled: number;
  replayed: number;
  /** Records the database refused as invalid; kept in the rejected journal file. */
  rejected: number;
  flushFailures: number;
  readonly dropped: 0;
}

/**
 * The call ledger's recorder. The hot path only pushes to an in-memory queue
 * ({@link record} is O(1) and never waits); a flusher writes batches every `flushIntervalMs` or
 * `batchSize` records through a {@link LedgerWriter}. When the database fails the recorder
 * keeps the batch, backs off and retries; when the queue passes `maxBuffered` the oldest records
 * are appended to the {@link CallJournal}; once a flush succeeds again the journal is replayed
 * (idempotently) and deleted. {@link drain} writes everything that is left — to the database,
 * or, if it is down, to the journal — so a stopped process loses nothing.
 */
export class CallRecorderService implements CallRecorder {
  private readonly logger = new Logger(CallRecorderService.name);
  private queue: AttemptRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private scheduled = false;
  private failures = 0;
  private retryAt = 0;
  private journalMayHaveRecords = true;
  private spilling: Promise<void> = Promise.resolve();
  private draining = false;
  readonly stats: CallRecorderStats = {
    enqueued: 0,
    written: 0,
    duplicates: 0,
    journaled: 0,
    replayed: 0,
    rejected: 0,
    flushFailures: 0,
    dropped: 0,
  };

  constructor(
    private readonly writer: LedgerWriter,
    private readonly journal: CallJournal,
    private readonly options: CallRecorderOptions = DEFAULT_CALL_RECORDER_OPTIONS,
  ) {}

  /** Records waiting in memory. */
  get queueDepth(): number {
    return this.queue.length;
  }

  /**
   * Nothing is queued and no batch is being written: every record so far is in the ledger (or,
   * when the database failed, queued again or journaled). An empty queue alone is not that: the
   * flusher takes a batch off the queue before it writes it.
   */
  get settled(): boolean {
    return this.queue.length === 0 && this.running === undefined && !this.scheduled;
  }

  /** Records waiting in journal files (reads the files: for metrics, cached by the caller). */
  journalRecords(): Promise<number> {
    return this.journal.pendingRecords();
  }

  /** Starts the periodic flush (and replays any journal left by an earlier run). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), this.options.flushIntervalMs);
    this.timer.unref();
    this.kick();
  }

  record(record: AttemptRecord): void {
    this.queue.push(record);
    this.stats.enqueued++;
    if (this.queue.length >= this.options.batchSize) this.kick();
    if (this.queue.length > this.options.maxBuffered) this.spillOverflow();
  }

  /**
   * Stops the timer and writes everything still queued: to the database while it accepts
   * writes, the rest to the journal. Resolves when nothing is left in memory.
   */
  async drain(): Promise<void> {
    this.draining = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    await this.spilling;
    this.retryAt = 0;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.batchSize);
      try {
        await this.writeBatch(batch);
      } catch (error) {
        this.logger.warn(
          `database unavailable while stopping (${describe(error)}); journaling ${batch.length + this.queue.length} records`,
        );
        const rest = [batch, this.queue].flat();
        this.queue = [];
        await this.toJournal(rest);
      }
    }
    await this.journal.close();
  }

  private kick(): void {
    if (this.scheduled || this.running || this.draining) return;
    if (Date.now() < this.retryAt) return;
    if (this.queue.length === 0 && !(this.journalMayHaveRecords && this.failures === 0)) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.draining || this.running) return;
      this.running = this.flush().finally(() => {
        this.running = undefined;
      });
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.batchSize);
      try {
        await this.writeBatch(batch);
      } catch (error) {
        // Put the batch back in front, unless memory is full: then it goes to disk.
        this.queue = batch.concat(this.queue);
        if (this.queue.length > this.options.maxBuffered) this.spillOverflow();
        this.onFailure(error);
        return;
      }
      if (this.failures > 0) {
        this.logger.log(`database writes recovered after ${this.failures} failed flushes`);
        this.failures = 0;
      }
      if (this.queue.length < this.options.batchSize) break;
    }
    if (this.journalMayHaveRecords && this.failures === 0) await this.replayJournal();
  }

  private onFailure(error: unknown): void {
    this.failures++;
    this.stats.flushFailures++;
    const delay = Math.min(
      this.options.retryCapMs,
      this.options.retryBaseMs * 2 ** Math.min(this.failures - 1, 16),
    );
    this.retryAt = Date.now() + delay;
    if (this.failures === 1 || this.failures % 20 === 0) {
      this.logger.warn(
        `call ledger write failed (${describe(error)}); ${this.queue.length} records queued, retrying in ${delay} ms`,
      );
    }
  }

  /**
   * Writes a batch; on a permanent error, bisects to find the records the database refuses,
   * writes the others, and sets the refused ones aside. Throws on transient errors.
   */
  private async writeBatch(batch: readonly AttemptRecord[]): Promise<void> {
    if (batch.length === 0) return;
    try {
      const inserted = await this.writer.write(batch);
      this.stats.written += inserted;
      this.stats.duplicates += batch.length - inserted;
    } catch (error) {
      if (!isPermanentWriteError(error)) throw error;
      if (batch.length === 1) {
        this.logger.error(
          `call ledger refused a record (${describe(error)}); kept in the rejected journal`,
        );
        await this.journal.reject(batch);
        this.stats.rejected++;
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await this.writeBatch(batch.slice(0, half));
      await this.writeBatch(batch.slice(half));
    }
  }

  /** Moves the oldest records beyond the memory bound to the journal. */
  private spillOverflow(): void {
    const excess = this.queue.length - this.options.maxBuffered + this.options.batchSize;
    if (excess <= 0) return;
    const spilled = this.queue.splice(0, Math.min(excess, this.queue.length));
    this.spilling = this.spilling.then(() => this.toJournal(spilled));
  }

  private async toJournal(records: AttemptRecord[]): Promise<void> {
    try {
      await this.journal.append(records);
      this.stats.journaled += records.length;
      this.journalMayHaveRecords = true;
    } catch (error) {
      // The disk failed too: keep them in memory rather than lose them.
      this.logger.error(
        `journal append failed (${describe(error)}); keeping ${records.length} records in memory`,
      );
      this.queue = records.concat(this.queue);
    }
  }

  private async replayJournal(): Promise<void> {
    await this.spilling;
    const claimed = await this.journal.claim();
    let failed = false;
    for (const file of claimed) {
      let replayed = 0;
      try {
        for await (const batch of this.journal.read(file, this.options.batchSize)) {
          await this.writeBatch(batch);
          replayed += batch.length;
        }
      } catch (error) {
        // Left claimed; the next replay (idempotent) starts it over.
        this.onFailure(error);
        failed = true;
        break;
      }
      await this.journal.remove(file);
      this.stats.replayed += replayed;
      if (replayed > 0) this.logger.log(`replayed ${replayed} journaled call records`);
    }
    this.journalMayHaveRecords = failed;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
