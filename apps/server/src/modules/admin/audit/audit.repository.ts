import type { DataSource, EntityManager } from 'typeorm';

/** Runs statements, inside a transaction or not. */
export type SqlExecutor = Pick<EntityManager, 'query'>;

/** One change to write to `audit_log`. `details` must never hold a secret. */
export interface AuditEntryInput {
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly reason: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

/** A stored audit row. */
export interface StoredAuditEntry extends AuditEntryInput {
  readonly id: string;
  readonly at: Date;
}

interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  action: string;
  target: string;
  reason: string | null;
  details: Record<string, unknown>;
}

/** Filters of an audit listing; `beforeId` is the keyset cursor (newest first). */
export interface AuditFilter {
  readonly actor?: string | undefined;
  /** Exact, or a prefix when it ends with `*`. */
  readonly action?: string | undefined;
  readonly fromMs?: number | undefined;
  readonly toMs?: number | undefined;
  readonly beforeId?: string | undefined;
  readonly limit: number;
}

/** `audit_log`: written in the transaction of each change, listed newest first. */
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Writes one entry with `executor` (the change's own transaction). */
  static async insert(executor: SqlExecutor, entry: AuditEntryInput): Promise<void> {
    await executor.query(
      'INSERT INTO audit_log (actor, action, target, reason, details) VALUES ($1, $2, $3, $4, $5)',
      [entry.actor, entry.action, entry.target, entry.reason, JSON.stringify(entry.details)],
    );
  }

  /** Entries matching the filter, newest first (by id), at most `limit`. */
  async list(filter: AuditFilter): Promise<StoredAuditEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.actor !== undefined) add('actor = ?', filter.actor);
    if (filter.action !== undefined) {
      if (filter.action.endsWith('*')) {
        add("action LIKE ? ESCAPE '\\'", `${escapeLike(filter.action.slice(0, -1))}%`);
      } else {
        add('action = ?', filter.action);
      }
    }
    if (filter.fromMs !== undefined) add('at >= ?', new Date(filter.fromMs));
    if (filter.toMs !== undefined) add('at < ?', new Date(filter.toMs));
    if (filter.beforeId !== undefined) add('id < ?::bigint', filter.beforeId);
    params.push(filter.limit);
    const rows = await this.dataSource.query<AuditRow[]>(
      `SELECT id, at, actor, action, target, reason, details FROM audit_log
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({ ...r, id: String(r.id) }));
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
