import { Inject, Injectable } from '@nestjs/common';
import { usdToMicroUsd, type Clock } from '@stilts/routing';
import { z } from 'zod';
import { DomainError, validationError } from '../../common/errors/domain-error.js';
import { CLOCK } from '../../common/time/system-clock.js';
import { DatabaseService } from '../database/database.service.js';
import type { BudgetDefinition } from './budget.types.js';
import { BudgetsService } from './budgets.service.js';
import type { BudgetInput } from './budgets.repository.js';

const usd = z.union([z.string(), z.number()]).transform((value, ctx) => {
  try {
    return usdToMicroUsd(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a non-negative USD amount, e.g. "25.00"' });
    return z.NEVER;
  }
});

/** A budget as an operator writes it (amounts in USD, exact to the micro-dollar). */
export const budgetInputSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    scope: z.enum(['global', 'team', 'key', 'route', 'deployment']),
    scopeRef: z.string().min(1).max(256).nullish(),
    period: z.enum(['day', 'week', 'month']),
    amountUsd: usd,
    action: z.enum(['block', 'degrade']).default('block'),
    degradeMaxPricePerMillionUsd: usd.nullish(),
    enabled: z.boolean().default(true),
  })
  .superRefine((b, ctx) => {
    if ((b.scope === 'global') !== (b.scopeRef === undefined || b.scopeRef === null)) {
      ctx.addIssue({
        code: 'custom',
        path: ['scopeRef'],
        message:
          b.scope === 'global'
            ? 'not allowed for a global budget'
            : `required for scope ${b.scope}`,
      });
    }
    if (
      (b.action === 'degrade') !==
      (b.degradeMaxPricePerMillionUsd !== undefined && b.degradeMaxPricePerMillionUsd !== null)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['degradeMaxPricePerMillionUsd'],
        message: b.action === 'degrade' ? 'required for action degrade' : 'only for action degrade',
      });
    }
  });

/** A budget with where it stands in its current period. */
export interface BudgetStatus {
  readonly budget: BudgetDefinition;
  readonly periodStart: number;
  readonly periodEnd: number;
  /** Spend recorded in the ledger this period (micro-USD). */
  readonly spentMicroUsd: number;
  /** Leased to replicas: in-flight reservations and slices not yet used. */
  readonly reservedMicroUsd: number;
  /** amount − spent − reserved, floored at 0. */
  readonly remainingMicroUsd: number;
  /** Spend over the last hour, per hour. */
  readonly burnRateMicroUsdPerHour: number;
  /** spent + burn rate × time left, the spend the period ends at if the last hour's rate holds. */
  readonly projectedMicroUsd: number;
}

/**
 * Budgets as the admin API sees them: create, change, delete (each audited and announced to
 * every replica), and each one's status in its current period.
 */
@Injectable()
export class BudgetsAdminService {
  constructor(
    private readonly budgets: BudgetsService,
    private readonly database: DatabaseService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(): Promise<BudgetStatus[]> {
    return this.status(await this.budgets.repository.all());
  }

  async get(id: string): Promise<BudgetStatus> {
    const [status] = await this.status([await this.found(id)]);
    return status as BudgetStatus;
  }

  async create(input: unknown, actor: string): Promise<BudgetStatus> {
    const created = await this.budgets.repository.create(await this.parse(input), actor);
    await this.announce();
    return this.get(created.id);
  }

  async replace(id: string, input: unknown, actor: string): Promise<BudgetStatus> {
    await this.found(id);
    await this.budgets.repository.replace(id, await this.parse(input), actor);
    await this.announce();
    return this.get(id);
  }

  async remove(id: string, actor: string): Promise<void> {
    await this.found(id);
    await this.budgets.repository.remove(id, actor);
    await this.announce();
  }

  private async status(budgets: readonly BudgetDefinition[]): Promise<BudgetStatus[]> {
    const now = this.clock.now();
    const periods = budgets.map((b) => this.budgets.period(b, now));
    const usage = await this.budgets.repository.usage(
      budgets.map((b, i) => ({
        budgetId: b.id,
        periodStart: (periods[i] as { start: number }).start,
      })),
    );
    const byId = new Map(usage.map((u) => [u.budgetId, u]));
    const burn = await this.burnRates(budgets, now);
    return budgets.map((budget, i) => {
      const { start, end } = periods[i] as { start: number; end: number };
      const u = byId.get(budget.id);
      const spent = u?.spentMicroUsd ?? 0;
      const reserved = u?.leasedMicroUsd ?? 0;
      const rate = burn.get(budget.id) ?? 0;
      return {
        budget,
        periodStart: start,
        periodEnd: end,
        spentMicroUsd: spent,
        reservedMicroUsd: reserved,
        remainingMicroUsd: Math.max(0, budget.amountMicroUsd - spent - reserved),
        burnRateMicroUsdPerHour: rate,
        projectedMicroUsd: Math.round(spent + (rate * Math.max(0, end - now)) / 3_600_000),
      };
    });
  }

  /** Spend over the last hour in each budget's scope, from the minute rollups. */
  private async burnRates(
    budgets: readonly BudgetDefinition[],
    now: number,
  ): Promise<Map<string, number>> {
    if (budgets.length === 0) return new Map();
    const rows = await this.database.query<{ id: string; spent: string }>(
      `SELECT b.id, coalesce(sum(r.cost_micro_usd), 0) AS spent
         FROM unnest($1::text[], $2::text[], $3::text[]) AS b(id, scope, scope_ref)
         LEFT JOIN call_rollups_minute r ON r.minute >= $4 AND (
              b.scope = 'global'
           OR (b.scope = 'route' AND r.route = b.scope_ref)
           OR (b.scope = 'deployment' AND r.deployment_id = b.scope_ref)
           OR (b.scope = 'key' AND r.api_key_id = b.scope_ref)
           OR (b.scope = 'team' AND r.api_key_id IN (SELECT id::text FROM api_keys WHERE team_id::text = b.scope_ref)))
        GROUP BY b.id`,
      [
        budgets.map((b) => b.id),
        budgets.map((b) => b.scope),
        budgets.map((b) => b.scopeRef),
        new Date(now - 3_600_000),
      ],
    );
    return new Map(rows.map((r) => [r.id, Number(r.spent)]));
  }

  private async parse(input: unknown): Promise<BudgetInput> {
    const parsed = budgetInputSchema.safeParse(input);
    if (!parsed.success) throw validationError(parsed.error.issues, 'budget');
    const b = parsed.data;
    const scopeRef = b.scopeRef ?? null;
    if (scopeRef !== null && !(await this.scopeExists(b.scope, scopeRef))) {
      throw validationError(
        [{ path: ['scopeRef'], message: `no ${b.scope} ${scopeRef}` }],
        'budget',
      );
    }
    return {
      name: b.name,
      scope: b.scope,
      scopeRef,
      period: b.period,
      amountMicroUsd: b.amountUsd,
      action: b.action,
      degradeMaxPricePerMillion: b.degradeMaxPricePerMillionUsd ?? null,
      enabled: b.enabled,
    };
  }

  private async scopeExists(scope: BudgetDefinition['scope'], ref: string): Promise<boolean> {
    const uuid = z.uuid().safeParse(ref).success;
    const sql: Record<BudgetDefinition['scope'], string | null> = {
      global: null,
      team: uuid ? 'SELECT 1 FROM teams WHERE id = $1' : null,
      key: uuid ? 'SELECT 1 FROM api_keys WHERE id = $1' : null,
      route: 'SELECT 1 FROM routes WHERE name = $1',
      deployment: 'SELECT 1 FROM deployments WHERE id = $1',
    };
    const query = sql[scope];
    return query !== null && (await this.database.query(query, [ref])).length > 0;
  }

  private async found(id: string): Promise<BudgetDefinition> {
    const budget = z.uuid().safeParse(id).success
      ? await this.budgets.repository.get(id)
      : undefined;
    if (!budget) throw new DomainError(404, 'budget_not_found', `No budget ${id}.`);
    return budget;
  }

  private async announce(): Promise<void> {
    await this.budgets.reload();
    await this.database.notify(this.database.channel('budgets'));
  }
}
