import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Clock } from '@stilts/routing';
import { GatewayError } from '../../common/errors/gateway-error.js';
import { CLOCK } from '../../common/time/system-clock.js';
import { DatabaseService } from '../database/database.service.js';
import type { ApiKeyAuthenticator } from './api-key-auth.js';
import { hashApiKey, isWellFormedApiKey, sameDigest } from './api-key-secret.js';
import type { ApiKeyRecord } from './api-key.types.js';
import { KeysRepository } from './keys.repository.js';

/** How often replicas re-read keys without a NOTIFY (a safety net). */
const POLL_MS = 30_000;

function unauthorized(
  code: 'missing_api_key' | 'invalid_api_key' | 'revoked_api_key' | 'expired_api_key',
  message: string,
): GatewayError {
  return new GatewayError(401, code, message, { headers: { 'www-authenticate': 'Bearer' } });
}

/**
 * The API keys in memory, by SHA-256 hash: one hash and one map lookup per request, no
 * database. Reloaded on NOTIFY `keys` (revocation reaches every replica within a second) and
 * by a slow poll.
 */
@Injectable()
export class KeyStoreService implements ApiKeyAuthenticator, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(KeyStoreService.name);
  private readonly repository: KeysRepository;
  private byHash: ReadonlyMap<string, ApiKeyRecord> = new Map();
  private stops: (() => void)[] = [];
  private reloading: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly database: DatabaseService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.repository = new KeysRepository(database.dataSource);
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
    const unlisten = await this.database.listen(this.database.channel('keys'), () =>
      this.reloadQuietly(),
    );
    const poll = setInterval(() => this.reloadQuietly(), POLL_MS);
    poll.unref();
    this.stops = [() => void unlisten(), () => clearInterval(poll)];
  }

  onApplicationShutdown(): void {
    for (const stop of this.stops) stop();
  }

  authenticate(authorization: string | undefined): ApiKeyRecord {
    if (!authorization) {
      throw unauthorized(
        'missing_api_key',
        'Missing API key: send `Authorization: Bearer sk-stilts-...`.',
      );
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const key = match?.[1];
    if (!key || !isWellFormedApiKey(key)) {
      throw unauthorized(
        'invalid_api_key',
        'Malformed API key: expected `Authorization: Bearer sk-stilts-...`.',
      );
    }
    const hash = hashApiKey(key);
    const record = this.byHash.get(hash);
    // The map is keyed by the digest; comparing it again in constant time costs nothing and
    // keeps any timing difference off the secret-derived value.
    if (!record || !sameDigest(record.hash, hash))
      throw unauthorized('invalid_api_key', 'Invalid API key.');
    if (record.revokedAt !== null)
      throw unauthorized('revoked_api_key', 'This API key has been revoked.');
    if (record.expiresAt !== null && record.expiresAt <= this.clock.now()) {
      throw unauthorized('expired_api_key', 'This API key has expired.');
    }
    return record;
  }

  /** Re-reads the keys; a call during a read schedules one more. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.again = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      try {
        do {
          this.again = false;
          const keys = await this.repository.cached();
          this.byHash = new Map(keys.map((k) => [k.hash, k]));
        } while (this.again);
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }

  /** Applies a revocation on this replica at once, ahead of the NOTIFY-driven reload. */
  markRevoked(keyId: string, at: number): void {
    this.byHash = new Map(
      [...this.byHash].map(([hash, k]) => [hash, k.id === keyId ? { ...k, revokedAt: at } : k]),
    );
  }

  private reloadQuietly(): void {
    this.reload().catch((error: unknown) => {
      this.logger.warn(
        `could not reload API keys (keeping the current ones): ${(error as Error).message}`,
      );
    });
  }
}
