import { Controller } from '@nestjs/common';
import type { Budget, Page } from '@stilts/admin-contract';
import { BudgetsAdminService } from '../../budgets/budgets-admin.service.js';
import { actorOf, type AdminPrincipal } from '../auth/admin-principal.js';
import {
  AdminEndpoint,
  Input,
  Principal,
  type EndpointInput,
} from '../http/admin-endpoint.decorator.js';
import { budgetDto, budgetServiceInput } from './budgets-admin.dto.js';

/**
 * Budgets and where each stands this period, through `BudgetsAdminService` (which audits every
 * change and NOTIFYs every replica).
 */
@Controller()
export class BudgetsAdminController {
  constructor(private readonly budgets: BudgetsAdminService) {}

  @AdminEndpoint('listBudgets')
  async list(): Promise<Page<Budget>> {
    return { items: (await this.budgets.list()).map(budgetDto), nextCursor: null };
  }

  @AdminEndpoint('getBudget')
  async get(@Input('getBudget') input: EndpointInput<'getBudget'>): Promise<Budget> {
    return budgetDto(await this.budgets.get(input.params.id));
  }

  @AdminEndpoint('createBudget')
  async create(
    @Input('createBudget') input: EndpointInput<'createBudget'>,
    @Principal() principal: AdminPrincipal,
  ): Promise<Budget> {
    return budgetDto(await this.budgets.create(budgetServiceInput(input.body), actorOf(principal)));
  }

  @AdminEndpoint('replaceBudget')
  async replace(
    @Input('replaceBudget') input: EndpointInput<'replaceBudget'>,
    @Principal() principal: AdminPrincipal,
  ): Promise<Budget> {
    return budgetDto(
      await this.budgets.replace(
        input.params.id,
        budgetServiceInput(input.body),
        actorOf(principal),
      ),
    );
  }

  @AdminEndpoint('deleteBudget')
  async remove(
    @Input('deleteBudget') input: EndpointInput<'deleteBudget'>,
    @Principal() principal: AdminPrincipal,
  ): Promise<void> {
    await this.budgets.remove(input.params.id, actorOf(principal));
  }
}
