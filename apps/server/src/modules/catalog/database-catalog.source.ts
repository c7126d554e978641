import { Logger } from '@nestjs/common';
import type { DatabaseService } from '../database/database.service.js';
import type { CatalogSource } from './catalog.service.js';
import type { CatalogDefinition, SecretResolver } from './catalog.types.js';
import { CatalogRepository } from './catalog.repository.js';
import type { SecretCipher } from './secret-cipher.js';

/** How often replicas re-read the catalog even without a NOTIFY (a safety net). */
const POLL_MS = 30_000;

/**
 * The catalog in PostgreSQL. On start it seeds the tables from the config file, the
 * environment or the simulator (idempotently; admins' edits win), then loads from the tables.
 * Changes made anywhere reach every replica through NOTIFY on the `catalog` channel, with a
 * slow poll as a safety net.
 */
export class DatabaseCatalogSource implements CatalogSource {
  readonly description = 'the database';
  private readonly logger = new Logger('CatalogSource');
  private readonly repository: CatalogRepository;

  constructor(
    private readonly database: DatabaseService,
    private readonly secrets: SecretResolver,
    private readonly seed: CatalogDefinition | undefined,
    /** Decrypts provider keys stored through the admin API (none stored: never used). */
    private readonly cipher?: SecretCipher,
  ) {
    this.repository = new CatalogRepository(database.dataSource);
  }

  async prepare(): Promise<void> {
    if (!this.seed) return;
    const { changed } = await this.repository.seed(
      this.seed,
      this.database.lockKey('catalog_seed'),
    );
    if (changed > 0) {
      this.logger.log(`seeded the catalog (${changed} rows inserted, updated or disabled)`);
      await this.database.notify(this.database.channel('catalog'));
    }
  }

  load(): Promise<CatalogDefinition> {
    return this.repository.load(this.secrets, {
      decrypt: (id, stored) => this.decrypt(id, stored),
    });
  }

  /** A stored key that does not decrypt is logged (never its value) and left unset. */
  private decrypt(providerId: string, stored: string): string | undefined {
    if (!this.cipher) return undefined;
    try {
      return this.cipher.decrypt(stored, providerId);
    } catch (error) {
      this.logger.error(`provider ${providerId}: ${(error as Error).message}`);
      return undefined;
    }
  }

  async watch(onChange: () => void): Promise<() => void> {
    const unlisten = await this.database.listen(this.database.channel('catalog'), onChange);
    const poll = setInterval(onChange, POLL_MS);
    poll.unref();
    return () => {
      clearInterval(poll);
      void unlisten();
    };
  }
}
