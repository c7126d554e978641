import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { CatalogDefinition } from './catalog.types.js';
import { ResolvedCatalog } from './resolved-catalog.js';

/** Where the catalog comes from: the database (seeded from a file or the environment), or memory. */
export interface CatalogSource {
  /** Runs once before the first load (e.g. seeding). */
  prepare?(): Promise<void>;
  load(): Promise<CatalogDefinition>;
  /** Calls `onChange` whenever the catalog may have changed; returns the unsubscribe. */
  watch?(onChange: () => void): Promise<() => void>;
  /** Human-readable origin for logs, e.g. `the database`. Never contains secrets. */
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
export class CatalogService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CatalogService.name);
  private resolved: ResolvedCatalog | undefined;
  private version = 0;
  private fingerprint = '';
  private reloading: Promise<ResolvedCatalog> | undefined;
  private reloadAgain = false;
  private unwatch: (() => void) | undefined;
  private readonly listeners = new Set<(catalog: ResolvedCatalog) => void>();

  constructor(@Inject(CATALOG_SOURCE) private readonly source: CatalogSource) {}

  async onModuleInit(): Promise<void> {
    await this.source.prepare?.();
    await this.reload();
    this.unwatch = await this.source.watch?.(() => {
      this.reload().catch((error: unknown) => {
        this.logger.error(
          `catalog reload failed; keeping v${this.version}: ${(error as Error).message}`,
        );
      });
    });
  }

  onApplicationShutdown(): void {
    this.unwatch?.();
  }

  /** Calls `listener` with every new catalog version. */
  onChange(listener: (catalog: ResolvedCatalog) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Loads, validates and swaps in the source's current catalog (a no-op when nothing changed).
   * Concurrent calls share one load; a call during a load schedules one more. Throws
   * CatalogError if the new catalog is invalid, keeping the current one.
   */
  reload(): Promise<ResolvedCatalog> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      try {
        let next: ResolvedCatalog;
        do {
          this.reloadAgain = false;
          next = await this.loadOnce();
        } while (this.reloadAgain);
        return next;
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }

  private async loadOnce(): Promise<ResolvedCatalog> {
    const definition = await this.source.load();
    const fingerprint = JSON.stringify(definition);
    if (this.resolved && fingerprint === this.fingerprint) return this.resolved;
    const next = new ResolvedCatalog(definition, ++this.version);
    this.resolved = next;
    this.fingerprint = fingerprint;
    this.logger.log(
      `catalog v${next.version} from ${this.source.description}: ${definition.routes.length} routes, ${definition.deployments.length} deployments`,
    );
    for (const listener of this.listeners) listener(next);
    return next;
  }

  get current(): ResolvedCatalog {
    if (!this.resolved) throw new Error('catalog not loaded yet');
    return this.resolved;
  }
}
