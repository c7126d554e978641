import { Logger } from '@nestjs/common';
import type { CatalogService } from '../catalog/catalog.service.js';
import { migrationStatus } from '../database/data-source.factory.js';
import type { DatabaseService } from '../database/database.service.js';
import type { OverridesState } from '../weights/overrides.state.js';
import { SnapshotWeightSource } from '../weights/snapshot-weight.source.js';
import type { WeightSource } from '../weights/weight-source.js';

/** One readiness check's verdict. `detail` never carries a secret. */
export interface HealthCheck {
  readonly ok: boolean;
  readonly detail: string;
}

/** The answer of `/health/ready`. */
export interface Readiness {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, HealthCheck>>;
}

/** What readiness depends on; `database` is absent in memory mode. */
export interface HealthSources {
  readonly catalog: CatalogService;
  readonly weights: WeightSource;
  readonly overrides: OverridesState;
  readonly database: DatabaseService | undefined;
}

/** Probes arriving within this window share one check (the endpoint is unauthenticated). */
const CACHE_MS = 1_000;
/** A check that takes longer fails. */
const CHECK_TIMEOUT_MS = 2_000;
/** Once every migration is applied it stays so; re-checked at this pace. */
const MIGRATIONS_RECHECK_MS = 60_000;

class CheckTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CheckTimeout(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** A short, secret-free reason: the error's code (ECONNREFUSED ...) or first line. */
function reason(error: unknown): string {
  if (error instanceof CheckTimeout) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').slice(0, 200);
}

/**
 * Readiness: the catalog is loaded; with a database, it answers, no migration is pending and
 * every adaptive route (unless an operator froze it) has a weight snapshot in memory — static
 * and priority routes route by their configured weights, which are always there. Concurrent
 * probes share one check, and results are reused for a second, so probing cannot load the
 * database. Transitions are logged.
 */
export class HealthService {
  private readonly logger = new Logger('Health');
  private cached: { at: number; value: Readiness } | undefined;
  private running: Promise<Readiness> | undefined;
  private migrationsOkAt = -Infinity;
  private lastReady: boolean | undefined;

  constructor(private readonly sources: HealthSources) {}

  readiness(): Promise<Readiness> {
    const now = performance.now();
    if (this.cached && now - this.cached.at < CACHE_MS) return Promise.resolve(this.cached.value);
    this.running ??= this.check()
      .then((value) => {
        this.cached = { at: performance.now(), value };
        this.logTransition(value);
        return value;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async check(): Promise<Readiness> {
    const checks: Record<string, HealthCheck> = { catalog: this.catalog() };
    const database = this.sources.database;
    if (database) {
      checks.database = await this.database(database);
      checks.migrations = checks.database.ok
        ? await this.migrations(database)
        : { ok: false, detail: 'database unavailable' };
    }
    if (this.sources.weights instanceof SnapshotWeightSource) {
      checks.weights = this.weights(this.sources.weights);
    }
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  }

  private catalog(): HealthCheck {
    try {
      const routes = [...this.sources.catalog.current.routes()].length;
      return { ok: true, detail: `${routes} routes` };
    } catch (error) {
      return { ok: false, detail: reason(error) };
    }
  }

  private async database(database: DatabaseService): Promise<HealthCheck> {
    try {
      await withTimeout(database.query('SELECT 1'), CHECK_TIMEOUT_MS);
      return { ok: true, detail: 'answers' };
    } catch (error) {
      return { ok: false, detail: reason(error) };
    }
  }

  private async migrations(database: DatabaseService): Promise<HealthCheck> {
    if (performance.now() - this.migrationsOkAt < MIGRATIONS_RECHECK_MS) {
      return { ok: true, detail: 'all applied' };
    }
    try {
      const states = await withTimeout(migrationStatus(database.dataSource), CHECK_TIMEOUT_MS);
      const pending = states.filter((m) => !m.applied).map((m) => m.name);
      if (pending.length > 0) return { ok: false, detail: `pending: ${pending.join(', ')}` };
      this.migrationsOkAt = performance.now();
      return { ok: true, detail: 'all applied' };
    } catch (error) {
      return { ok: false, detail: reason(error) };
    }
  }

  private weights(source: SnapshotWeightSource): HealthCheck {
    const loaded = new Set(source.current().map((s) => s.route));
    const overrides = this.sources.overrides.current;
    const missing = [...this.sources.catalog.current.routes()]
      .filter((r) => r.definition.strategy === 'adaptive' && !loaded.has(r.name))
      .filter((r) => !overrides.forRoute(r.name).frozen)
      .map((r) => r.name);
    return missing.length === 0
      ? { ok: true, detail: `${loaded.size} snapshots loaded` }
      : { ok: false, detail: `no weight snapshot yet for ${missing.join(', ')}` };
  }

  private logTransition(value: Readiness): void {
    if (value.ready === this.lastReady) return;
    const first = this.lastReady === undefined;
    this.lastReady = value.ready;
    if (value.ready) {
      if (!first) this.logger.log('ready again');
      return;
    }
    const failing = Object.entries(value.checks)
      .filter(([, c]) => !c.ok)
      .map(([name, c]) => `${name}: ${c.detail}`)
      .join('; ');
    this.logger.warn(`not ready (${failing})`);
  }
}
