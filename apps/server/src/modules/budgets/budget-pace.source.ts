import { Injectable } from '@nestjs/common';
import { tightestBudgetPace, type BudgetPace } from '@stilts/routing';
import type { ResolvedRoute } from '../catalog/resolved-catalog.js';
import type { RouteBudgetInput, RouteBudgetSource } from '../weights/route-budget.source.js';
import type { BudgetDefinition } from './budget.types.js';
import { BudgetsService, underCeiling } from './budgets.service.js';

/**
 * Budget pressure for the weights job: per route, the pace of the binding budget among those
 * that cover all of the route's traffic (global and route budgets), and the deployments that
 * spent budgets rule out (a spent deployment budget; a spent `degrade` budget's deployments over
 * its ceiling). Team and key budgets cover slices of a route's traffic and are enforced at
 * admission only. Reads `budget_usage` once per job run.
 */
@Injectable()
export class BudgetPaceSource implements RouteBudgetSource {
  constructor(private readonly budgets: BudgetsService) {}

  async forRoutes(
    routes: readonly ResolvedRoute[],
    nowMs: number,
  ): Promise<Map<string, RouteBudgetInput>> {
    const defs = this.budgets
      .definitions()
      .filter((b) => b.scope === 'global' || b.scope === 'route' || b.scope === 'deployment');
    const periods = new Map(defs.map((b) => [b.id, this.budgets.period(b, nowMs)]));
    const usage = await this.budgets.repository.usage(
      defs.map((b) => ({
        budgetId: b.id,
        periodStart: (periods.get(b.id) as { start: number }).start,
      })),
    );
    const spent = new Map(usage.map((u) => [u.budgetId, u.spentMicroUsd]));
    const remaining = (b: BudgetDefinition): number => b.amountMicroUsd - (spent.get(b.id) ?? 0);
    const pace = (b: BudgetDefinition): BudgetPace => ({
      budgetId: b.id,
      remainingMicroUsd: remaining(b),
      remainingPeriodMs: Math.max(1, (periods.get(b.id) as { end: number }).end - nowMs),
    });
    const out = new Map<string, RouteBudgetInput>();
    for (const route of routes) {
      const covering = defs.filter(
        (b) => b.scope === 'global' || (b.scope === 'route' && b.scopeRef === route.name),
      );
      const blocked = new Set<string>();
      for (const m of route.members) {
        const id = m.deployment.id;
        if (defs.some((b) => b.scope === 'deployment' && b.scopeRef === id && remaining(b) <= 0))
          blocked.add(id);
        for (const b of covering) {
          if (remaining(b) > 0) continue;
          if (b.action === 'block' || !underCeiling(m.deployment, b)) blocked.add(id);
        }
      }
      out.set(route.name, {
        pace: tightestBudgetPace(covering.map(pace)),
        blockedDeployments: blocked,
      });
    }
    return out;
  }
}
