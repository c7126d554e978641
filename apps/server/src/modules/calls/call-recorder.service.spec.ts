import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { attemptRecord } from '../../../test/support/attempt-record.factory.js';
import type { AttemptRecord } from './call-record.js';
import { CallJournal } from './call-journal.js';
import { CallRecorderService, type CallRecorderOptions } from './call-recorder.service.js';
import type { LedgerWriter } from './ledger-writer.js';

/** An in-memory ledger with the database's idempotence; it can be switched off. */
class FakeLedger implements LedgerWriter {
  readonly rows = new Map<string, AttemptRecord>();
  down: Error | undefined;
  /** Records with this request id are refused as invalid data (SQLSTATE 22P02). */
  poison = 'poison';
  calls = 0;

  write(records: readonly AttemptRecord[]): Promise<number> {
    this.calls++;
    if (this.down) return Promise.reject(this.down);
    if (records.some((r) => r.requestId === this.poison)) {
      return Promise.reject(Object.assign(new Error('invalid input syntax'), { code: '22P02' }));
    }
    let inserted = 0;
    for (const r of records) {
      const key = `${r.requestId}/${r.attempt}`;
      if (!this.rows.has(key)) {
        this.rows.set(key, r);
        inserted++;
      }
    }
    return Promise.resolve(inserted);
  }
}

const connectionLost = (): Error =>
  Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
const options: CallRecorderOptions = {
  flushIntervalMs: 10,
  batchSize: 50,
  maxBuffered: 200,
  retryBaseMs: 5,
  retryCapMs: 20,
};

async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 3_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'stilts-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('CallRecorderService', () => {
  it('writes queued records in batches, each exactly once', async () => {
    const ledger = new FakeLedger();
    const recorder = new CallRecorderService(ledger, new CallJournal(dir, 'test'), options);
    recorder.start();
    for (let i = 0; i < 120; i++) recorder.record(attemptRecord());
    await eventually(() => ledger.rows.size === 120);
    expect(recorder.stats).toMatchObject({
      enqueued: 120,
      written: 120,
      duplicates: 0,
      journaled: 0,
    });
    await recorder.drain();
  });

  it('is settled only once the batch it took off the queue is written', async () => {
    let release: (() => void) | undefined;
    const ledger = new FakeLedger();
    const slow: LedgerWriter = {
      write: async (records) => {
        await new Promise<void>((resolve) => (release = resolve));
        return ledger.write(records);
      },
    };
    const recorder = new CallRecorderService(slow, new CallJournal(dir, 'test'), options);
    expect(recorder.settled).toBe(true);
    recorder.start();
    recorder.record(attemptRecord());
    expect(recorder.settled).toBe(false);
    await eventually(() => release !== undefined); // the flusher holds the batch
    expect(recorder.queueDepth).toBe(0);
    expect(recorder.settled).toBe(false);
    release?.();
    await eventually(() => recorder.settled);
    expect(ledger.rows.size).toBe(1);
    await recorder.drain();
  });

  it('keeps records through an outage, journals past the memory bound, and replays after recovery', async () => {
    const ledger = new FakeLedger();
    const journal = new CallJournal(dir, 'test');
    const recorder = new CallRecorderService(ledger, journal, options);
    recorder.start();
    ledger.down = connectionLost();
    for (let i = 0; i < 1_000; i++) recorder.record(attemptRecord());
    await eventually(() => recorder.stats.flushFailures > 0);
    // Memory stays bounded; the rest is on disk.
    expect(recorder.queueDepth).toBeLessThanOrEqual(options.maxBuffered);
    await eventually(async () => (await journal.pendingRecords()) + recorder.queueDepth === 1_000);

    ledger.down = undefined;
    await eventually(() => ledger.rows.size === 1_000);
    await eventually(async () => (await readdir(dir)).length === 0);
    await eventually(() => recorder.settled);
    expect(recorder.stats.written).toBe(1_000);
    expect(recorder.stats.journaled).toBeGreaterThan(0);
    expect(recorder.stats.replayed).toBe(recorder.stats.journaled);
    await recorder.drain();
  });

  it('sets aside only the records the database refuses, and writes the rest', async () => {
    const ledger = new FakeLedger();
    const journal = new CallJournal(dir, 'test');
    const recorder = new CallRecorderService(ledger, journal, options);
    recorder.start();
    for (let i = 0; i < 30; i++)
      recorder.record(attemptRecord({ requestId: i === 17 ? 'poison' : `ok-${i}` }));
    await recorder.drain();
    expect(ledger.rows.size).toBe(29);
    expect(recorder.stats.rejected).toBe(1);
    const rejected = await readFile(path.join(dir, 'test.rejected.ndjson'), 'utf8');
    expect(rejected).toContain('"requestId":"poison"');
  });

  it('on drain with the database down journals everything, and the next process replays it once', async () => {
    const ledger = new FakeLedger();
    ledger.down = connectionLost();
    // A pid that is not alive stands for the process that stopped.
    const first = new CallRecorderService(
      ledger,
      new CallJournal(dir, 'test', 2 ** 22 + 12_345),
      options,
    );
    const records = Array.from({ length: 75 }, () => attemptRecord());
    for (const r of records) first.record(r);
    await first.drain();
    expect(ledger.rows.size).toBe(0);

    ledger.down = undefined;
    // One record was already written before the stop (a partial flush): the replay skips it.
    await ledger.write([records[0] as AttemptRecord]);
    const second = new CallRecorderService(ledger, new CallJournal(dir, 'test'), options);
    second.start();
    await eventually(() => ledger.rows.size === 75);
    await eventually(async () => (await readdir(dir)).length === 0);
    // The file goes before the flush that replayed it ends: wait for the flush too.
    await eventually(() => second.settled);
    expect(second.stats.replayed).toBe(75);
    expect(second.stats.duplicates).toBe(1);
    await second.drain();
  });

  it('does not replay a journal that a live process still owns', async () => {
    const ledger = new FakeLedger();
    const other = new CallJournal(dir, 'test', process.ppid);
    await other.append([attemptRecord()]);
    const recorder = new CallRecorderService(ledger, new CallJournal(dir, 'test'), options);
    recorder.start();
    recorder.record(attemptRecord());
    await eventually(() => ledger.rows.size === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ledger.rows.size).toBe(1);
    expect(await other.pendingRecords()).toBe(1);
    await recorder.drain();
    await other.close();
  });

  it('sets aside a torn journal line instead of dropping it', async () => {
    const ledger = new FakeLedger();
    const good = attemptRecord();
    await writeFile(
      path.join(dir, `test.${2 ** 22 + 999}.1.active.ndjson`),
      `${JSON.stringify(good)}\n{"requestId":"torn","att`,
    );
    const recorder = new CallRecorderService(ledger, new CallJournal(dir, 'test'), options);
    recorder.start();
    await eventually(() => ledger.rows.size === 1);
    await recorder.drain();
    const rejected = await readFile(path.join(dir, 'test.rejected.ndjson'), 'utf8');
    expect(rejected).toContain('"requestId":"torn"');
  });
});
