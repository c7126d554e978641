import { Module } from '@nestjs/common';
import { ROUTE_BUDGETS } from '../weights/route-budget.source.js';
import { BUDGET_GATE } from './budget-gate.js';
import { BudgetPaceSource } from './budget-pace.source.js';
import { BudgetsAdminService } from './budgets-admin.service.js';
import { BudgetsService } from './budgets.service.js';

/** Budgets: admission with hard caps (the gate), pacing input for the weights, admin operations. */
@Module({
  providers: [
    BudgetsService,
    { provide: BUDGET_GATE, useExisting: BudgetsService },
    BudgetPaceSource,
    { provide: ROUTE_BUDGETS, useExisting: BudgetPaceSource },
    BudgetsAdminService,
  ],
  exports: [BudgetsService, BUDGET_GATE, ROUTE_BUDGETS, BudgetsAdminService],
})
export class BudgetsModule {}
