import { Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import { DomainError, validationError } from '../../common/errors/domain-error.js';
import { DatabaseService } from '../database/database.service.js';
import { displayPrefix, generateApiKey, hashApiKey } from './api-key-secret.js';
import type { ApiKeyRecord, Team } from './api-key.types.js';
import { KeyStoreService } from './key-store.service.js';
import { KeysRepository, type KeyPosition } from './keys.repository.js';

/** A key as shown to people: everything but the hash (and never the secret, except once). */
export type ApiKeyView = Omit<ApiKeyRecord, 'hash'>;

export function toKeyView(record: ApiKeyRecord): ApiKeyView {
  const { hash: _hash, ...view } = record;
  return view;
}

const uuid = z.uuid();
const routeList = z.array(z.string().min(1).max(256)).max(1_000).nullable();
const perMinute = z.int().positive().max(100_000_000).nullable();
const isoDate = z.iso.datetime({ offset: true }).nullable();

export const newTeamSchema = z.strictObject({ name: z.string().trim().min(1).max(200) });
export const newKeySchema = z.strictObject({
  teamId: uuid,
  name: z.string().trim().min(1).max(200),
  allowedRoutes: routeList.optional(),
  requestsPerMinute: perMinute.optional(),
  tokensPerMinute: perMinute.optional(),
  expiresAt: isoDate.optional(),
});
export const keyPatchSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  allowedRoutes: routeList.optional(),
  requestsPerMinute: perMinute.optional(),
  tokensPerMinute: perMinute.optional(),
  expiresAt: isoDate.optional(),
});

/**
 * Teams and API keys: created, changed and revoked here (each audited), announced to every
 * replica with NOTIFY `keys` so a revocation takes effect everywhere within a second.
 */
@Injectable()
export class KeysService {
  private readonly logger = new Logger(KeysService.name);
  private readonly repository: KeysRepository;

  constructor(
    private readonly database: DatabaseService,
    private readonly store: KeyStoreService,
  ) {
    this.repository = new KeysRepository(database.dataSource);
  }

  teams(): Promise<Team[]> {
    return this.repository.teams();
  }

  async team(id: string): Promise<Team> {
    const team = uuid.safeParse(id).success ? await this.repository.team(id) : undefined;
    if (!team) throw new DomainError(404, 'team_not_found', `No team ${id}.`);
    return team;
  }

  async createTeam(input: unknown, actor: string): Promise<Team> {
    const parsed = newTeamSchema.safeParse(input);
    if (!parsed.success) throw validationError(parsed.error.issues, 'team');
    if (await this.repository.teamByName(parsed.data.name)) {
      throw new DomainError(409, 'team_exists', `A team named ${parsed.data.name} exists.`);
    }
    return this.repository.createTeam(parsed.data.name, actor);
  }

  async renameTeam(id: string, input: unknown, actor: string): Promise<Team> {
    const parsed = newTeamSchema.safeParse(input);
    if (!parsed.success) throw validationError(parsed.error.issues, 'team');
    await this.team(id);
    const other = await this.repository.teamByName(parsed.data.name);
    if (other && other.id !== id)
      throw new DomainError(409, 'team_exists', `A team named ${parsed.data.name} exists.`);
    return (await this.repository.renameTeam(id, parsed.data.name, actor)) as Team;
  }

  async keys(teamId?: string): Promise<ApiKeyView[]> {
    if (teamId !== undefined) await this.team(teamId);
    return (await this.repository.keys(teamId)).map(toKeyView);
  }

  /**
   * One page of keys, newest first (optionally one team's: 404 `team_not_found` for an unknown
   * team). `next` is the position to pass as `before` for the following page, null on the last.
   */
  async keyPage(options: {
    readonly teamId?: string | undefined;
    readonly before?: KeyPosition | undefined;
    readonly limit: number;
  }): Promise<{ keys: ApiKeyView[]; next: KeyPosition | null }> {
    if (options.teamId !== undefined) await this.team(options.teamId);
    const before = options.before;
    if (
      before !== undefined &&
      !(Number.isSafeInteger(before.createdUs) && uuid.safeParse(before.id).success)
    ) {
      throw validationError(
        [{ path: ['cursor'], message: 'not a cursor from a previous page' }],
        'query',
      );
    }
    const rows = await this.repository.keyPage(options);
    const last = rows[rows.length - 1];
    return {
      keys: rows.map((r) => toKeyView(r.key)),
      next: rows.length === options.limit && last ? last.position : null,
    };
  }

  async key(id: string): Promise<ApiKeyView> {
    return toKeyView(await this.found(id));
  }

  /** Creates a key; its secret is returned here, once, and never stored. */
  async createKey(input: unknown, actor: string): Promise<{ key: ApiKeyView; secret: string }> {
    const parsed = newKeySchema.safeParse(input);
    if (!parsed.success) throw validationError(parsed.error.issues, 'API key');
    const k = parsed.data;
    if (!(await this.repository.team(k.teamId))) {
      throw validationError([{ path: ['teamId'], message: 'no such team' }], 'API key');
    }
    const expiresAt = k.expiresAt ? Date.parse(k.expiresAt) : null;
    const secret = generateApiKey();
    const record = await this.repository.createKey(
      {
        teamId: k.teamId,
        name: k.name,
        prefix: displayPrefix(secret),
        hash: hashApiKey(secret),
        allowedRoutes: k.allowedRoutes ?? null,
        requestsPerMinute: k.requestsPerMinute ?? null,
        tokensPerMinute: k.tokensPerMinute ?? null,
        expiresAt,
      },
      actor,
    );
    await this.announce();
    this.logger.log(`API key ${record.prefix}… (${record.name}) created by ${actor}`);
    return { key: toKeyView(record), secret };
  }

  async updateKey(id: string, input: unknown, actor: string): Promise<ApiKeyView> {
    const parsed = keyPatchSchema.safeParse(input);
    if (!parsed.success) throw validationError(parsed.error.issues, 'API key');
    const existing = await this.found(id);
    if (existing.revokedAt !== null)
      throw new DomainError(409, 'key_revoked', 'A revoked key cannot be changed.');
    const p = parsed.data;
    const updated = await this.repository.updateKey(
      id,
      {
        ...(p.name === undefined ? {} : { name: p.name }),
        ...(p.allowedRoutes === undefined ? {} : { allowedRoutes: p.allowedRoutes }),
        ...(p.requestsPerMinute === undefined ? {} : { requestsPerMinute: p.requestsPerMinute }),
        ...(p.tokensPerMinute === undefined ? {} : { tokensPerMinute: p.tokensPerMinute }),
        ...(p.expiresAt === undefined
          ? {}
          : { expiresAt: p.expiresAt === null ? null : Date.parse(p.expiresAt) }),
      },
      actor,
    );
    await this.announce();
    return toKeyView(updated as ApiKeyRecord);
  }

  /**
   * Revokes a key: it stops working on this replica at once and on every other within a second.
   * Revoking a revoked key changes nothing and returns it as it is.
   */
  async revokeKey(id: string, actor: string, reason: string | null): Promise<ApiKeyView> {
    const existing = await this.found(id);
    // Idempotent: a retried revoke returns the first revocation unchanged (time, actor, reason).
    if (existing.revokedAt !== null) return toKeyView(existing);
    const revoked = (await this.repository.revokeKey(id, actor, reason)) as ApiKeyRecord;
    this.store.markRevoked(id, revoked.revokedAt ?? Date.now());
    await this.announce();
    this.logger.log(`API key ${revoked.prefix}… revoked by ${actor}`);
    return toKeyView(revoked);
  }

  /**
   * On a fresh install, a `default` team and a `development` key so the gateway can be called
   * at once. Returns the key's secret only when it was just created.
   */
  async ensureDevelopmentKey(): Promise<string | undefined> {
    if ((await this.repository.countKeys()) > 0) return undefined;
    const team =
      (await this.repository.teamByName('default')) ??
      (await this.repository.createTeam('default', 'stilts'));
    const { secret } = await this.createKey({ teamId: team.id, name: 'development' }, 'stilts');
    return secret;
  }

  private async found(id: string): Promise<ApiKeyRecord> {
    const key = uuid.safeParse(id).success ? await this.repository.key(id) : undefined;
    if (!key) throw new DomainError(404, 'key_not_found', `No API key ${id}.`);
    return key;
  }

  private async announce(): Promise<void> {
    await this.store.reload();
    await this.database.notify(this.database.channel('keys'));
  }
}
