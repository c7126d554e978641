import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { maxCostMicroUsd, type Clock } from '@stilts/routing';
import { periodBounds } from '../../common/time/utc-period.js';
import { CLOCK } from '../../common/time/system-clock.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { CALL_RECORDER, type AttemptRecord, type CallRecorder } from '../calls/call-record.js';
import { CallRecorderService } from '../calls/call-recorder.service.js';
import { LEDGER_HOOKS, type LedgerHooks } from '../calls/ledger-hooks.js';
import type { DeploymentDefinition } from '../catalog/catalog.types.js';
import { DatabaseService } from '../database/database.service.js';
import { BudgetAccount } from './budget-account.js';
import type {
  AttemptEstimate,
  BudgetCallContext,
  BudgetGate,
  RequestBudgets,
  ReserveResult,
} from './budget-gate.js';
import { sumCharges, type BudgetCharge, type BudgetDefinition } from './budget.types.js';
import { BudgetsRepository } from './budgets.repository.js';

/** An account unused this long gives its leases back (at least two renewal periods). */
const IDLE_MS = 30_000;
/** After the database found nothing left to lease, wait this long before asking again. */
const EXHAUSTED_BACKOFF_MS = 500;

const chargesOfRecord = (record: AttemptRecord): AttemptRecord['budgetCharges'] =>
  record.budgetCharges;
const chargesOf = (records: readonly AttemptRecord[]): BudgetCharge[] =>
  sumCharges(records.map(chargesOfRecord));

/** Lease requests one reservation may wait for before it is refused. */
const MAX_REFILL_ROUNDS = 4;
/** How often budget definitions are re-read without a NOTIFY. */
const POLL_MS = 30_000;

interface BudgetIndex {
  readonly global: readonly BudgetDefinition[];
  readonly byTeam: ReadonlyMap<string, readonly BudgetDefinition[]>;
  readonly byKey: ReadonlyMap<string, readonly BudgetDefinition[]>;
  readonly byRoute: ReadonlyMap<string, readonly BudgetDefinition[]>;
  readonly byDeployment: ReadonlyMap<string, readonly BudgetDefinition[]>;
  readonly empty: boolean;
}

function index(budgets: readonly BudgetDefinition[]): BudgetIndex {
  const enabled = budgets.filter((b) => b.enabled);
  const group = (scope: BudgetDefinition['scope']): Map<string, BudgetDefinition[]> => {
    const map = new Map<string, BudgetDefinition[]>();
    for (const b of enabled) {
      if (b.scope !== scope || b.scopeRef === null) continue;
      const list = map.get(b.scopeRef) ?? [];
      list.push(b);
      map.set(b.scopeRef, list);
    }
    return map;
  };
  return {
    global: enabled.filter((b) => b.scope === 'global'),
    byTeam: group('team'),
    byKey: group('key'),
    byRoute: group('route'),
    byDeployment: group('deployment'),
    empty: enabled.length === 0,
  };
}

const NONE: readonly BudgetDefinition[] = [];

/** Is the deployment priced at or under the budget's degrade ceiling (input and output)? */
export function underCeiling(deployment: DeploymentDefinition, budget: BudgetDefinition): boolean {
  const ceiling = budget.degradeMaxPricePerMillion;
  return (
    ceiling !== null &&
    deployment.price.inputPerMillion <= ceiling &&
    deployment.price.outputPerMillion <= ceiling
  );
}

/**
 * Hard budget caps that hold under concurrency and across replicas, without a database round
 * trip per request.
 *
 * Each replica leases slices of each budget's period from PostgreSQL (one atomic statement,
 * `BudgetsRepository.grantLease`) and admits attempts against its leases in memory: an attempt
 * reserves its worst-case cost from every budget that applies (all or nothing); when it ends the
 * reservation becomes its actual cost, which travels with its ledger record and is applied to
 * the budget in the transaction that writes the record. Leases are renewed while in use,
 * returned when idle or at shutdown, and expire (and are swept back) when their replica dies.
 * Under `degrade`, a spent budget still admits deployments priced under its ceiling, exempt
 * from its cap (charged as spent, flagged in the response).
 */
@Injectable()
export class BudgetsService
  implements BudgetGate, OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(BudgetsService.name);
  readonly repository: BudgetsRepository;
  private budgets: BudgetIndex = index([]);
  private readonly accounts = new Map<string, BudgetAccount>();
  private readonly periods = new WeakMap<BudgetDefinition, { start: number; end: number }>();
  /** Each definition's account for its current period (saves building the key per request). */
  private readonly current = new WeakMap<BudgetDefinition, BudgetAccount>();
  private stops: (() => void)[] = [];
  private maintenance: NodeJS.Timeout | undefined;
  private maintaining: Promise<void> | undefined;

  constructor(
    private readonly database: DatabaseService,
    @Inject(LEDGER_HOOKS) hooks: LedgerHooks,
    @Inject(CALL_RECORDER) private readonly recorder: CallRecorder,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.repository = new BudgetsRepository(database.dataSource);
    hooks.onTransaction((tx, inserted) => this.repository.applyCharges(tx, chargesOf(inserted)));
    hooks.onCommitted((batch) => {
      for (const charge of chargesOf(batch)) this.charged(charge);
    });
  }

  async onModuleInit(): Promise<void> {
    await this.reload();
    const unlisten = await this.database.listen(this.database.channel('budgets'), () =>
      this.reloadQuietly(),
    );
    const poll = setInterval(() => this.reloadQuietly(), POLL_MS);
    poll.unref();
    this.stops = [() => void unlisten(), () => clearInterval(poll)];
  }

  onApplicationBootstrap(): void {
    this.maintenance = setInterval(() => {
      this.maintaining ??= this.maintain().finally(() => {
        this.maintaining = undefined;
      });
    }, this.config.BUDGET_MAINTENANCE_INTERVAL_MS);
    this.maintenance.unref();
    this.database.registerShutdownTask('budget-leases', () => this.returnAll());
  }

  onApplicationShutdown(): void {
    for (const stop of this.stops) stop();
    if (this.maintenance) clearInterval(this.maintenance);
  }

  /** Re-reads the budget definitions. */
  async reload(): Promise<void> {
    this.budgets = index(await this.repository.all());
  }

  /** Every enabled budget. */
  definitions(): BudgetDefinition[] {
    const b = this.budgets;
    return [
      ...b.global,
      ...[b.byTeam, b.byKey, b.byRoute, b.byDeployment].flatMap((m) => [...m.values()].flat()),
    ];
  }

  /** The current period of a budget (cached per definition until it ends). */
  period(budget: BudgetDefinition, now: number): { start: number; end: number } {
    let p = this.periods.get(budget);
    if (!p || now >= p.end || now < p.start) {
      p = periodBounds(budget.period, now);
      this.periods.set(budget, p);
    }
    return p;
  }

  forRequest(context: BudgetCallContext): RequestBudgets | null {
    const b = this.budgets;
    if (b.empty) return null;
    const base = [
      ...b.global,
      ...(context.teamId ? (b.byTeam.get(context.teamId) ?? NONE) : NONE),
      ...(context.keyId ? (b.byKey.get(context.keyId) ?? NONE) : NONE),
      ...(b.byRoute.get(context.route) ?? NONE),
    ];
    if (base.length === 0 && b.byDeployment.size === 0) return null;
    return { reserve: (deployment, estimate) => this.reserve(base, deployment, estimate) };
  }

  /**
   * The common case in memory and synchronously: every budget admits the attempt from what this
   * replica has leased. Otherwise (a budget must lease more, or may refuse or degrade), the
   * held reservations are given back and {@link reserveWaiting} decides, budget by budget.
   */
  private reserve(
    base: readonly BudgetDefinition[],
    deployment: DeploymentDefinition,
    estimate: AttemptEstimate,
  ): ReserveResult | Promise<ReserveResult> {
    const byDeployment = this.budgets.byDeployment.get(deployment.id);
    const budgets = byDeployment ? [...base, ...byDeployment] : base;
    const amount = maxCostMicroUsd(
      estimate.inputTokens,
      estimate.maxOutputTokens,
      deployment.price,
    );
    const held: BudgetAccount[] = [];
    for (const budget of budgets) {
      const now = this.clock.now();
      const account = this.account(budget, now);
      if (amount > 0) {
        if (!account.tryReserve(amount, now)) {
          for (const a of held) a.release(amount);
          return this.reserveWaiting(budgets, deployment, amount);
        }
        held.push(account);
      }
      this.topUp(account, amount);
    }
    return this.reservationOf(amount, held, [], null);
  }

  private async reserveWaiting(
    budgets: readonly BudgetDefinition[],
    deployment: DeploymentDefinition,
    amount: number,
  ): Promise<ReserveResult> {
    const held: BudgetAccount[] = [];
    const exempt: BudgetAccount[] = [];
    let degradedBy: string | null = null;
    for (const budget of budgets) {
      const now = this.clock.now();
      const account = this.account(budget, now);
      let ok = amount === 0 || account.tryReserve(amount, now);
      // Lease until this reservation fits, or the database has nothing more to lease. Concurrent
      // waiters share each lease request, which is sized for all of them; one that a lease did
      // not cover (others took it first) asks again rather than being refused with budget left.
      for (let round = 0; !ok && round < MAX_REFILL_ROUNDS; round++) {
        account.waiting += amount;
        let granted: boolean;
        try {
          granted = await this.refill(account, amount);
        } finally {
          account.waiting -= amount;
        }
        ok = account.tryReserve(amount, this.clock.now());
        if (!granted) break;
      }
      if (!ok) {
        if (budget.action === 'degrade' && underCeiling(deployment, budget)) {
          exempt.push(account);
          degradedBy ??= budget.name;
          continue;
        }
        for (const a of held) a.release(amount);
        return { ok: false, refusal: { budget, resetsAt: account.periodEnd } };
      }
      if (amount > 0) held.push(account);
      this.topUp(account, amount);
    }
    return this.reservationOf(amount, held, exempt, degradedBy);
  }

  /** Tops the account up ahead of need, so the next requests do not wait for the database. */
  private topUp(account: BudgetAccount, amount: number): void {
    if (account.available < account.lastGrant / 4) void this.refill(account, amount);
  }

  private reservationOf(
    amount: number,
    held: readonly BudgetAccount[],
    exempt: readonly BudgetAccount[],
    degradedBy: string | null,
  ): ReserveResult {
    let done = false;
    return {
      ok: true,
      reservation: {
        degradedBy,
        settle: (cost) => {
          if (done) return [];
          done = true;
          const charges: BudgetCharge[] = [];
          for (const a of held) charges.push(...a.settle(amount, cost));
          if (cost > 0) {
            for (const a of exempt) {
              charges.push({
                budgetId: a.budget.id,
                periodStart: a.periodStart,
                leaseId: null,
                amountMicroUsd: cost,
              });
            }
          }
          return charges;
        },
        release: () => {
          if (done) return;
          done = true;
          for (const a of held) a.release(amount);
        },
      },
    };
  }

  private account(budget: BudgetDefinition, now: number): BudgetAccount {
    const current = this.current.get(budget);
    if (current && now >= current.periodStart && now < current.periodEnd) return current;
    const period = this.period(budget, now);
    const key = `${budget.id}:${period.start}`;
    let account = this.accounts.get(key);
    if (!account) {
      account = new BudgetAccount(budget, period.start, period.end, now);
      this.accounts.set(key, account);
    } else if (account.budget !== budget) {
      // A reloaded (maybe changed) definition: its reservations and leases carry on.
      account.budget = budget;
    }
    this.current.set(budget, account);
    return account;
  }

  /** Leases more of the account's budget (single-flight); resolves when the lease is in. */
  private refill(account: BudgetAccount, need: number): Promise<boolean> {
    if (this.clock.now() < account.exhaustedUntil) return Promise.resolve(false);
    account.refilling ??= (async () => {
      try {
        const want = Math.max(need * 10, account.lastGrant * 2, account.waiting * 2, 1);
        const lease = await this.repository.grantLease(
          account.budget.id,
          account.periodStart,
          want,
          Math.max(need, 1),
          this.config.REPLICA_ID,
          this.config.BUDGET_LEASE_TTL_SECONDS,
        );
        if (lease) {
          account.addLease(lease.id, lease.amount);
          return true;
        }
        account.exhaustedUntil = this.clock.now() + EXHAUSTED_BACKOFF_MS;
        return false;
      } catch (error) {
        // The database is unreachable: admit from what is already leased, nothing more.
        account.exhaustedUntil = this.clock.now() + EXHAUSTED_BACKOFF_MS;
        this.logger.warn(
          `could not lease budget ${account.budget.name}: ${(error as Error).message}`,
        );
        return false;
      } finally {
        account.refilling = undefined;
      }
    })();
    return account.refilling;
  }

  /** A charge reached the database. */
  private charged(charge: BudgetCharge): void {
    this.accounts.get(`${charge.budgetId}:${charge.periodStart}`)?.charged(charge);
  }

  /**
   * Renews the leases in use, returns idle ones and those of past periods, and sweeps leases
   * whose replica stopped renewing them.
   */
  async maintain(): Promise<void> {
    const now = this.clock.now();
    try {
      const keep: string[] = [];
      const give: string[] = [];
      for (const [key, account] of this.accounts) {
        give.push(...account.takeSpent());
        const settled = account.inFlight === 0 && account.pendingCharges === 0;
        const over = now >= account.periodEnd;
        if (settled && (over || now - account.lastUsed > IDLE_MS)) {
          give.push(...account.leaseIds());
          for (const id of account.leaseIds()) account.removeLease(id);
          if (over) this.accounts.delete(key);
        } else {
          keep.push(...account.leaseIds());
        }
      }
      await this.repository.returnLeases(give);
      const alive = await this.repository.renewLeases(keep, this.config.BUDGET_LEASE_TTL_SECONDS);
      // Only the leases asked about: one granted meanwhile is not in `alive`, yet is not lost.
      const asked = new Set(keep);
      for (const account of this.accounts.values()) {
        for (const id of account.leaseIds()) {
          if (asked.has(id) && !alive.has(id)) {
            account.removeLease(id);
            this.logger.warn(`budget lease ${id} of ${account.budget.name} expired before renewal`);
          }
        }
      }
      const swept = await this.repository.sweepExpired();
      if (swept > 0) this.logger.log(`took back ${swept} expired budget leases`);
    } catch (error) {
      this.logger.warn(`budget lease maintenance failed: ${(error as Error).message}`);
    }
  }

  /** At shutdown, after the recorder has written every charge: gives every lease back. */
  private async returnAll(): Promise<void> {
    if (this.maintenance) clearInterval(this.maintenance);
    await this.maintaining;
    if (this.recorder instanceof CallRecorderService) await this.recorder.drain();
    const ids = [...this.accounts.values()].flatMap((a) => [...a.takeSpent(), ...a.leaseIds()]);
    try {
      await this.repository.returnLeases(ids);
    } catch (error) {
      this.logger.warn(
        `could not return budget leases (they expire in ${this.config.BUDGET_LEASE_TTL_SECONDS} s): ${(error as Error).message}`,
      );
    }
  }

  private reloadQuietly(): void {
    this.reload().catch((error: unknown) => {
      this.logger.warn(
        `could not reload budgets (keeping the current ones): ${(error as Error).message}`,
      );
    });
  }
}
