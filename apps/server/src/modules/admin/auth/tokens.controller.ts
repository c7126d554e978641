import { Controller } from '@nestjs/common';
import type { AdminToken, CreatedAdminToken, Page } from '@stilts/admin-contract';
import {
  AdminEndpoint,
  Input,
  Principal,
  type EndpointInput,
} from '../http/admin-endpoint.decorator.js';
import { AdminAuthService } from './admin-auth.service.js';
import type { AdminPrincipal } from './admin-principal.js';

/** Admin token management (admin role). */
@Controller()
export class TokensController {
  constructor(private readonly auth: AdminAuthService) {}

  @AdminEndpoint('listTokens')
  async list(@Input('listTokens') input: EndpointInput<'listTokens'>): Promise<Page<AdminToken>> {
    return { items: await this.auth.list(input.query.includeRevoked ?? false), nextCursor: null };
  }

  @AdminEndpoint('createToken')
  create(
    @Input('createToken') input: EndpointInput<'createToken'>,
    @Principal() principal: AdminPrincipal,
  ): Promise<CreatedAdminToken> {
    return this.auth.create(input.body, principal);
  }

  @AdminEndpoint('revokeToken')
  revoke(
    @Input('revokeToken') input: EndpointInput<'revokeToken'>,
    @Principal() principal: AdminPrincipal,
  ): Promise<AdminToken> {
    return this.auth.revoke(input.params.id, principal);
  }
}
