import type { AdminRole } from '@stilts/admin-contract';
import type { DataSource } from 'typeorm';
import { AuditRepository } from '../audit/audit.repository.js';

/** An admin token row, without its hash. */
export interface StoredAdminToken {
  readonly id: string;
  readonly name: string;
  readonly role: AdminRole;
  readonly prefix: string;
  readonly createdAt: Date;
  readonly createdBy: string;
  readonly lastUsedAt: Date | null;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
}

/** A token found by its hash, with the hash (for the constant-time re-check). */
export interface TokenMatch extends StoredAdminToken {
  readonly hash: Buffer;
}

/** A live session with its token. */
export interface SessionMatch {
  readonly hash: Buffer;
  readonly expiresAt: Date;
  readonly token: StoredAdminToken;
}

interface TokenRow {
  id: string;
  name: string;
  role: AdminRole;
  prefix: string;
  created_at: Date;
  created_by: string;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
}

const TOKEN_COLUMNS =
  't.id, t.name, t.role, t.prefix, t.created_at, t.created_by, t.last_used_at, t.expires_at, t.revoked_at';

function tokenOf(r: TokenRow): StoredAdminToken {
  return {
    id: String(r.id),
    name: r.name,
    role: r.role,
    prefix: r.prefix,
    createdAt: r.created_at,
    createdBy: r.created_by,
    lastUsedAt: r.last_used_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
  };
}

/** What creating a token stores. */
export interface NewAdminToken {
  readonly name: string;
  readonly role: AdminRole;
  readonly hash: Buffer;
  readonly prefix: string;
  readonly createdBy: string;
  readonly expiresAt: Date | null;
}

/** `admin_tokens` and `admin_sessions`. Hashes go in and out; tokens never do. */
export class AdminAuthRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** An active (not revoked, not expired) token by the hash of its value. */
  async activeTokenByHash(hash: Buffer): Promise<TokenMatch | undefined> {
    const rows = await this.dataSource.query<(TokenRow & { token_hash: Buffer })[]>(
      `SELECT ${TOKEN_COLUMNS}, t.token_hash FROM admin_tokens t
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL
          AND (t.expires_at IS NULL OR t.expires_at > now())`,
      [hash],
    );
    const row = rows[0];
    return row && { ...tokenOf(row), hash: row.token_hash };
  }

  /** A live session (not expired, its token active) by the hash of its id. */
  async liveSession(hash: Buffer): Promise<SessionMatch | undefined> {
    const rows = await this.dataSource.query<
      (TokenRow & { session_hash: Buffer; session_expires_at: Date })[]
    >(
      `SELECT ${TOKEN_COLUMNS}, s.session_hash, s.expires_at AS session_expires_at
         FROM admin_sessions s JOIN admin_tokens t ON t.id = s.token_id
        WHERE s.session_hash = $1 AND s.expires_at > now() AND t.revoked_at IS NULL
          AND (t.expires_at IS NULL OR t.expires_at > now())`,
      [hash],
    );
    const row = rows[0];
    return (
      row && { hash: row.session_hash, expiresAt: row.session_expires_at, token: tokenOf(row) }
    );
  }

  /** Stores a session (and notes the token's use); drops expired sessions on the way. */
  async createSession(hash: Buffer, tokenId: string, expiresAt: Date): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await tx.query('DELETE FROM admin_sessions WHERE expires_at <= now()');
      await tx.query(
        'INSERT INTO admin_sessions (session_hash, token_id, expires_at) VALUES ($1, $2, $3)',
        [hash, tokenId, expiresAt],
      );
      await tx.query('UPDATE admin_tokens SET last_used_at = now() WHERE id = $1', [tokenId]);
    });
  }

  async deleteSession(hash: Buffer): Promise<void> {
    await this.dataSource.query('DELETE FROM admin_sessions WHERE session_hash = $1', [hash]);
  }

  /** Notes a bearer use (callers throttle this: it is not written per request). */
  async touch(tokenId: string): Promise<void> {
    await this.dataSource.query('UPDATE admin_tokens SET last_used_at = now() WHERE id = $1', [
      tokenId,
    ]);
  }

  async list(includeRevoked: boolean): Promise<StoredAdminToken[]> {
    const rows = await this.dataSource.query<TokenRow[]>(
      `SELECT ${TOKEN_COLUMNS} FROM admin_tokens t
        ${includeRevoked ? '' : 'WHERE t.revoked_at IS NULL'}
        ORDER BY t.id`,
    );
    return rows.map(tokenOf);
  }

  /** Inserts a token and its audit row. */
  async create(input: NewAdminToken): Promise<StoredAdminToken> {
    return this.dataSource.transaction(async (tx) => {
      const rows = await tx.query<TokenRow[]>(
        `INSERT INTO admin_tokens AS t (name, role, token_hash, prefix, created_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${TOKEN_COLUMNS}`,
        [input.name, input.role, input.hash, input.prefix, input.createdBy, input.expiresAt],
      );
      const token = tokenOf(rows[0] as TokenRow);
      await AuditRepository.insert(tx, {
        actor: input.createdBy,
        action: 'admin_token.create',
        target: `admin-token/${token.id}`,
        reason: null,
        details: { name: token.name, role: token.role, prefix: token.prefix },
      });
      return token;
    });
  }

  /**
   * Creates the first admin token unless an active admin-role token exists; serialised across
   * replicas by a transaction-scoped advisory lock. Returns the token row when it created one.
   */
  async createIfNoActiveAdmin(
    input: NewAdminToken,
    lockKey: bigint,
  ): Promise<StoredAdminToken | undefined> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [lockKey.toString()]);
      const rows = await tx.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM admin_tokens
          WHERE role = 'admin' AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      );
      if ((rows[0]?.n ?? 0) > 0) return undefined;
      const created = await tx.query<TokenRow[]>(
        `INSERT INTO admin_tokens AS t (name, role, token_hash, prefix, created_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${TOKEN_COLUMNS}`,
        [input.name, input.role, input.hash, input.prefix, input.createdBy, input.expiresAt],
      );
      const token = tokenOf(created[0] as TokenRow);
      await AuditRepository.insert(tx, {
        actor: input.createdBy,
        action: 'admin_token.create',
        target: `admin-token/${token.id}`,
        reason: 'first start: no active admin token',
        details: { name: token.name, role: token.role, prefix: token.prefix },
      });
      return token;
    });
  }

  /** Revokes a token, ends its sessions, audits it; undefined when no such active token. */
  async revoke(id: string, actor: string): Promise<StoredAdminToken | undefined> {
    return this.dataSource.transaction(async (tx) => {
      const rows = await tx.query<TokenRow[]>(
        `WITH revoked AS (
           UPDATE admin_tokens t SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL
           RETURNING ${TOKEN_COLUMNS})
         SELECT * FROM revoked`,
        [id],
      );
      const row = rows[0];
      if (!row) return undefined;
      await tx.query('DELETE FROM admin_sessions WHERE token_id = $1', [id]);
      const token = tokenOf(row);
      await AuditRepository.insert(tx, {
        actor,
        action: 'admin_token.revoke',
        target: `admin-token/${token.id}`,
        reason: null,
        details: { name: token.name, role: token.role, prefix: token.prefix },
      });
      return token;
    });
  }

  async exists(id: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      'SELECT 1 FROM admin_tokens WHERE id = $1',
      [id],
    );
    return rows.length > 0;
  }
}
