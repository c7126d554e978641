import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ATTEMPT_OUTCOMES, type AttemptRecord } from './call-record.js';

/** Is a process with this pid alive (EPERM means alive but not ours)? */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const OUTCOMES = new Set<string>(ATTEMPT_OUTCOMES);

function validCharges(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every((c: unknown) => {
      if (typeof c !== 'object' || c === null) return false;
      const charge = c as Record<string, unknown>;
      return (
        typeof charge.budgetId === 'string' &&
        Number.isInteger(charge.periodStart) &&
        (charge.leaseId === null || typeof charge.leaseId === 'string') &&
        Number.isInteger(charge.amountMicroUsd) &&
        (charge.amountMicroUsd as number) >= 0
      );
    })
  );
}

/** A recorded plan (see `RecordedPlan`), null, or absent (journals written before plans). */
function isPlanOrAbsent(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v !== 'object') return false;
  const { c, x } = v as { c?: unknown; x?: unknown };
  return (
    Array.isArray(c) &&
    Array.isArray(x) &&
    c.every(
      (e) =>
        Array.isArray(e) &&
        e.length === 3 &&
        typeof e[0] === 'string' &&
        typeof e[1] === 'number' &&
        typeof e[2] === 'number',
    ) &&
    x.every(
      (e) =>
        Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && typeof e[1] === 'string',
    )
  );
}

/** Parses one journal line back into a record, or undefined when it is not a valid record. */
export function parseJournalLine(line: string): AttemptRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const int = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  const str = (v: unknown): v is string => typeof v === 'string';
  const strOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
  const intOrNull = (v: unknown): boolean => v === null || int(v);
  const ok =
    str(r.requestId) &&
    int(r.attempt) &&
    int(r.startedAt) &&
    str(r.route) &&
    str(r.deploymentId) &&
    str(r.providerId) &&
    strOrNull(r.apiKeyId) &&
    str(r.outcome) &&
    OUTCOMES.has(r.outcome) &&
    intOrNull(r.httpStatus) &&
    strOrNull(r.errorType) &&
    int(r.latencyMs) &&
    intOrNull(r.ttftMs) &&
    int(r.inputTokens) &&
    int(r.outputTokens) &&
    int(r.costMicroUsd) &&
    typeof r.propensity === 'number' &&
    intOrNull(r.snapshotVersion) &&
    typeof r.streamed === 'boolean' &&
    (r.budgetCharges === undefined || validCharges(r.budgetCharges)) &&
    isPlanOrAbsent(r.plan);
  return ok ? (value as AttemptRecord) : undefined;
}

/** A journal file taken over for replay by this process. */
export interface ClaimedJournal {
  readonly path: string;
}

/**
 * The recorder's append-only NDJSON journal under `<dir>`: where records go when Postgres is
 * down (or slow) and memory is full, and where they stay until a replay has written them.
 *
 * Each process appends to its own file, `<ns>.<pid>.<startMs>.active.ndjson`. A replay first
 * claims files by renaming them to `...claimed.ndjson` under its own pid (rename is atomic, so
 * two replicas sharing the directory never replay the same file): its own active file, and any
 * file whose owner is no longer alive. A claimed file is deleted only after every record in it
 * was written; a replay cut short leaves it claimed, to be retried (replays are idempotent).
 * Lines that are not valid records (a torn last line after a crash) go to
 * `<ns>.rejected.ndjson`, never silently away.
 */
export class CallJournal {
  private handle: FileHandle | undefined;
  private activePath: string | undefined;
  /** Serialises appends and rotations. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dir: string,
    /** Separates installations sharing a directory (the database schema). */
    private readonly namespace: string,
    private readonly pid: number = process.pid,
  ) {}

  /** Appends records durably (written and fsynced before the promise resolves). */
  append(records: readonly AttemptRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    let text = '';
    for (const r of records) text += `${JSON.stringify(r)}\n`;
    return this.serialise(async () => {
      const handle = await this.activeHandle();
      await handle.write(text);
      await handle.sync();
    });
  }

  /**
   * Claims every journal file this process may replay: its own (rotated, so appends go to a
   * fresh file meanwhile) and those of dead processes, including claims they left unfinished.
   */
  claim(): Promise<ClaimedJournal[]> {
    return this.serialise(async () => {
      await mkdir(this.dir, { recursive: true });
      const claimed: ClaimedJournal[] = [];
      for (const name of await readdir(this.dir)) {
        const match = /^(.+)\.(\d+)\.(\d+)\.(active|claimed)\.ndjson$/.exec(name);
        if (!match || match[1] !== this.namespace) continue;
        const owner = Number(match[2]);
        const full = path.join(this.dir, name);
        const mine = owner === this.pid;
        if (mine && match[4] === 'active') {
          await this.closeActive();
        } else if (!mine && processAlive(owner)) {
          continue;
        }
        const target =
          mine && match[4] === 'claimed'
            ? full
            : path.join(this.dir, `${this.namespace}.${this.pid}.${match[3]}.claimed.ndjson`);
        if (target !== full) {
          try {
            await rename(full, target);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // another replica won
            throw error;
          }
        }
        claimed.push({ path: target });
      }
      return claimed;
    });
  }

  /** Reads a claimed file in batches; invalid lines are set aside in the rejected file. */
  async *read(journal: ClaimedJournal, batchSize: number): AsyncGenerator<AttemptRecord[]> {
    const lines = createInterface({
      input: createReadStream(journal.path, 'utf8'),
      crlfDelay: Infinity,
    });
    let batch: AttemptRecord[] = [];
    const rejected: string[] = [];
    for await (const line of lines) {
      if (line.trim() === '') continue;
      const record = parseJournalLine(line);
      if (record) batch.push(record);
      else rejected.push(line);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (rejected.length > 0) await this.reject(rejected);
    if (batch.length > 0) yield batch;
  }

  /** Deletes a claimed file once all of it has been written. */
  async remove(journal: ClaimedJournal): Promise<void> {
    await rm(journal.path, { force: true });
  }

  /** Sets aside lines or records that can never be written, for an operator to inspect. */
  async reject(items: readonly (string | AttemptRecord)[]): Promise<void> {
    if (items.length === 0) return;
    const text =
      items.map((i) => (typeof i === 'string' ? i : JSON.stringify(i))).join('\n') + '\n';
    await mkdir(this.dir, { recursive: true });
    const handle = await open(path.join(this.dir, `${this.namespace}.rejected.ndjson`), 'a', 0o600);
    try {
      await handle.write(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Counts the records waiting in journal files of this namespace (for metrics and tests). */
  async pendingRecords(): Promise<number> {
    let count = 0;
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return 0;
    }
    for (const name of names) {
      if (!name.startsWith(`${this.namespace}.`) || name.includes('.rejected.')) continue;
      const lines = createInterface({
        input: createReadStream(path.join(this.dir, name), 'utf8'),
        crlfDelay: Infinity,
      });
      for await (const line of lines) if (line.trim() !== '') count++;
    }
    return count;
  }

  /** Flushes and closes the active file. */
  close(): Promise<void> {
    return this.serialise(() => this.closeActive());
  }

  private async activeHandle(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    this.activePath = path.join(
      this.dir,
      `${this.namespace}.${this.pid}.${Date.now()}.active.ndjson`,
    );
    this.handle = await open(this.activePath, 'a', 0o600);
    return this.handle;
  }

  private async closeActive(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    this.activePath = undefined;
    if (handle) await handle.close();
  }

  private serialise<T>(task: () => Promise<T>): Promise<T> {
    const next = this.chain.then(task, task);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
