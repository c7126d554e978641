import { z } from 'zod';
import { budgetSchema, createBudgetBodySchema, replaceBudgetBodySchema } from './budgets.js';
import {
  callDetailQuerySchema,
  callDetailSchema,
  callPageSchema,
  searchCallsQuerySchema,
} from './calls.js';
import {
  createDeploymentBodySchema,
  createProviderBodySchema,
  createRouteBodySchema,
  deploymentSchema,
  listCatalogQuerySchema,
  providerSchema,
  routeSchema,
  updateDeploymentBodySchema,
  updateProviderBodySchema,
  updateRouteBodySchema,
} from './catalog.js';
import { type AccessLevel, noContentSchema, pageSchema } from './common.js';
import {
  apiKeySchema,
  createApiKeyBodySchema,
  createdApiKeySchema,
  createTeamBodySchema,
  listApiKeysQuerySchema,
  revokeApiKeyBodySchema,
  teamSchema,
  updateApiKeyBodySchema,
  updateTeamBodySchema,
} from './keys.js';
import { liveStateSchema } from './live.js';
import { metricsQuerySchema, metricsResponseSchema } from './metrics.js';
import {
  adminTokenSchema,
  createAdminTokenBodySchema,
  createdAdminTokenSchema,
  listAdminTokensQuerySchema,
  loginBodySchema,
  sessionSchema,
} from './session.js';
import {
  auditEntrySchema,
  createOverrideBodySchema,
  listAuditQuerySchema,
  listOverridesQuerySchema,
  overrideListSchema,
  overrideSchema,
  releaseOverridesBodySchema,
  revokeOverrideBodySchema,
  weightHistoryQuerySchema,
  weightHistorySchema,
  weightsListSchema,
} from './weights.js';

/** Where the admin API lives; every path below is relative to it. */
export const ADMIN_API_PREFIX = '/admin/api';

/** Where the OpenAPI document (`/openapi.json`) and its UI are served. */
export const ADMIN_API_DOCS_PATH = '/admin/api/docs';

/**
 * Paths reserved for modules not in {@link adminEndpoints} yet. None now: `/teams`, `/keys`
 * and `/budgets`, once reserved here, are endpoints.
 */
export const RESERVED_ADMIN_PATHS: readonly string[] = [];

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One endpoint: method, path (`:name` params), who may call it, its inputs and its answer. */
export interface EndpointDefinition {
  readonly method: HttpMethod;
  /** Relative to {@link ADMIN_API_PREFIX}, with `:name` path parameters. */
  readonly path: string;
  readonly access: AccessLevel;
  /** OpenAPI tag, and the README's grouping. */
  readonly tag: string;
  readonly summary: string;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** The success status. */
  readonly status: 200 | 201 | 204;
  readonly response: z.ZodType;
}

const idParams = z.strictObject({ id: z.string().min(1).max(256) });
const nameParams = z.strictObject({ name: z.string().min(1).max(256) });
const routeParams = z.strictObject({ route: z.string().min(1).max(256) });
const requestIdParams = z.strictObject({ requestId: z.string().min(1).max(256) });

function endpoint<const E extends EndpointDefinition>(definition: E): E {
  return definition;
}

/** Every endpoint of the admin API. The server registers exactly these; clients call them. */
export const adminEndpoints = {
  login: endpoint({
    method: 'POST',
    path: '/session',
    access: 'public',
    tag: 'session',
    summary: 'Log in with an admin token; sets the HttpOnly session cookie.',
    body: loginBodySchema,
    status: 200,
    response: sessionSchema,
  }),
  whoAmI: endpoint({
    method: 'GET',
    path: '/session',
    access: 'viewer',
    tag: 'session',
    summary: 'The caller: token name, role, how it authenticated.',
    status: 200,
    response: sessionSchema,
  }),
  logout: endpoint({
    method: 'DELETE',
    path: '/session',
    access: 'viewer',
    tag: 'session',
    summary: 'Ends the session and clears the cookie.',
    status: 204,
    response: noContentSchema,
  }),
  listTokens: endpoint({
    method: 'GET',
    path: '/tokens',
    access: 'admin',
    tag: 'tokens',
    summary: 'Admin tokens (prefix, role, name, dates; never the token or its hash).',
    query: listAdminTokensQuerySchema,
    status: 200,
    response: pageSchema(adminTokenSchema),
  }),
  createToken: endpoint({
    method: 'POST',
    path: '/tokens',
    access: 'admin',
    tag: 'tokens',
    summary: 'Creates an admin token; the answer is the only time it is shown.',
    body: createAdminTokenBodySchema,
    status: 201,
    response: createdAdminTokenSchema,
  }),
  revokeToken: endpoint({
    method: 'DELETE',
    path: '/tokens/:id',
    access: 'admin',
    tag: 'tokens',
    summary: 'Revokes an admin token and ends its sessions.',
    params: idParams,
    status: 200,
    response: adminTokenSchema,
  }),

  listProviders: endpoint({
    method: 'GET',
    path: '/providers',
    access: 'viewer',
    tag: 'catalog',
    summary: 'Providers; keys are shown as set/unset only.',
    query: listCatalogQuerySchema,
    status: 200,
    response: pageSchema(providerSchema),
  }),
  getProvider: endpoint({
    method: 'GET',
    path: '/providers/:id',
    access: 'viewer',
    tag: 'catalog',
    summary: 'One provider.',
    params: idParams,
    status: 200,
    response: providerSchema,
  }),
  createProvider: endpoint({
    method: 'POST',
    path: '/providers',
    access: 'admin',
    tag: 'catalog',
    summary: 'Creates a provider (apiKey is stored encrypted, never returned).',
    body: createProviderBodySchema,
    status: 201,
    response: providerSchema,
  }),
  updateProvider: endpoint({
    method: 'PATCH',
    path: '/providers/:id',
    access: 'admin',
    tag: 'catalog',
    summary: 'Updates a provider; `enabled: false` disables it; `apiKey: null` clears the key.',
    params: idParams,
    body: updateProviderBodySchema,
    status: 200,
    response: providerSchema,
  }),
  listDeployments: endpoint({
    method: 'GET',
    path: '/deployments',
    access: 'viewer',
    tag: 'catalog',
    summary: 'Deployments (a model at a provider, with prices and timeouts).',
    query: listCatalogQuerySchema,
    status: 200,
    response: pageSchema(deploymentSchema),
  }),
  getDeployment: endpoint({
    method: 'GET',
    path: '/deployments/:id',
    access: 'viewer',
    tag: 'catalog',
    summary: 'One deployment (ids with a slash are sent URL-encoded: openai%2Fgpt-4o).',
    params: idParams,
    status: 200,
    response: deploymentSchema,
  }),
  createDeployment: endpoint({
    method: 'POST',
    path: '/deployments',
    access: 'admin',
    tag: 'catalog',
    summary: 'Creates a deployment of an existing provider.',
    body: createDeploymentBodySchema,
    status: 201,
    response: deploymentSchema,
  }),
  updateDeployment: endpoint({
    method: 'PATCH',
    path: '/deployments/:id',
    access: 'admin',
    tag: 'catalog',
    summary: 'Updates a deployment; `enabled: false` disables it everywhere.',
    params: idParams,
    body: updateDeploymentBodySchema,
    status: 200,
    response: deploymentSchema,
  }),
  listRoutes: endpoint({
    method: 'GET',
    path: '/routes',
    access: 'viewer',
    tag: 'catalog',
    summary: 'Routes with their members, strategy and objective.',
    query: listCatalogQuerySchema,
    status: 200,
    response: pageSchema(routeSchema),
  }),
  getRoute: endpoint({
    method: 'GET',
    path: '/routes/:name',
    access: 'viewer',
    tag: 'catalog',
    summary: 'One route.',
    params: nameParams,
    status: 200,
    response: routeSchema,
  }),
  createRoute: endpoint({
    method: 'POST',
    path: '/routes',
    access: 'admin',
    tag: 'catalog',
    summary: 'Creates a route over existing deployments.',
    body: createRouteBodySchema,
    status: 201,
    response: routeSchema,
  }),
  updateRoute: endpoint({
    method: 'PATCH',
    path: '/routes/:name',
    access: 'admin',
    tag: 'catalog',
    summary: 'Updates a route (`members` replaces the list); `enabled: false` disables it.',
    params: nameParams,
    body: updateRouteBodySchema,
    status: 200,
    response: routeSchema,
  }),

  listWeights: endpoint({
    method: 'GET',
    path: '/weights',
    access: 'viewer',
    tag: 'weights',
    summary: 'Current weights of every route: snapshot, posterior summaries, reasons, overrides.',
    status: 200,
    response: weightsListSchema,
  }),
  weightHistory: endpoint({
    method: 'GET',
    path: '/weights/:route/history',
    access: 'viewer',
    tag: 'weights',
    summary: "A route's weight snapshots over a time range (downsampled to <= 500 points).",
    params: routeParams,
    query: weightHistoryQuerySchema,
    status: 200,
    response: weightHistorySchema,
  }),
  listOverrides: endpoint({
    method: 'GET',
    path: '/overrides',
    access: 'viewer',
    tag: 'overrides',
    summary: 'Overrides in force (or all of them, newest first).',
    query: listOverridesQuerySchema,
    status: 200,
    response: overrideListSchema,
  }),
  createOverride: endpoint({
    method: 'POST',
    path: '/overrides',
    access: 'admin',
    tag: 'overrides',
    summary:
      'Pins a weight, disables a deployment, forces a breaker or freezes a route; every replica applies it within 1 s.',
    body: createOverrideBodySchema,
    status: 201,
    response: overrideSchema,
  }),
  revokeOverride: endpoint({
    method: 'POST',
    path: '/overrides/:id/revoke',
    access: 'admin',
    tag: 'overrides',
    summary: 'Revokes one override.',
    params: idParams,
    body: revokeOverrideBodySchema,
    status: 200,
    response: overrideSchema,
  }),
  releaseOverrides: endpoint({
    method: 'POST',
    path: '/overrides/release',
    access: 'admin',
    tag: 'overrides',
    summary:
      'Revokes the active overrides of a kind on a target: enable a deployment, unfreeze a route, un-force a breaker.',
    body: releaseOverridesBodySchema,
    status: 200,
    response: z.object({ items: z.array(overrideSchema) }),
  }),
  listAudit: endpoint({
    method: 'GET',
    path: '/audit',
    access: 'viewer',
    tag: 'audit',
    summary: 'The audit log, newest first, filtered by actor, action and time.',
    query: listAuditQuerySchema,
    status: 200,
    response: pageSchema(auditEntrySchema),
  }),

  searchCalls: endpoint({
    method: 'GET',
    path: '/calls',
    access: 'viewer',
    tag: 'calls',
    summary: 'Upstream attempts in a time range, by route, deployment, API key and outcome.',
    query: searchCallsQuerySchema,
    status: 200,
    response: callPageSchema,
  }),
  getCall: endpoint({
    method: 'GET',
    path: '/calls/:requestId',
    access: 'viewer',
    tag: 'calls',
    summary: 'Every attempt of one request, and why each deployment was chosen or skipped.',
    params: requestIdParams,
    query: callDetailQuerySchema,
    status: 200,
    response: callDetailSchema,
  }),
  metrics: endpoint({
    method: 'GET',
    path: '/metrics',
    access: 'viewer',
    tag: 'metrics',
    summary:
      'Time series from the rollups (requests, success rate, latency and TTFT quantiles, tokens, cost).',
    query: metricsQuerySchema,
    status: 200,
    response: metricsResponseSchema,
  }),
  live: endpoint({
    method: 'GET',
    path: '/live',
    access: 'viewer',
    tag: 'live',
    summary: 'Circuit breaker state per deployment per replica.',
    status: 200,
    response: liveStateSchema,
  }),

  listTeams: endpoint({
    method: 'GET',
    path: '/teams',
    access: 'viewer',
    tag: 'keys',
    summary: 'Teams (what API keys belong to), by name.',
    status: 200,
    response: pageSchema(teamSchema),
  }),
  createTeam: endpoint({
    method: 'POST',
    path: '/teams',
    access: 'admin',
    tag: 'keys',
    summary: 'Creates a team; names are unique (409 `team_exists`).',
    body: createTeamBodySchema,
    status: 201,
    response: teamSchema,
  }),
  updateTeam: endpoint({
    method: 'PATCH',
    path: '/teams/:id',
    access: 'admin',
    tag: 'keys',
    summary: 'Renames a team.',
    params: idParams,
    body: updateTeamBodySchema,
    status: 200,
    response: teamSchema,
  }),
  listKeys: endpoint({
    method: 'GET',
    path: '/keys',
    access: 'viewer',
    tag: 'keys',
    summary:
      "API keys, newest first, optionally one team's (`teamId`): prefix, limits, state; never the key or its hash.",
    query: listApiKeysQuerySchema,
    status: 200,
    response: pageSchema(apiKeySchema),
  }),
  getKey: endpoint({
    method: 'GET',
    path: '/keys/:id',
    access: 'viewer',
    tag: 'keys',
    summary: 'One API key.',
    params: idParams,
    status: 200,
    response: apiKeySchema,
  }),
  createKey: endpoint({
    method: 'POST',
    path: '/keys',
    access: 'admin',
    tag: 'keys',
    summary:
      'Creates an API key of a team; the answer (`{key, secret}`) is the only time the key is shown.',
    body: createApiKeyBodySchema,
    status: 201,
    response: createdApiKeySchema,
  }),
  updateKey: endpoint({
    method: 'PATCH',
    path: '/keys/:id',
    access: 'admin',
    tag: 'keys',
    summary:
      "Changes a key's name, allowed routes, per-minute limits or expiry (`null` lifts one); 409 `key_revoked` once revoked.",
    params: idParams,
    body: updateApiKeyBodySchema,
    status: 200,
    response: apiKeySchema,
  }),
  revokeKey: endpoint({
    method: 'POST',
    path: '/keys/:id/revoke',
    access: 'admin',
    tag: 'keys',
    summary:
      'Revokes an API key (`{reason}`): refused at once here, on every replica within 1 s. Idempotent: a second revoke returns the first revocation unchanged.',
    params: idParams,
    body: revokeApiKeyBodySchema,
    status: 200,
    response: apiKeySchema,
  }),
  listBudgets: endpoint({
    method: 'GET',
    path: '/budgets',
    access: 'viewer',
    tag: 'budgets',
    summary:
      'Budgets with their status this period: spent, reserved, remaining, burn rate, projection.',
    status: 200,
    response: pageSchema(budgetSchema),
  }),
  getBudget: endpoint({
    method: 'GET',
    path: '/budgets/:id',
    access: 'viewer',
    tag: 'budgets',
    summary: 'One budget with its status.',
    params: idParams,
    status: 200,
    response: budgetSchema,
  }),
  createBudget: endpoint({
    method: 'POST',
    path: '/budgets',
    access: 'admin',
    tag: 'budgets',
    summary: 'Creates a budget (amounts in micro-USD); every replica enforces it within 1 s.',
    body: createBudgetBodySchema,
    status: 201,
    response: budgetSchema,
  }),
  replaceBudget: endpoint({
    method: 'PUT',
    path: '/budgets/:id',
    access: 'admin',
    tag: 'budgets',
    summary: "Replaces a budget's definition (omitted fields take their defaults).",
    params: idParams,
    body: replaceBudgetBodySchema,
    status: 200,
    response: budgetSchema,
  }),
  deleteBudget: endpoint({
    method: 'DELETE',
    path: '/budgets/:id',
    access: 'admin',
    tag: 'budgets',
    summary: 'Deletes a budget and its bookkeeping.',
    params: idParams,
    status: 204,
    response: noContentSchema,
  }),
} as const;

/** The name of an endpoint in {@link adminEndpoints}. */
export type AdminEndpointName = keyof typeof adminEndpoints;
type Def<N extends AdminEndpointName> = (typeof adminEndpoints)[N];
type InputOf<S> = S extends z.ZodType ? z.input<S> : undefined;
type OutputOf<S> = S extends z.ZodType ? z.output<S> : undefined;

/** The JSON an endpoint answers with. */
export type EndpointResponse<N extends AdminEndpointName> = z.output<Def<N>['response']>;
/** What a client sends as the body (before defaults). */
export type EndpointBody<N extends AdminEndpointName> = InputOf<
  Def<N> extends { body: infer B } ? B : undefined
>;
/** The body after validation (defaults applied), as the server sees it. */
export type EndpointParsedBody<N extends AdminEndpointName> = OutputOf<
  Def<N> extends { body: infer B } ? B : undefined
>;
/** What a client sends as the query string (before coercion). */
export type EndpointQuery<N extends AdminEndpointName> = InputOf<
  Def<N> extends { query: infer Q } ? Q : undefined
>;
/** The query after validation, as the server sees it. */
export type EndpointParsedQuery<N extends AdminEndpointName> = OutputOf<
  Def<N> extends { query: infer Q } ? Q : undefined
>;
/** The path parameters. */
export type EndpointParams<N extends AdminEndpointName> = InputOf<
  Def<N> extends { params: infer P } ? P : undefined
>;
/** The path parameters after validation. */
export type EndpointParsedParams<N extends AdminEndpointName> = OutputOf<
  Def<N> extends { params: infer P } ? P : undefined
>;

/** A request ready for `fetch`: method, URL (prefix included) and JSON body. */
export interface AdminRequest {
  readonly method: HttpMethod;
  readonly url: string;
  readonly body: string | undefined;
  readonly headers: Record<string, string>;
}

/**
 * Builds the request for an endpoint: fills `:params` (URL-encoded), appends the query (skipping
 * undefined values) and serialises the body. Writes carry `content-type: application/json`,
 * which the server requires (part of its CSRF defence).
 */
export function adminRequest<N extends AdminEndpointName>(
  name: N,
  input: {
    readonly params?: EndpointParams<N>;
    readonly query?: EndpointQuery<N>;
    readonly body?: EndpointBody<N>;
  } = {},
): AdminRequest {
  const def: EndpointDefinition = adminEndpoints[name];
  const params = (input.params ?? {}) as Record<string, string>;
  let path = def.path.replace(/:([A-Za-z]+)/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`missing path parameter ${key}`);
    return encodeURIComponent(value);
  });
  const query = (input.query ?? {}) as Record<string, unknown>;
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    const text =
      typeof value === 'string'
        ? value
        : typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : Array.isArray(value)
            ? value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(',')
            : JSON.stringify(value);
    search.set(key, text);
  }
  const qs = search.toString();
  if (qs) path += `?${qs}`;
  const hasBody = def.method !== 'GET' && def.method !== 'DELETE';
  return {
    method: def.method,
    url: `${ADMIN_API_PREFIX}${path}`,
    body: hasBody ? JSON.stringify(input.body ?? {}) : undefined,
    headers: hasBody ? { 'content-type': 'application/json' } : {},
  };
}
