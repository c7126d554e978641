import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { CatalogDefinition } from './catalog.types.js';
import { ResolvedCatalog } from './resolved-catalog.js';

/** Where the catalog comes from: a config file, the environment, or (later) the database. */
export interface CatalogSource {
  load(): Promise<CatalogDefinition>;
  /** Human-readable origin for logs, e.g. `file stilts.config.json`. Never contains secrets. */
  readonly description: string;
}

export const CATALOG_SOURCE = Symbol('CATALOG_SOURCE');

/** A source that always returns the same definition (environment-derived or built in tests). */
export class StaticCatalogSource implements CatalogSource {
  constructor(
    private readonly definition: CatalogDefinition,
    readonly description: string,
  ) {}

  load(): Promise<CatalogDefinition> {
    return Promise.resolve(this.definition);
  }
}

/**
 * Holds the current {@link ResolvedCatalog}. Reloads build a new one and swap the reference, so
 * in-flight requests keep the version they started with.
 */
@Injectable()
export class CatalogService implements OnModuleInit {
  private readonly logger = new Logger(CatalogService.name);
  private resolved: ResolvedCatalog | undefined;
  private version = 0;

  constructor(@Inject(CATALOG_SOURCE) private readonly source: CatalogSource) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
  }

  /** Loads, validates and swaps in the source's current catalog. Throws CatalogError if invalid. */
  async reload(): Promise<ResolvedCatalog> {
    const definition = await this.source.load();
    const next = new ResolvedCatalog(definition, ++this.version);
    this.resolved = next;
    this.logger.log(
      `catalog v${next.version} from ${this.source.description}: ${definition.routes.length} routes, ${definition.deployments.length} deployments`,
    );
    return next;
  }

  get current(): ResolvedCatalog {
    if (!this.resolved) throw new Error('catalog not loaded yet');
    return this.resolved;
  }
}
