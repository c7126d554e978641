import { Controller, Req, Res } from '@nestjs/common';
import type { Session } from '@stilts/admin-contract';
import type { FastifyReply } from 'fastify';
import {
  AdminEndpoint,
  Input,
  Principal,
  type AdminHttpRequest,
  type EndpointInput,
} from '../http/admin-endpoint.decorator.js';
import { SESSION_COOKIE } from '../http/admin-auth.guard.js';
import { AdminAuthService, toSessionDto } from './admin-auth.service.js';
import type { AdminPrincipal } from './admin-principal.js';

/** Login, logout and "who am I". */
@Controller()
export class SessionController {
  constructor(private readonly auth: AdminAuthService) {}

  @AdminEndpoint('login')
  async login(
    @Input('login') input: EndpointInput<'login'>,
    @Req() request: AdminHttpRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Session> {
    const { sessionId, principal } = await this.auth.login(input.body.token);
    void reply.setCookie(SESSION_COOKIE, sessionId, {
      httpOnly: true,
      sameSite: 'strict',
      secure: request.protocol === 'https',
      path: '/admin',
      maxAge: Math.max(1, Math.floor(((principal.expiresAt ?? 0) - Date.now()) / 1000)),
    });
    return toSessionDto(principal);
  }

  @AdminEndpoint('whoAmI')
  whoAmI(@Principal() principal: AdminPrincipal): Session {
    return toSessionDto(principal);
  }

  @AdminEndpoint('logout')
  async logout(
    @Principal() principal: AdminPrincipal,
    @Req() request: AdminHttpRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.auth.logout(principal);
    void reply.clearCookie(SESSION_COOKIE, {
      path: '/admin',
      httpOnly: true,
      sameSite: 'strict',
      secure: request.protocol === 'https',
    });
  }
}
