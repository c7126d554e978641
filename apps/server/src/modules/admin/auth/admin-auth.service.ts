import { Inject, Injectable, Logger } from '@nestjs/common';
import type {
  AdminToken,
  CreatedAdminToken,
  CreateAdminTokenBody,
  Session,
} from '@stilts/admin-contract';
import type { Clock } from '@stilts/routing';
import { DomainError } from '../../../common/errors/domain-error.js';
import { CLOCK } from '../../../common/time/system-clock.js';
import { DatabaseService } from '../../database/database.service.js';
import { AdminAuthRepository, type StoredAdminToken } from './admin-auth.repository.js';
import { actorOf, type AdminPrincipal } from './admin-principal.js';
import {
  ADMIN_TOKEN_PREFIX,
  displayPrefix,
  generateAdminToken,
  generateSessionId,
  sameHash,
  sha256,
} from './admin-token.js';

/** How long a login lasts (absolute, not sliding). */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** A bearer token's `last_used_at` is written at most this often, never per request. */
const TOUCH_EVERY_MS = 60 * 60 * 1000;

/** What a request presents: the session cookie's value and/or the Authorization header. */
export interface PresentedCredentials {
  readonly sessionId: string | undefined;
  readonly authorization: string | undefined;
}

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

/** The API view of a token row (never the token, never the hash). */
export function toAdminTokenDto(t: StoredAdminToken): AdminToken {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    prefix: t.prefix,
    createdAt: t.createdAt.toISOString(),
    createdBy: t.createdBy,
    lastUsedAt: iso(t.lastUsedAt),
    expiresAt: iso(t.expiresAt),
    revokedAt: iso(t.revokedAt),
  };
}

/** The API view of the caller. */
export function toSessionDto(p: AdminPrincipal): Session {
  return {
    tokenId: p.tokenId,
    name: p.name,
    role: p.role,
    prefix: p.prefix,
    via: p.via,
    expiresAt: p.expiresAt === null ? null : new Date(p.expiresAt).toISOString(),
  };
}

/**
 * Admin tokens and sessions. Tokens (`st-admin-...`, 256 random bits) and session ids are
 * stored only as SHA-256 hashes; a lookup hashes what was presented and re-checks the stored
 * hash in constant time. Nothing here logs a token, a session id or a hash.
 */
@Injectable()
export class AdminAuthService {
  private readonly logger = new Logger('AdminAuth');
  private readonly repository: AdminAuthRepository;
  private readonly touchedAt = new Map<string, number>();

  constructor(
    private readonly database: DatabaseService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.repository = new AdminAuthRepository(database.dataSource);
  }

  /** Who presented these credentials: a live session cookie first, else a bearer token. */
  async authenticate(presented: PresentedCredentials): Promise<AdminPrincipal | undefined> {
    if (presented.sessionId) {
      const hash = sha256(presented.sessionId);
      const session = await this.repository.liveSession(hash);
      if (session && sameHash(session.hash, hash)) {
        return this.principal(session.token, 'cookie', session.expiresAt.getTime(), hash);
      }
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(presented.authorization ?? '')?.[1];
    if (bearer?.startsWith(ADMIN_TOKEN_PREFIX)) {
      const token = await this.tokenFor(bearer);
      if (token) {
        this.touchLater(token.id);
        return this.principal(token, 'bearer', token.expiresAt?.getTime() ?? null, null);
      }
    }
    return undefined;
  }

  /** Exchanges a token for a new session; returns the session id (for the cookie) and who. */
  async login(token: string): Promise<{ sessionId: string; principal: AdminPrincipal }> {
    const stored = token.startsWith(ADMIN_TOKEN_PREFIX) ? await this.tokenFor(token) : undefined;
    if (!stored) {
      throw new DomainError(401, 'unauthenticated', 'Invalid, expired or revoked admin token.');
    }
    const sessionId = generateSessionId();
    const hash = sha256(sessionId);
    let expiresAt = this.clock.now() + SESSION_TTL_MS;
    if (stored.expiresAt) expiresAt = Math.min(expiresAt, stored.expiresAt.getTime());
    await this.repository.createSession(hash, stored.id, new Date(expiresAt));
    this.logger.log(`admin login: ${stored.name} (${stored.prefix}..., ${stored.role})`);
    return { sessionId, principal: this.principal(stored, 'cookie', expiresAt, hash) };
  }

  /** Ends a cookie session (a bearer caller has none: nothing to do). */
  async logout(principal: AdminPrincipal): Promise<void> {
    if (principal.sessionHash) await this.repository.deleteSession(principal.sessionHash);
  }

  async list(includeRevoked: boolean): Promise<AdminToken[]> {
    return (await this.repository.list(includeRevoked)).map(toAdminTokenDto);
  }

  async create(input: CreateAdminTokenBody, by: AdminPrincipal): Promise<CreatedAdminToken> {
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= this.clock.now()) {
      throw new DomainError(
        400,
        'validation_failed',
        'Invalid body: expiresAt: must be in the future',
        [{ path: 'expiresAt', message: 'must be in the future' }],
      );
    }
    const secret = generateAdminToken();
    const token = await this.repository.create({
      name: input.name,
      role: input.role,
      hash: sha256(secret),
      prefix: displayPrefix(secret),
      createdBy: actorOf(by),
      expiresAt,
    });
    this.logger.log(`admin token ${token.id} (${token.role}) created by ${actorOf(by)}`);
    return { token: toAdminTokenDto(token), secret };
  }

  async revoke(id: string, by: AdminPrincipal): Promise<AdminToken> {
    const notFound = new DomainError(404, 'token_not_found', `No admin token ${id}.`);
    if (!/^\d{1,18}$/.test(id)) throw notFound;
    const revoked = await this.repository.revoke(id, actorOf(by));
    if (!revoked) {
      if (!(await this.repository.exists(id))) throw notFound;
      throw new DomainError(409, 'conflict', `Admin token ${id} was already revoked.`);
    }
    this.touchedAt.delete(id);
    this.logger.log(`admin token ${id} revoked by ${actorOf(by)}`);
    return toAdminTokenDto(revoked);
  }

  /**
   * First start: when no active admin-role token exists, creates one and returns its value
   * (the only time it exists in plain text: the caller writes it to `.stilts/credentials`,
   * mode 0600); otherwise undefined. Safe with several replicas starting at once.
   */
  async ensureInitialAdminToken(): Promise<string | undefined> {
    const secret = generateAdminToken();
    const created = await this.repository.createIfNoActiveAdmin(
      {
        name: 'initial admin',
        role: 'admin',
        hash: sha256(secret),
        prefix: displayPrefix(secret),
        createdBy: 'stilts',
        expiresAt: null,
      },
      this.database.lockKey('admin_initial_token'),
    );
    if (!created) return undefined;
    this.logger.log(`created the initial admin token ${created.prefix}... (id ${created.id})`);
    return secret;
  }

  private async tokenFor(token: string): Promise<StoredAdminToken | undefined> {
    const hash = sha256(token);
    const match = await this.repository.activeTokenByHash(hash);
    return match && sameHash(match.hash, hash) ? match : undefined;
  }

  private principal(
    token: StoredAdminToken,
    via: AdminPrincipal['via'],
    expiresAt: number | null,
    sessionHash: Buffer | null,
  ): AdminPrincipal {
    return {
      tokenId: token.id,
      name: token.name,
      role: token.role,
      prefix: token.prefix,
      via,
      expiresAt,
      sessionHash,
    };
  }

  private touchLater(tokenId: string): void {
    const now = this.clock.now();
    if (now - (this.touchedAt.get(tokenId) ?? 0) < TOUCH_EVERY_MS) return;
    this.touchedAt.set(tokenId, now);
    this.repository.touch(tokenId).catch((error: unknown) => {
      this.logger.warn(`could not note an admin token's use: ${(error as Error).message}`);
    });
  }
}
