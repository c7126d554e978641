import type { DataSource, EntityManager } from 'typeorm';
import type { ApiKeyRecord, Team } from './api-key.types.js';

interface KeyRow {
  id: string;
  team_id: string;
  name: string;
  prefix: string;
  hash: string;
  allowed_routes: string[] | null;
  requests_per_minute: number | null;
  tokens_per_minute: number | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}

const KEY_COLUMNS =
  'id, team_id, name, prefix, hash, allowed_routes, requests_per_minute, tokens_per_minute, expires_at, revoked_at, created_at';

function keyFromRow(r: KeyRow): ApiKeyRecord {
  return {
    id: r.id,
    teamId: r.team_id,
    name: r.name,
    prefix: r.prefix,
    hash: r.hash,
    allowedRoutes: r.allowed_routes,
    requestsPerMinute: r.requests_per_minute,
    tokensPerMinute: r.tokens_per_minute,
    expiresAt: r.expires_at?.getTime() ?? null,
    revokedAt: r.revoked_at?.getTime() ?? null,
    createdAt: r.created_at.getTime(),
  };
}

/** What creating a key stores (the hash, never the key). */
export interface NewApiKey {
  readonly teamId: string;
  readonly name: string;
  readonly prefix: string;
  readonly hash: string;
  readonly allowedRoutes: readonly string[] | null;
  readonly requestsPerMinute: number | null;
  readonly tokensPerMinute: number | null;
  readonly expiresAt: number | null;
}

/** Where a key sits in the newest-first order: its `created_at` in microseconds, and its id. */
export interface KeyPosition {
  readonly createdUs: number;
  readonly id: string;
}

type Executor = Pick<EntityManager, 'query'>;

/** `teams` and `api_keys`, with an audit row for every change. */
export class KeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The keys for the in-memory cache: all that can authenticate, and those revoked in the last
   * 30 days (so their callers are told the key was revoked rather than unknown).
   */
  async cached(): Promise<ApiKeyRecord[]> {
    const rows = await this.dataSource.query<KeyRow[]>(
      `SELECT ${KEY_COLUMNS} FROM api_keys
        WHERE revoked_at IS NULL OR revoked_at > now() - interval '30 days'`,
    );
    return rows.map(keyFromRow);
  }

  async keys(teamId?: string): Promise<ApiKeyRecord[]> {
    const rows = await this.dataSource.query<KeyRow[]>(
      `SELECT ${KEY_COLUMNS} FROM api_keys ${teamId ? 'WHERE team_id = $1' : ''} ORDER BY created_at, id`,
      teamId ? [teamId] : [],
    );
    return rows.map(keyFromRow);
  }

  /**
   * One page of keys, newest first: keyset on `(created_at, id)` descending, so pages have no
   * duplicates or gaps while keys are created. `createdUs` (created_at in microseconds, exact)
   * is each row's position, for the next page's `before`.
   */
  async keyPage(options: {
    readonly teamId?: string | undefined;
    readonly before?: KeyPosition | undefined;
    readonly limit: number;
  }): Promise<{ key: ApiKeyRecord; position: KeyPosition }[]> {
    const rows = await this.dataSource.query<(KeyRow & { created_us: string })[]>(
      `SELECT ${KEY_COLUMNS}, (extract(epoch FROM created_at) * 1000000)::bigint AS created_us
         FROM api_keys
        WHERE ($1::uuid IS NULL OR team_id = $1::uuid)
          AND ($2::bigint IS NULL
               OR (created_at, id) < (timestamptz 'epoch' + $2::bigint * interval '1 microsecond', $3::uuid))
        ORDER BY created_at DESC, id DESC
        LIMIT $4`,
      [
        options.teamId ?? null,
        options.before?.createdUs ?? null,
        options.before?.id ?? null,
        options.limit,
      ],
    );
    return rows.map((r) => ({
      key: keyFromRow(r),
      position: { createdUs: Number(r.created_us), id: r.id },
    }));
  }

  async key(id: string): Promise<ApiKeyRecord | undefined> {
    const rows = await this.dataSource.query<KeyRow[]>(
      `SELECT ${KEY_COLUMNS} FROM api_keys WHERE id = $1`,
      [id],
    );
    return rows[0] && keyFromRow(rows[0]);
  }

  async countKeys(): Promise<number> {
    const rows = await this.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM api_keys',
    );
    return rows[0]?.n ?? 0;
  }

  async teams(): Promise<Team[]> {
    const rows = await this.dataSource.query<{ id: string; name: string; created_at: Date }[]>(
      'SELECT id, name, created_at FROM teams ORDER BY name',
    );
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at.getTime() }));
  }

  async team(id: string): Promise<Team | undefined> {
    const rows = await this.dataSource.query<{ id: string; name: string; created_at: Date }[]>(
      'SELECT id, name, created_at FROM teams WHERE id = $1',
      [id],
    );
    const r = rows[0];
    return r && { id: r.id, name: r.name, createdAt: r.created_at.getTime() };
  }

  async teamByName(name: string): Promise<Team | undefined> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      'SELECT id FROM teams WHERE name = $1',
      [name],
    );
    return rows[0] ? this.team(rows[0].id) : undefined;
  }

  async createTeam(name: string, actor: string): Promise<Team> {
    return this.dataSource.transaction(async (tx) => {
      const rows = await tx.query<{ id: string; name: string; created_at: Date }[]>(
        'INSERT INTO teams (name) VALUES ($1) RETURNING id, name, created_at',
        [name],
      );
      const r = rows[0] as { id: string; name: string; created_at: Date };
      await audit(tx, actor, 'team.create', r.id, null, { name });
      return { id: r.id, name: r.name, createdAt: r.created_at.getTime() };
    });
  }

  async renameTeam(id: string, name: string, actor: string): Promise<Team | undefined> {
    return this.dataSource.transaction(async (tx) => {
      const rows = await tx.query<{ id: string; name: string; created_at: Date }[]>(
        `WITH u AS (UPDATE teams SET name = $2, updated_at = now() WHERE id = $1 RETURNING id, name, created_at)
         SELECT * FROM u`,
        [id, name],
      );
      const r = rows[0];
      if (!r) return undefined;
      await audit(tx, actor, 'team.update', id, null, { name });
      return { id: r.id, name: r.name, createdAt: r.created_at.getTime() };
    });
  }

  async createKey(input: NewApiKey, actor: string): Promise<ApiKeyRecord> {
    return this.dataSource.transaction(async (tx) => {
      const rows = await tx.query<KeyRow[]>(
        `INSERT INTO api_keys (team_id, name, prefix, hash, allowed_routes, requests_per_minute, tokens_per_minute, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${KEY_COLUMNS}`,
        [
          input.teamId,
          input.name,
          input.prefix,
          input.hash,
          input.allowedRoutes,
          input.requestsPerMinute,
          input.tokensPerMinute,
          input.expiresAt === null ? null : new Date(input.expiresAt),
        ],
      );
      const key = keyFromRow(rows[0] as KeyRow);
      await audit(tx, actor, 'key.create', key.id, null, {
        name: key.name,
        prefix: key.prefix,
        teamId: key.teamId,
      });
      return key;
    });
  }

  /** Updates a key's limits and scope (never its secret). */
  async updateKey(
    id: string,
    patch: Partial<
      Pick<
        NewApiKey,
        'name' | 'allowedRoutes' | 'requestsPerMinute' | 'tokensPerMinute' | 'expiresAt'
      >
    >,
    actor: string,
  ): Promise<ApiKeyRecord | undefined> {
    return this.dataSource.transaction(async (tx) => {
      const sets: string[] = [];
      const params: unknown[] = [id];
      const set = (column: string, value: unknown): void => {
        params.push(value);
        sets.push(`${column} = $${params.length}`);
      };
      if (patch.name !== undefined) set('name', patch.name);
      if (patch.allowedRoutes !== undefined) set('allowed_routes', patch.allowedRoutes);
      if (patch.requestsPerMinute !== undefined)
        set('requests_per_minute', patch.requestsPerMinute);
      if (patch.tokensPerMinute !== undefined) set('tokens_per_minute', patch.tokensPerMinute);
      if (patch.expiresAt !== undefined)
        set('expires_at', patch.expiresAt === null ? null : new Date(patch.expiresAt));
      const rows = await tx.query<KeyRow[]>(
        `WITH u AS (UPDATE api_keys SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING ${KEY_COLUMNS})
         SELECT * FROM u`,
        params,
      );
      if (!rows[0]) return undefined;
      await audit(tx, actor, 'key.update', id, null, patch);
      return keyFromRow(rows[0]);
    });
  }

  /** Revokes a key; undefined when it does not exist, the key unchanged when already revoked. */
  async revokeKey(
    id: string,
    actor: string,
    reason: string | null,
  ): Promise<ApiKeyRecord | undefined> {
    return this.dataSource.transaction(async (tx) => {
      const rows = await tx.query<KeyRow[]>(
        `WITH u AS (UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()), updated_at = now()
                     WHERE id = $1 RETURNING ${KEY_COLUMNS})
         SELECT * FROM u`,
        [id],
      );
      if (!rows[0]) return undefined;
      await audit(tx, actor, 'key.revoke', id, reason, {});
      return keyFromRow(rows[0]);
    });
  }
}

async function audit(
  tx: Executor,
  actor: string,
  action: string,
  target: string,
  reason: string | null,
  details: object,
): Promise<void> {
  await tx.query(
    'INSERT INTO audit_log (actor, action, target, reason, details) VALUES ($1, $2, $3, $4, $5)',
    [actor, action, target, reason, JSON.stringify(details)],
  );
}
