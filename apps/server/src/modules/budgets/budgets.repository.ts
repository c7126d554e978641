import type { DataSource, EntityManager } from 'typeorm';
import type { LedgerTransaction } from '../calls/ledger-hooks.js';
import type { BudgetAction, BudgetDefinition, BudgetScope } from './budget.types.js';
import type { UtcPeriod } from '../../common/time/utc-period.js';

interface BudgetRow {
  id: string;
  name: string;
  scope: BudgetScope;
  scope_ref: string | null;
  period: UtcPeriod;
  amount_micro_usd: string;
  action: BudgetAction;
  degrade_max_price_micro_per_million: string | null;
  enabled: boolean;
}

const COLUMNS =
  'id, name, scope, scope_ref, period, amount_micro_usd, action, degrade_max_price_micro_per_million, enabled';

function fromRow(r: BudgetRow): BudgetDefinition {
  return {
    id: r.id,
    name: r.name,
    scope: r.scope,
    scopeRef: r.scope_ref,
    period: r.period,
    amountMicroUsd: Number(r.amount_micro_usd),
    action: r.action,
    degradeMaxPricePerMillion:
      r.degrade_max_price_micro_per_million === null
        ? null
        : Number(r.degrade_max_price_micro_per_million),
    enabled: r.enabled,
  };
}

/** A budget's bookkeeping for one period. */
export interface BudgetUsage {
  readonly budgetId: string;
  readonly periodStart: number;
  readonly spentMicroUsd: number;
  readonly leasedMicroUsd: number;
}

/** What a budget's fields are when created or replaced. */
export type BudgetInput = Omit<BudgetDefinition, 'id'>;

type Executor = Pick<EntityManager, 'query'>;

/**
 * `budgets`, `budget_usage` and `budget_leases`. Every change to usage goes through one of the
 * statements here; each keeps `leased = Σ leases` for its (budget, period) and grants only what
 * the amount leaves.
 */
export class BudgetsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async all(): Promise<BudgetDefinition[]> {
    const rows = await this.dataSource.query<BudgetRow[]>(
      `SELECT ${COLUMNS} FROM budgets ORDER BY name, id`,
    );
    return rows.map(fromRow);
  }

  async get(id: string): Promise<BudgetDefinition | undefined> {
    const rows = await this.dataSource.query<BudgetRow[]>(
      `SELECT ${COLUMNS} FROM budgets WHERE id = $1`,
      [id],
    );
    return rows[0] && fromRow(rows[0]);
  }

  async create(input: BudgetInput, actor: string): Promise<BudgetDefinition> {
    return this.dataSource.transaction(async (tx) => {
      const rows = await tx.query<BudgetRow[]>(
        `INSERT INTO budgets (name, scope, scope_ref, period, amount_micro_usd, action,
                              degrade_max_price_micro_per_million, enabled)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
        params(input),
      );
      const created = fromRow(rows[0] as BudgetRow);
      await audit(tx, actor, 'budget.create', created.id, input);
      return created;
    });
  }

  async replace(
    id: string,
    input: BudgetInput,
    actor: string,
  ): Promise<BudgetDefinition | undefined> {
    return this.dataSource.transaction(async (tx) => {
      const rows = await tx.query<BudgetRow[]>(
        `WITH u AS (
           UPDATE budgets SET name = $2, scope = $3, scope_ref = $4, period = $5, amount_micro_usd = $6,
                              action = $7, degrade_max_price_micro_per_million = $8, enabled = $9,
                              updated_at = now()
            WHERE id = $1 RETURNING ${COLUMNS})
         SELECT * FROM u`,
        [id, ...params(input)],
      );
      if (!rows[0]) return undefined;
      await audit(tx, actor, 'budget.update', id, input);
      return fromRow(rows[0]);
    });
  }

  async remove(id: string, actor: string): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      const rows = await tx.query<{ id: string }[]>(
        'WITH d AS (DELETE FROM budgets WHERE id = $1 RETURNING id) SELECT id FROM d',
        [id],
      );
      if (!rows[0]) return false;
      await audit(tx, actor, 'budget.delete', id, {});
      return true;
    });
  }

  /** Usage rows of the given (budget, period start) pairs that exist. */
  async usage(keys: readonly { budgetId: string; periodStart: number }[]): Promise<BudgetUsage[]> {
    if (keys.length === 0) return [];
    const rows = await this.dataSource.query<
      { budget_id: string; period_start: Date; spent_micro_usd: string; leased_micro_usd: string }[]
    >(
      `SELECT u.budget_id, u.period_start, u.spent_micro_usd, u.leased_micro_usd
         FROM budget_usage u
         JOIN unnest($1::uuid[], $2::timestamptz[]) AS k(budget_id, period_start)
           ON k.budget_id = u.budget_id AND k.period_start = u.period_start`,
      [keys.map((k) => k.budgetId), keys.map((k) => new Date(k.periodStart))],
    );
    return rows.map((r) => ({
      budgetId: r.budget_id,
      periodStart: r.period_start.getTime(),
      spentMicroUsd: Number(r.spent_micro_usd),
      leasedMicroUsd: Number(r.leased_micro_usd),
    }));
  }

  /**
   * Leases a slice of a budget's period to `replicaId` in one atomic statement: the usage row
   * is locked, the slice is `want` if that much is free, else (if at least `need` is) half of
   * what is free but no less than `need`, else nothing. Returns the lease, or null.
   */
  async grantLease(
    budgetId: string,
    periodStart: number,
    want: number,
    need: number,
    replicaId: string,
    ttlSeconds: number,
  ): Promise<{ id: string; amount: number } | null> {
    const grant = (): Promise<{ id: string; amount_micro_usd: string }[]> =>
      this.dataSource.query(
        `WITH avail AS (
           SELECT u.budget_id, u.period_start,
                  b.amount_micro_usd - u.spent_micro_usd - u.leased_micro_usd AS free
             FROM budget_usage u JOIN budgets b ON b.id = u.budget_id AND b.enabled
            WHERE u.budget_id = $1 AND u.period_start = $2
              FOR UPDATE OF u
         ), slice AS (
           SELECT budget_id, period_start,
                  CASE WHEN free >= $3 THEN $3::bigint
                       WHEN free >= $4 THEN GREATEST($4::bigint, free / 2)
                       ELSE 0 END AS amount
             FROM avail
         ), leased AS (
           UPDATE budget_usage u SET leased_micro_usd = u.leased_micro_usd + s.amount
             FROM slice s
            WHERE u.budget_id = s.budget_id AND u.period_start = s.period_start AND s.amount > 0
           RETURNING s.amount
         )
         INSERT INTO budget_leases (budget_id, period_start, replica_id, amount_micro_usd, expires_at)
         SELECT $1, $2, $5, amount, now() + make_interval(secs => $6) FROM leased
         RETURNING id, amount_micro_usd`,
        [budgetId, new Date(periodStart), want, need, replicaId, ttlSeconds],
      );
    let rows = await grant();
    if (rows.length === 0 && !(await this.usageExists(budgetId, periodStart))) {
      await this.dataSource.query(
        'INSERT INTO budget_usage (budget_id, period_start) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [budgetId, new Date(periodStart)],
      );
      rows = await grant();
    }
    const row = rows[0];
    return row ? { id: row.id, amount: Number(row.amount_micro_usd) } : null;
  }

  /** Extends this replica's leases; returns the ids that still exist. */
  async renewLeases(ids: readonly string[], ttlSeconds: number): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.dataSource.query<{ id: string }[]>(
      `WITH r AS (
         UPDATE budget_leases SET expires_at = now() + make_interval(secs => $2)
          WHERE id = ANY($1::uuid[]) RETURNING id)
       SELECT id FROM r`,
      [ids, ttlSeconds],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Gives leases back: their remaining amounts return to the budget. */
  async returnLeases(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.releaseWhere('id = ANY($1::uuid[])', [ids]);
  }

  /** Takes back the leases whose holder stopped renewing them (a replica that died). */
  async sweepExpired(): Promise<number> {
    return this.releaseWhere('expires_at < now()', []);
  }

  /**
   * Applies the charges of newly written ledger rows: each lease shrinks by what it covered,
   * and each (budget, period) gains the cost as spent and loses the covered part as leased.
   * Charges of deleted budgets are ignored; a charge whose lease is gone counts as spent only.
   */
  async applyCharges(
    tx: LedgerTransaction,
    charges: readonly {
      budgetId: string;
      periodStart: number;
      leaseId: string | null;
      amountMicroUsd: number;
    }[],
  ): Promise<void> {
    if (charges.length === 0) return;
    await tx.query(
      `WITH c AS (
         SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::bigint[])
           AS t(budget_id, period_start, lease_id, amount)
       ), per_lease AS (
         SELECT lease_id, sum(amount) AS amount FROM c WHERE lease_id IS NOT NULL GROUP BY lease_id
       ), current AS (
         SELECT bl.id, bl.budget_id, bl.period_start, bl.amount_micro_usd AS before
           FROM budget_leases bl JOIN per_lease pl ON pl.lease_id = bl.id
            FOR UPDATE OF bl
       ), taken AS (
         UPDATE budget_leases bl SET amount_micro_usd = cur.before - LEAST(cur.before, pl.amount)
           FROM current cur JOIN per_lease pl ON pl.lease_id = cur.id
          WHERE bl.id = cur.id
         RETURNING cur.budget_id, cur.period_start, LEAST(cur.before, pl.amount) AS taken
       ), spent AS (
         SELECT c.budget_id, c.period_start, sum(c.amount) AS amount
           FROM c JOIN budgets b ON b.id = c.budget_id GROUP BY 1, 2
       ), covered AS (
         SELECT budget_id, period_start, sum(taken) AS amount FROM taken GROUP BY 1, 2
       )
       INSERT INTO budget_usage AS u (budget_id, period_start, spent_micro_usd, leased_micro_usd)
       SELECT s.budget_id, s.period_start, s.amount, coalesce(cv.amount, 0)
         FROM spent s LEFT JOIN covered cv USING (budget_id, period_start)
       ON CONFLICT (budget_id, period_start) DO UPDATE SET
         spent_micro_usd = u.spent_micro_usd + EXCLUDED.spent_micro_usd,
         leased_micro_usd = GREATEST(0, u.leased_micro_usd - EXCLUDED.leased_micro_usd)`,
      [
        charges.map((c) => c.budgetId),
        charges.map((c) => new Date(c.periodStart)),
        charges.map((c) => c.leaseId),
        charges.map((c) => c.amountMicroUsd),
      ],
    );
  }

  private async usageExists(budgetId: string, periodStart: number): Promise<boolean> {
    const rows = await this.dataSource.query<{ one: number }[]>(
      'SELECT 1 AS one FROM budget_usage WHERE budget_id = $1 AND period_start = $2',
      [budgetId, new Date(periodStart)],
    );
    return rows.length > 0;
  }

  private async releaseWhere(where: string, params: unknown[]): Promise<number> {
    const rows = await this.dataSource.query<{ n: number }[]>(
      `WITH gone AS (
         DELETE FROM budget_leases WHERE ${where}
         RETURNING budget_id, period_start, amount_micro_usd
       ), agg AS (
         SELECT budget_id, period_start, sum(amount_micro_usd) AS amount, count(*) AS n
           FROM gone GROUP BY 1, 2
       ), usage AS (
         UPDATE budget_usage u SET leased_micro_usd = GREATEST(0, u.leased_micro_usd - agg.amount)
           FROM agg WHERE u.budget_id = agg.budget_id AND u.period_start = agg.period_start
         RETURNING agg.n
       )
       SELECT coalesce(sum(n), 0)::int AS n FROM usage`,
      params,
    );
    return rows[0]?.n ?? 0;
  }
}

function params(input: BudgetInput): unknown[] {
  return [
    input.name,
    input.scope,
    input.scopeRef,
    input.period,
    input.amountMicroUsd,
    input.action,
    input.degradeMaxPricePerMillion,
    input.enabled,
  ];
}

async function audit(
  tx: Executor,
  actor: string,
  action: string,
  target: string,
  details: object,
): Promise<void> {
  await tx.query('INSERT INTO audit_log (actor, action, target, details) VALUES ($1, $2, $3, $4)', [
    actor,
    action,
    target,
    JSON.stringify(details),
  ]);
}
