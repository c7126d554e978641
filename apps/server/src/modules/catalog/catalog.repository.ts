import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import {
  routeObjectiveSchema,
  type RouteObjectiveSettings,
} from '../weights/route-objective.schema.js';
import type {
  CatalogDefinition,
  DeploymentDefinition,
  ProviderDefinition,
  RouteDefinition,
  RouteMember,
  SecretResolver,
} from './catalog.types.js';

type Executor = Pick<EntityManager, 'query'>;

interface ProviderRow {
  id: string;
  kind: ProviderDefinition['kind'];
  base_url: string;
  api_key_env: string | null;
  api_key_encrypted: string | null;
  headers: Record<string, string>;
  enabled: boolean;
}

/** How {@link CatalogRepository.load} reads: on which connection, and how it decrypts stored keys. */
export interface CatalogLoadOptions {
  /** Read inside this transaction (to validate a change before it commits). */
  readonly executor?: Executor;
  /** Decrypts a provider's stored key; undefined when it cannot (the key then stays unset). */
  readonly decrypt?: (providerId: string, encrypted: string) => string | undefined;
}

interface DeploymentRow {
  id: string;
  provider_id: string;
  model: string;
  input_price_micro_per_million: string;
  output_price_micro_per_million: string;
  cached_input_price_micro_per_million: string | null;
  timeout_ms: number;
  first_byte_timeout_ms: number;
  enabled: boolean;
}

interface RouteRow {
  name: string;
  description: string;
  strategy: RouteDefinition['strategy'];
  max_attempts: number;
  deadline_ms: number;
  objective: unknown;
}

interface MemberRow {
  route_name: string;
  deployment_id: string;
  weight: number;
  priority: number;
}

/** Postgres returns bigint as a string; prices fit in a double exactly (< 2^53). */
const int = (value: string): number => Number(value);

/** What a seed changed, for logs and for deciding whether to notify other replicas. */
export interface SeedResult {
  readonly changed: number;
}

/**
 * Reads and seeds the catalog tables (providers, deployments, routes, route_deployments).
 *
 * Seeding is idempotent and never overrides an admin: rows carry `managed_by`; a seed inserts
 * missing rows and updates only rows it still manages (`managed_by = 'seed'`) whose values
 * differ; seed-managed rows that the seed no longer lists are disabled, not deleted (the ledger
 * keeps referring to them). Rows an admin created or edited (`managed_by = 'admin'`) are
 * never touched.
 */
export class CatalogRepository {
  private readonly logger = new Logger('CatalogRepository');

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Loads the enabled routes with every provider and deployment. A provider's key is its stored
   * (encrypted) key when it has one, else resolved from the environment variable it names.
   */
  async load(
    secrets: SecretResolver,
    options: CatalogLoadOptions = {},
  ): Promise<CatalogDefinition> {
    const q = options.executor ?? this.dataSource;
    const [providers, deployments, routes, members] = await Promise.all([
      q.query<ProviderRow[]>(
        'SELECT id, kind, base_url, api_key_env, api_key_encrypted, headers, enabled FROM providers ORDER BY id',
      ),
      q.query<DeploymentRow[]>(
        `SELECT id, provider_id, model, input_price_micro_per_million, output_price_micro_per_million,
                cached_input_price_micro_per_million, timeout_ms, first_byte_timeout_ms, enabled
           FROM deployments ORDER BY id`,
      ),
      q.query<RouteRow[]>(
        `SELECT name, description, strategy, max_attempts, deadline_ms, objective
           FROM routes WHERE enabled ORDER BY name`,
      ),
      q.query<MemberRow[]>(
        'SELECT route_name, deployment_id, weight, priority FROM route_deployments ORDER BY route_name, priority, deployment_id',
      ),
    ]);
    const membersByRoute = new Map<string, RouteMember[]>();
    for (const m of members) {
      const list = membersByRoute.get(m.route_name) ?? [];
      list.push({ deploymentId: m.deployment_id, weight: m.weight, priority: m.priority });
      membersByRoute.set(m.route_name, list);
    }
    return {
      providers: providers.map((p): ProviderDefinition => ({
        id: p.id,
        kind: p.kind,
        baseUrl: p.base_url,
        apiKeyEnv: p.api_key_env,
        apiKey:
          p.api_key_encrypted !== null
            ? options.decrypt?.(p.id, p.api_key_encrypted)
            : p.api_key_env === null
              ? undefined
              : secrets(p.api_key_env),
        headers: p.headers,
        enabled: p.enabled,
      })),
      deployments: deployments.map((d): DeploymentDefinition => ({
        id: d.id,
        providerId: d.provider_id,
        model: d.model,
        price: {
          inputPerMillion: int(d.input_price_micro_per_million),
          outputPerMillion: int(d.output_price_micro_per_million),
          ...(d.cached_input_price_micro_per_million === null
            ? {}
            : { cachedInputPerMillion: int(d.cached_input_price_micro_per_million) }),
        },
        timeoutMs: d.timeout_ms,
        firstByteTimeoutMs: d.first_byte_timeout_ms,
        enabled: d.enabled,
      })),
      routes: routes.map((r): RouteDefinition => ({
        name: r.name,
        description: r.description,
        strategy: r.strategy,
        maxAttempts: r.max_attempts,
        deadlineMs: r.deadline_ms,
        members: membersByRoute.get(r.name) ?? [],
        objective: this.objectiveOf(r),
      })),
    };
  }

  /** A stored objective that no longer validates (edited by hand?) falls back to the defaults. */
  private objectiveOf(row: RouteRow): RouteObjectiveSettings {
    const parsed = routeObjectiveSchema.safeParse(row.objective);
    if (parsed.success) return parsed.data;
    this.logger.warn(`route ${row.name}: invalid objective in the database, using the defaults`);
    return {};
  }

  /** Seeds the catalog in one transaction, serialised across replicas by an advisory lock. */
  async seed(seed: CatalogDefinition, lockKey: bigint): Promise<SeedResult> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [lockKey.toString()]);
      const changed =
        (await this.seedProviders(tx, seed.providers)) +
        (await this.seedDeployments(tx, seed.deployments)) +
        (await this.seedRoutes(tx, seed.routes));
      return { changed };
    });
  }

  private async seedProviders(
    tx: Executor,
    providers: readonly ProviderDefinition[],
  ): Promise<number> {
    const ids = providers.map((p) => p.id);
    const upserted = await count(
      tx,
      `INSERT INTO providers AS p (id, kind, base_url, api_key_env, headers, enabled, managed_by)
       SELECT id, kind, base_url, api_key_env, headers, enabled, 'seed'
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::boolean[])
           AS t(id, kind, base_url, api_key_env, headers, enabled)
       ON CONFLICT (id) DO UPDATE SET
         kind = EXCLUDED.kind, base_url = EXCLUDED.base_url, api_key_env = EXCLUDED.api_key_env,
         headers = EXCLUDED.headers, enabled = EXCLUDED.enabled, updated_at = now()
       WHERE p.managed_by = 'seed'
         AND (p.kind, p.base_url, p.api_key_env, p.headers, p.enabled)
             IS DISTINCT FROM
             (EXCLUDED.kind, EXCLUDED.base_url, EXCLUDED.api_key_env, EXCLUDED.headers, EXCLUDED.enabled)
       RETURNING 1`,
      [
        ids,
        providers.map((p) => p.kind),
        providers.map((p) => p.baseUrl),
        providers.map((p) => p.apiKeyEnv),
        providers.map((p) => JSON.stringify(p.headers)),
        providers.map((p) => p.enabled),
      ],
    );
    return upserted + (await this.disableUnlisted(tx, 'providers', 'id', ids));
  }

  private async seedDeployments(
    tx: Executor,
    deployments: readonly DeploymentDefinition[],
  ): Promise<number> {
    const ids = deployments.map((d) => d.id);
    const upserted = await count(
      tx,
      `INSERT INTO deployments AS d (id, provider_id, model, input_price_micro_per_million,
          output_price_micro_per_million, cached_input_price_micro_per_million, timeout_ms,
          first_byte_timeout_ms, enabled, managed_by)
       SELECT id, provider_id, model, input_price, output_price, cached_input_price, timeout_ms,
              first_byte_timeout_ms, enabled, 'seed'
         FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[],
                     $7::integer[], $8::integer[], $9::boolean[])
           AS t(id, provider_id, model, input_price, output_price, cached_input_price, timeout_ms,
                first_byte_timeout_ms, enabled)
       ON CONFLICT (id) DO UPDATE SET
         provider_id = EXCLUDED.provider_id, model = EXCLUDED.model,
         input_price_micro_per_million = EXCLUDED.input_price_micro_per_million,
         output_price_micro_per_million = EXCLUDED.output_price_micro_per_million,
         cached_input_price_micro_per_million = EXCLUDED.cached_input_price_micro_per_million,
         timeout_ms = EXCLUDED.timeout_ms, first_byte_timeout_ms = EXCLUDED.first_byte_timeout_ms,
         enabled = EXCLUDED.enabled, updated_at = now()
       WHERE d.managed_by = 'seed'
         AND (d.provider_id, d.model, d.input_price_micro_per_million, d.output_price_micro_per_million,
              d.cached_input_price_micro_per_million, d.timeout_ms, d.first_byte_timeout_ms, d.enabled)
             IS DISTINCT FROM
             (EXCLUDED.provider_id, EXCLUDED.model, EXCLUDED.input_price_micro_per_million,
              EXCLUDED.output_price_micro_per_million, EXCLUDED.cached_input_price_micro_per_million,
              EXCLUDED.timeout_ms, EXCLUDED.first_byte_timeout_ms, EXCLUDED.enabled)
       RETURNING 1`,
      [
        ids,
        deployments.map((d) => d.providerId),
        deployments.map((d) => d.model),
        deployments.map((d) => d.price.inputPerMillion),
        deployments.map((d) => d.price.outputPerMillion),
        deployments.map((d) => d.price.cachedInputPerMillion ?? null),
        deployments.map((d) => d.timeoutMs),
        deployments.map((d) => d.firstByteTimeoutMs),
        deployments.map((d) => d.enabled),
      ],
    );
    return upserted + (await this.disableUnlisted(tx, 'deployments', 'id', ids));
  }

  private async seedRoutes(tx: Executor, routes: readonly RouteDefinition[]): Promise<number> {
    const names = routes.map((r) => r.name);
    const upserted = await count(
      tx,
      `INSERT INTO routes AS r (name, description, strategy, max_attempts, deadline_ms, objective,
          enabled, managed_by)
       SELECT name, description, strategy, max_attempts, deadline_ms, objective, true, 'seed'
         FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::integer[], $6::jsonb[])
           AS t(name, description, strategy, max_attempts, deadline_ms, objective)
       ON CONFLICT (name) DO UPDATE SET
         description = EXCLUDED.description, strategy = EXCLUDED.strategy,
         max_attempts = EXCLUDED.max_attempts, deadline_ms = EXCLUDED.deadline_ms,
         objective = EXCLUDED.objective, enabled = true, updated_at = now()
       WHERE r.managed_by = 'seed'
         AND (r.description, r.strategy, r.max_attempts, r.deadline_ms, r.objective, r.enabled)
             IS DISTINCT FROM
             (EXCLUDED.description, EXCLUDED.strategy, EXCLUDED.max_attempts, EXCLUDED.deadline_ms,
              EXCLUDED.objective, true)
       RETURNING 1`,
      [
        names,
        routes.map((r) => r.description),
        routes.map((r) => r.strategy),
        routes.map((r) => r.maxAttempts),
        routes.map((r) => r.deadlineMs),
        routes.map((r) => JSON.stringify(r.objective)),
      ],
    );
    const members = routes.flatMap((r) => r.members.map((m) => ({ route: r.name, ...m })));
    // Memberships of routes the seed manages follow the seed exactly.
    const removed = await count(
      tx,
      `DELETE FROM route_deployments rd USING routes r
        WHERE rd.route_name = r.name AND r.managed_by = 'seed' AND r.name = ANY($1::text[])
          AND (rd.route_name, rd.deployment_id) NOT IN (SELECT * FROM unnest($2::text[], $3::text[]))
       RETURNING 1`,
      [names, members.map((m) => m.route), members.map((m) => m.deploymentId)],
    );
    const memberships = await count(
      tx,
      `INSERT INTO route_deployments AS rd (route_name, deployment_id, weight, priority)
       SELECT t.route_name, t.deployment_id, t.weight, t.priority
         FROM unnest($1::text[], $2::text[], $3::double precision[], $4::integer[])
           AS t(route_name, deployment_id, weight, priority)
         JOIN routes r ON r.name = t.route_name AND r.managed_by = 'seed'
       ON CONFLICT (route_name, deployment_id) DO UPDATE SET
         weight = EXCLUDED.weight, priority = EXCLUDED.priority
       WHERE (rd.weight, rd.priority) IS DISTINCT FROM (EXCLUDED.weight, EXCLUDED.priority)
       RETURNING 1`,
      [
        members.map((m) => m.route),
        members.map((m) => m.deploymentId),
        members.map((m) => m.weight),
        members.map((m) => m.priority),
      ],
    );
    return (
      upserted + removed + memberships + (await this.disableUnlisted(tx, 'routes', 'name', names))
    );
  }

  private disableUnlisted(
    tx: Executor,
    table: string,
    key: string,
    listed: readonly string[],
  ): Promise<number> {
    return count(
      tx,
      `UPDATE ${table} SET enabled = false, updated_at = now()
        WHERE managed_by = 'seed' AND enabled AND NOT (${key} = ANY($1::text[]))
       RETURNING 1`,
      [listed],
    );
  }
}

/** Runs a data-modifying statement with `RETURNING 1` and counts the rows it touched. */
async function count(tx: Executor, sql: string, params: unknown[]): Promise<number> {
  const rows = await tx.query<{ n: number }[]>(
    `WITH changed AS (${sql}) SELECT count(*)::int AS n FROM changed`,
    params,
  );
  return rows[0]?.n ?? 0;
}
