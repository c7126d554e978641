import { Controller, Inject } from '@nestjs/common';
import type { ApiKey, CreatedApiKey, Page, Team } from '@stilts/admin-contract';
import type { Clock } from '@stilts/routing';
import { CLOCK } from '../../../common/time/system-clock.js';
import { KeysService } from '../../keys/keys.service.js';
import { actorOf, type AdminPrincipal } from '../auth/admin-principal.js';
import {
  AdminEndpoint,
  Input,
  Principal,
  type EndpointInput,
} from '../http/admin-endpoint.decorator.js';
import { apiKeyDto, keyCursor, keyPosition, teamDto } from './keys-admin.dto.js';

/**
 * Teams and API keys, through `KeysService` (which audits every change and NOTIFYs every
 * replica). The key's secret is in the answer to `createKey` and nowhere else.
 */
@Controller()
export class KeysAdminController {
  constructor(
    private readonly keys: KeysService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @AdminEndpoint('listTeams')
  async listTeams(): Promise<Page<Team>> {
    return { items: (await this.keys.teams()).map(teamDto), nextCursor: null };
  }

  @AdminEndpoint('createTeam')
  async createTeam(
    @Input('createTeam') input: EndpointInput<'createTeam'>,
    @Principal() principal: AdminPrincipal,
  ): Promise<Team> {
    return teamDto(await this.keys.createTeam(input.body, actorOf(principal)));
  }

  @AdminEndpoint('updateTeam')
  async updateTeam(
    @Input('updateTeam') input: EndpointInput<'updateTeam'>,
    @Principal() principal: AdminPrincipal,
  ): Promise<Team> {
    return teamDto(await this.keys.renameTeam(input.params.id, input.body, actorOf(principal)));
  }

  @AdminEndpoint('listKeys')
  async listKeys(@Input('listKeys') input: EndpointInput<'listKeys'>): Promise<Page<ApiKey>> {
    const { teamId, cursor, limit } = input.query;
    const page = await this.keys.keyPage({
      teamId,
      before: cursor === undefined ? undefined : keyPosition(cursor),
      limit,
    });
    const now = this.clock.now();
    return {
      items: page.keys.map((k) => apiKeyDto(k, now)),
      nextCursor: page.next === null ? null : keyCursor(page.next),
    };
  }

  @AdminEndpoint('getKey')
  async getKey(@Input('getKey') input: EndpointInput<'getKey'>): Promise<ApiKey> {
    return apiKeyDto(await this.keys.key(input.params.id), this.clock.now());
  }

  @AdminEndpoint('createKey')
  async createKey(
    @Input('createKey') input: EndpointInput<'createKey'>,
    @Principal() principal: AdminPrincipal,
  ): Promise<CreatedApiKey> {
    const { key, secret } = await this.keys.createKey(input.body, actorOf(principal));
    return { key: apiKeyDto(key, this.clock.now()), secret };
  }

  @AdminEndpoint('updateKey')
  async updateKey(
    @Input('updateKey') input: EndpointInput<'updateKey'>,
    @Principal() principal: AdminPrincipal,
  ): Promise<ApiKey> {
    const key = await this.keys.updateKey(input.params.id, input.body, actorOf(principal));
    return apiKeyDto(key, this.clock.now());
  }

  @AdminEndpoint('revokeKey')
  async revokeKey(
    @Input('revokeKey') input: EndpointInput<'revokeKey'>,
    @Principal() principal: AdminPrincipal,
  ): Promise<ApiKey> {
    const key = await this.keys.revokeKey(input.params.id, actorOf(principal), input.body.reason);
    return apiKeyDto(key, this.clock.now());
  }
}
