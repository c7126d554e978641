import type { DataSource, EntityManager } from 'typeorm';
import { CatalogRepository } from '../../catalog/catalog.repository.js';
import type { CatalogDefinition } from '../../catalog/catalog.types.js';
import { AuditRepository, type AuditEntryInput } from '../audit/audit.repository.js';

type Tx = Pick<EntityManager, 'query'>;

/** Checks the catalog as it would be after a change (inside the change's transaction). */
export type CatalogCheck = (definition: CatalogDefinition) => void;

export interface ProviderRow {
  id: string;
  kind: 'openai' | 'anthropic' | 'gemini';
  base_url: string;
  headers: Record<string, string>;
  enabled: boolean;
  api_key_env: string | null;
  has_stored_key: boolean;
  managed_by: 'seed' | 'admin';
  created_at: Date;
  updated_at: Date;
}

export interface DeploymentRow {
  id: string;
  provider_id: string;
  model: string;
  input_price_micro_per_million: string;
  output_price_micro_per_million: string;
  cached_input_price_micro_per_million: string | null;
  timeout_ms: number;
  first_byte_timeout_ms: number;
  enabled: boolean;
  managed_by: 'seed' | 'admin';
  created_at: Date;
  updated_at: Date;
}

export interface RouteRow {
  name: string;
  description: string;
  strategy: 'adaptive' | 'static' | 'priority';
  max_attempts: number;
  deadline_ms: number;
  objective: Record<string, unknown>;
  enabled: boolean;
  managed_by: 'seed' | 'admin';
  created_at: Date;
  updated_at: Date;
  members: { deploymentId: string; weight: number; priority: number }[];
}

/** Column values to write; `undefined` leaves a column as it is. */
export type Columns = Readonly<Record<string, unknown>>;

const PROVIDER_COLUMNS = `id, kind, base_url, headers, enabled, api_key_env,
  api_key_encrypted IS NOT NULL AS has_stored_key, managed_by, created_at, updated_at`;
const DEPLOYMENT_COLUMNS = `id, provider_id, model, input_price_micro_per_million,
  output_price_micro_per_million, cached_input_price_micro_per_million, timeout_ms,
  first_byte_timeout_ms, enabled, managed_by, created_at, updated_at`;
const ROUTE_COLUMNS = `r.name, r.description, r.strategy, r.max_attempts, r.deadline_ms, r.objective,
  r.enabled, r.managed_by, r.created_at, r.updated_at,
  coalesce((SELECT json_agg(json_build_object('deploymentId', m.deployment_id, 'weight', m.weight,
                                              'priority', m.priority)
                            ORDER BY m.priority, m.deployment_id)
              FROM route_deployments m WHERE m.route_name = r.name), '[]'::json) AS members`;

/** `enabled = $1` when filtering, nothing otherwise. */
function enabledFilter(enabled: boolean | undefined, alias = ''): [string, unknown[]] {
  return enabled === undefined ? ['', []] : [`WHERE ${alias}enabled = $1`, [enabled]];
}

/**
 * The admin API's reads and writes of the catalog tables. Every write runs in one transaction
 * that marks the row `managed_by = 'admin'` (so the start-up seed never overwrites it), checks
 * the whole catalog as it would be after the change (`check`, before commit: an invalid catalog
 * is never committed, so replicas never fail to load it), and writes its audit row.
 */
export class CatalogAdminRepository {
  private readonly catalog: CatalogRepository;

  constructor(private readonly dataSource: DataSource) {
    this.catalog = new CatalogRepository(dataSource);
  }

  async providers(enabled?: boolean): Promise<ProviderRow[]> {
    const [where, params] = enabledFilter(enabled);
    return this.dataSource.query<ProviderRow[]>(
      `SELECT ${PROVIDER_COLUMNS} FROM providers ${where} ORDER BY id`,
      params,
    );
  }

  async provider(id: string, tx: Tx = this.dataSource): Promise<ProviderRow | undefined> {
    const rows = await tx.query<ProviderRow[]>(
      `SELECT ${PROVIDER_COLUMNS} FROM providers WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async deployments(enabled?: boolean): Promise<DeploymentRow[]> {
    const [where, params] = enabledFilter(enabled);
    return this.dataSource.query<DeploymentRow[]>(
      `SELECT ${DEPLOYMENT_COLUMNS} FROM deployments ${where} ORDER BY id`,
      params,
    );
  }

  async deployment(id: string, tx: Tx = this.dataSource): Promise<DeploymentRow | undefined> {
    const rows = await tx.query<DeploymentRow[]>(
      `SELECT ${DEPLOYMENT_COLUMNS} FROM deployments WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async routes(enabled?: boolean): Promise<RouteRow[]> {
    const [where, params] = enabledFilter(enabled, 'r.');
    return this.dataSource.query<RouteRow[]>(
      `SELECT ${ROUTE_COLUMNS} FROM routes r ${where} ORDER BY r.name`,
      params,
    );
  }

  async route(name: string, tx: Tx = this.dataSource): Promise<RouteRow | undefined> {
    const rows = await tx.query<RouteRow[]>(
      `SELECT ${ROUTE_COLUMNS} FROM routes r WHERE r.name = $1`,
      [name],
    );
    return rows[0];
  }

  /** Which of `ids` exist in `table` (providers or deployments). */
  async existing(table: 'providers' | 'deployments', ids: readonly string[]): Promise<Set<string>> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM ${table} WHERE id = ANY($1::text[])`,
      [ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Inserts a row (`admin`-managed); false when the key is taken. */
  async insert(
    table: 'providers' | 'deployments' | 'routes',
    columns: Columns,
    members: RouteRow['members'] | undefined,
    audit: AuditEntryInput,
    check: CatalogCheck,
  ): Promise<boolean> {
    return this.change(
      async (tx) => {
        const entries = Object.entries({ ...columns, managed_by: 'admin' }).filter(
          ([, v]) => v !== undefined,
        );
        const rows = await tx.query<unknown[]>(
          `INSERT INTO ${table} (${entries.map(([k]) => k).join(', ')})
         VALUES (${entries.map((_, i) => `$${i + 1}`).join(', ')})
         ON CONFLICT DO NOTHING RETURNING 1`,
          entries.map(([, v]) => v),
        );
        if (rows.length === 0) return false;
        if (members) await this.replaceMembers(tx, String(columns.name), members);
        return true;
      },
      audit,
      check,
    );
  }

  /** Updates a row by key (marking it `admin`-managed); false when there is no such row. */
  async update(
    table: 'providers' | 'deployments' | 'routes',
    key: { readonly column: 'id' | 'name'; readonly value: string },
    columns: Columns,
    members: RouteRow['members'] | undefined,
    audit: AuditEntryInput,
    check: CatalogCheck,
  ): Promise<boolean> {
    return this.change(
      async (tx) => {
        const entries = Object.entries(columns).filter(([, v]) => v !== undefined);
        const sets = [
          ...entries.map(([k], i) => `${k} = $${i + 2}`),
          `managed_by = 'admin'`,
          'updated_at = now()',
        ];
        const rows = await tx.query<unknown[]>(
          `WITH changed AS (
           UPDATE ${table} SET ${sets.join(', ')} WHERE ${key.column} = $1 RETURNING 1)
         SELECT * FROM changed`,
          [key.value, ...entries.map(([, v]) => v)],
        );
        if (rows.length === 0) return false;
        if (members) await this.replaceMembers(tx, key.value, members);
        return true;
      },
      audit,
      check,
    );
  }

  private async replaceMembers(tx: Tx, route: string, members: RouteRow['members']): Promise<void> {
    await tx.query('DELETE FROM route_deployments WHERE route_name = $1', [route]);
    await tx.query(
      `INSERT INTO route_deployments (route_name, deployment_id, weight, priority)
       SELECT $1, * FROM unnest($2::text[], $3::double precision[], $4::integer[])`,
      [
        route,
        members.map((m) => m.deploymentId),
        members.map((m) => m.weight),
        members.map((m) => m.priority),
      ],
    );
  }

  /** Runs `write`; when it did something, checks the resulting catalog and audits; commits. */
  private async change(
    write: (tx: Tx) => Promise<boolean>,
    audit: AuditEntryInput,
    check: CatalogCheck,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      if (!(await write(tx))) return false;
      check(await this.catalog.load(() => undefined, { executor: tx }));
      await AuditRepository.insert(tx, audit);
      return true;
    });
  }
}
