import type { DataSource } from 'typeorm';
import { daysToEnsure, isExpired, partitionDay, partitionName } from './call-partitions.js';

const DAY_MS = 86_400_000;

export interface PartitionMaintenanceOptions {
  /** Daily partitions are created this many days ahead. */
  readonly aheadDays: number;
  /** Call records older than this are dropped (whole days). */
  readonly retentionDays: number;
  /** Minute rollups older than this are deleted. */
  readonly rollupRetentionDays: number;
}

export interface PartitionMaintenanceResult {
  readonly created: readonly string[];
  readonly dropped: readonly string[];
  readonly rollupsDeleted: number;
}

/**
 * Keeps `call_records` partitioned by UTC day: creates the partitions of yesterday, today and
 * the next days ahead, drops the partitions past retention, and trims the DEFAULT partition and
 * old minute rollups. Idempotent; run under an advisory lock so replicas do not race.
 *
 * A new partition is created detached, filled with any rows of its day that landed in the
 * DEFAULT partition meanwhile, and then attached, all in one transaction — so creating a day
 * never fails because the DEFAULT partition already holds rows of that day.
 */
export class CallPartitionMaintainer {
  constructor(
    private readonly dataSource: DataSource,
    private readonly options: PartitionMaintenanceOptions,
  ) {}

  async run(nowMs: number): Promise<PartitionMaintenanceResult> {
    const existing = new Set(await this.partitions());
    const created: string[] = [];
    for (const day of daysToEnsure(nowMs, this.options.aheadDays)) {
      const name = partitionName(day);
      if (existing.has(name) || isExpired(day, nowMs, this.options.retentionDays)) continue;
      await this.create(day, name);
      created.push(name);
    }
    const dropped: string[] = [];
    for (const name of existing) {
      const day = partitionDay(name);
      if (day === undefined || !isExpired(day, nowMs, this.options.retentionDays)) continue;
      await this.dataSource.query(`DROP TABLE IF EXISTS "${name}"`);
      dropped.push(name);
    }
    const cutoff = new Date(nowMs - this.options.retentionDays * DAY_MS);
    await this.dataSource.query('DELETE FROM call_records_default WHERE started_at < $1', [cutoff]);
    const rollupCutoff = new Date(nowMs - this.options.rollupRetentionDays * DAY_MS);
    const deleted = await this.dataSource.query<[unknown[], number]>(
      'DELETE FROM call_rollups_minute WHERE minute < $1',
      [rollupCutoff],
    );
    return { created, dropped, rollupsDeleted: deleted[1] };
  }

  /** Names of the daily partitions attached to `call_records` in the current schema. */
  async partitions(): Promise<string[]> {
    const rows = await this.dataSource.query<{ name: string }[]>(
      `SELECT child.relname AS name
         FROM pg_inherits i
         JOIN pg_class parent ON parent.oid = i.inhparent
         JOIN pg_class child ON child.oid = i.inhrelid
         JOIN pg_namespace ns ON ns.oid = parent.relnamespace
        WHERE parent.relname = 'call_records' AND ns.nspname = current_schema()`,
    );
    return rows.map((r) => r.name).filter((name) => partitionDay(name) !== undefined);
  }

  private async create(day: number, name: string): Promise<void> {
    const from = new Date(day).toISOString();
    const to = new Date(day + DAY_MS).toISOString();
    await this.dataSource.transaction(async (tx) => {
      await tx.query(
        `CREATE TABLE "${name}" (LIKE call_records INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
      );
      await tx.query(
        `WITH moved AS (
           DELETE FROM call_records_default WHERE started_at >= $1 AND started_at < $2 RETURNING *)
         INSERT INTO "${name}" SELECT * FROM moved`,
        [from, to],
      );
      await tx.query(
        `ALTER TABLE call_records ATTACH PARTITION "${name}" FOR VALUES FROM ('${from}') TO ('${to}')`,
      );
    });
  }
}
