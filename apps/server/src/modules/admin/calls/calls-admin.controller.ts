import { Controller } from '@nestjs/common';
import type { CallAttempt, CallDetail, Page } from '@stilts/admin-contract';
import { AdminEndpoint, Input, type EndpointInput } from '../http/admin-endpoint.decorator.js';
import { CallsAdminService } from './calls-admin.service.js';

/** The call ledger: search, and one request's attempts with the decision explanation. */
@Controller()
export class CallsAdminController {
  constructor(private readonly calls: CallsAdminService) {}

  @AdminEndpoint('searchCalls')
  search(@Input('searchCalls') input: EndpointInput<'searchCalls'>): Promise<Page<CallAttempt>> {
    return this.calls.search(input.query);
  }

  @AdminEndpoint('getCall')
  get(@Input('getCall') input: EndpointInput<'getCall'>): Promise<CallDetail> {
    return this.calls.request(input.params.requestId, input.query.around);
  }
}
