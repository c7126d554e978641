import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  adminEndpoints,
  roleAllows,
  type AdminEndpointName,
  type EndpointDefinition,
} from '@stilts/admin-contract';
import { DomainError } from '../../../common/errors/domain-error.js';
import { AdminAuthService } from '../auth/admin-auth.service.js';
import { ADMIN_ENDPOINT, type AdminHttpRequest } from './admin-endpoint.decorator.js';

/** The session cookie: an opaque id, HttpOnly, SameSite=Strict, Path=/admin. */
export const SESSION_COOKIE = 'stilts_admin_session';

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Protects every admin endpoint by default (registered globally; handlers that are not admin
 * endpoints pass through untouched). An endpoint's required role comes from the contract:
 * `public` (login), `viewer` (reads) or `admin` (writes). 401 without valid credentials, 403 for
 * a role that does not suffice. Writes must be JSON (415 otherwise), and a cookie-authenticated
 * request that carries an `Origin` must come from this host: with SameSite=Strict cookies, the
 * CSRF defence (see the module README).
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AdminAuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const name = this.reflector.get<AdminEndpointName | undefined>(
      ADMIN_ENDPOINT,
      context.getHandler(),
    );
    if (!name) return true;
    const def: EndpointDefinition = adminEndpoints[name];
    const request = context.switchToHttp().getRequest<AdminHttpRequest>();
    if (def.access !== 'public') {
      const principal = await this.auth.authenticate({
        sessionId: request.cookies[SESSION_COOKIE],
        authorization: header(request.headers.authorization),
      });
      if (!principal) {
        throw new DomainError(
          401,
          'unauthenticated',
          'Log in (POST /admin/api/session) or send Authorization: Bearer <admin token>.',
        );
      }
      if (principal.via === 'cookie' && !sameOrigin(request)) {
        throw new DomainError(403, 'forbidden', 'Cross-origin request refused.');
      }
      if (!roleAllows(principal.role, def.access)) {
        throw new DomainError(403, 'forbidden', `This requires the ${def.access} role.`);
      }
      request.adminPrincipal = principal;
    }
    if (def.body && !isJson(request)) {
      throw new DomainError(415, 'unsupported_content_type', 'Send the body as application/json.');
    }
    return true;
  }
}

function isJson(request: AdminHttpRequest): boolean {
  const type = header(request.headers['content-type']) ?? '';
  return /^application\/json\s*(;|$)/i.test(type);
}

/** No Origin (same-origin GETs, curl) or an Origin whose host is the request's host. */
function sameOrigin(request: AdminHttpRequest): boolean {
  const origin = header(request.headers.origin);
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.host;
  } catch {
    return false;
  }
}
