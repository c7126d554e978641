import {
  applyDecorators,
  createParamDecorator,
  type ExecutionContext,
  HttpCode,
  RequestMapping,
  RequestMethod,
  SetMetadata,
} from '@nestjs/common';
import {
  adminEndpoints,
  type AdminEndpointName,
  type EndpointDefinition,
  type EndpointParsedBody,
  type EndpointParsedParams,
  type EndpointParsedQuery,
} from '@stilts/admin-contract';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { validationError } from '../../../common/errors/domain-error.js';
import type { AdminPrincipal } from '../auth/admin-principal.js';

/** Metadata key: the contract endpoint a handler implements. */
export const ADMIN_ENDPOINT = 'stilts:admin-endpoint';

/** A Fastify request of the admin API, once the guard authenticated it. */
export interface AdminHttpRequest extends FastifyRequest {
  adminPrincipal?: AdminPrincipal;
}

/**
 * Maps a handler to an endpoint of the contract (`@stilts/admin-contract`): its method, path
 * (under `/admin/api`) and success status come from the endpoint table, and the global guard
 * reads its required role from there too, so the server serves exactly what the contract says.
 */
export function AdminEndpoint(name: AdminEndpointName): MethodDecorator {
  const def: EndpointDefinition = adminEndpoints[name];
  return applyDecorators(
    RequestMapping({ path: `admin/api${def.path}`, method: RequestMethod[def.method] }),
    HttpCode(def.status),
    SetMetadata(ADMIN_ENDPOINT, name),
  );
}

/** A request's inputs, validated by the endpoint's schemas (defaults and coercions applied). */
export interface EndpointInput<N extends AdminEndpointName> {
  readonly params: EndpointParsedParams<N>;
  readonly query: EndpointParsedQuery<N>;
  readonly body: EndpointParsedBody<N>;
}

function parsePart(schema: z.ZodType | undefined, value: unknown, what: string): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw validationError(parsed.error.issues, what);
  return parsed.data;
}

/** Validates path parameters, query and body against the endpoint's schemas (400 otherwise). */
export function parseEndpointInput<N extends AdminEndpointName>(
  name: N,
  request: FastifyRequest,
): EndpointInput<N> {
  const def: EndpointDefinition = adminEndpoints[name];
  return {
    params: parsePart(def.params, request.params, 'path') as EndpointParsedParams<N>,
    query: parsePart(def.query, request.query, 'query') as EndpointParsedQuery<N>,
    body: parsePart(def.body, request.body, 'body') as EndpointParsedBody<N>,
  };
}

/** Injects the validated inputs of the named endpoint: `@Input('createRoute') input`. */
export const Input = createParamDecorator((name: AdminEndpointName, ctx: ExecutionContext) =>
  parseEndpointInput(name, ctx.switchToHttp().getRequest<FastifyRequest>()),
);

/** Injects the authenticated caller (set by the guard). */
export const Principal = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const principal = ctx.switchToHttp().getRequest<AdminHttpRequest>().adminPrincipal;
  if (!principal) throw new Error('no admin principal: is the route public?');
  return principal;
});
