import { Controller } from '@nestjs/common';
import type {
  AuditEntry,
  Override,
  Page,
  WeightHistory,
  WeightsList,
} from '@stilts/admin-contract';
import type { AdminPrincipal } from '../auth/admin-principal.js';
import {
  AdminEndpoint,
  Input,
  Principal,
  type EndpointInput,
} from '../http/admin-endpoint.decorator.js';
import { WeightsAdminService } from './weights-admin.service.js';

/** Weights, overrides and the audit log. */
@Controller()
export class WeightsAdminController {
  constructor(private readonly weights: WeightsAdminService) {}

  @AdminEndpoint('listWeights')
  list(): WeightsList {
    return { items: this.weights.current() };
  }

  @AdminEndpoint('weightHistory')
  history(@Input('weightHistory') input: EndpointInput<'weightHistory'>): Promise<WeightHistory> {
    return this.weights.history(input.params.route, input.query);
  }

  @AdminEndpoint('listOverrides')
  listOverrides(
    @Input('listOverrides') input: EndpointInput<'listOverrides'>,
  ): Promise<Page<Override>> {
    return this.weights.listOverrides(input.query);
  }

  @AdminEndpoint('createOverride')
  createOverride(
    @Input('createOverride') input: EndpointInput<'createOverride'>,
    @Principal() principal: AdminPrincipal,
  ): Promise<Override> {
    return this.weights.createOverride(input.body, principal);
  }

  @AdminEndpoint('revokeOverride')
  revokeOverride(
    @Input('revokeOverride') input: EndpointInput<'revokeOverride'>,
    @Principal() principal: AdminPrincipal,
  ): Promise<Override> {
    return this.weights.revokeOverride(input.params.id, input.body.reason, principal);
  }

  @AdminEndpoint('releaseOverrides')
  async releaseOverrides(
    @Input('releaseOverrides') input: EndpointInput<'releaseOverrides'>,
    @Principal() principal: AdminPrincipal,
  ): Promise<{ items: Override[] }> {
    return { items: await this.weights.releaseOverrides(input.body, principal) };
  }

  @AdminEndpoint('listAudit')
  listAudit(@Input('listAudit') input: EndpointInput<'listAudit'>): Promise<Page<AuditEntry>> {
    return this.weights.listAudit(input.query);
  }
}
