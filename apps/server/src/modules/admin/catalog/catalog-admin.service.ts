import { Inject, Injectable, Logger } from '@nestjs/common';
import type {
  CreateDeploymentBody,
  CreateProviderBody,
  CreateRouteBody,
  Deployment,
  FieldError,
  Provider,
  Route,
  UpdateDeploymentBody,
  UpdateProviderBody,
  UpdateRouteBody,
} from '@stilts/admin-contract';
import type { z } from 'zod';
import type {
  createDeploymentBodySchema,
  createProviderBodySchema,
  createRouteBodySchema,
  updateDeploymentBodySchema,
  updateProviderBodySchema,
  updateRouteBodySchema,
} from '@stilts/admin-contract';
import { DomainError } from '../../../common/errors/domain-error.js';
import type { AppConfig } from '../../../config/app-config.js';
import { APP_CONFIG } from '../../../config/config.tokens.js';
import { CatalogService } from '../../catalog/catalog.service.js';
import type { CatalogDefinition } from '../../catalog/catalog.types.js';
import { CatalogError, ResolvedCatalog } from '../../catalog/resolved-catalog.js';
import { SecretCipher } from '../../catalog/secret-cipher.js';
import { DatabaseService } from '../../database/database.service.js';
import { actorOf, type AdminPrincipal } from '../auth/admin-principal.js';
import {
  CatalogAdminRepository,
  type Columns,
  type DeploymentRow,
  type ProviderRow,
  type RouteRow,
} from './catalog-admin.repository.js';

type Parsed<S extends z.ZodType> = z.output<S>;
// The `Create*Body` / `Update*Body` input types are what clients send; these are after defaults.
type NewProvider = Parsed<typeof createProviderBodySchema>;
type ProviderPatch = Parsed<typeof updateProviderBodySchema>;
type NewDeployment = Parsed<typeof createDeploymentBodySchema>;
type DeploymentPatch = Parsed<typeof updateDeploymentBodySchema>;
type NewRoute = Parsed<typeof createRouteBodySchema>;
type RoutePatch = Parsed<typeof updateRouteBodySchema>;

/** Compile-time check that the parsed types are those of the contract's inputs. */
export type CatalogBodies =
  | CreateProviderBody
  | UpdateProviderBody
  | CreateDeploymentBody
  | UpdateDeploymentBody
  | CreateRouteBody
  | UpdateRouteBody;

/** The catalog secret cipher's injection token. */
export const SECRET_CIPHER = Symbol('SECRET_CIPHER');

const int = (v: string | null): number | null => (v === null ? null : Number(v));

function invalid(errors: FieldError[]): DomainError {
  const first = errors[0];
  return new DomainError(
    400,
    'validation_failed',
    `Invalid body: ${first ? `${first.path}: ${first.message}` : 'invalid'}`,
    errors,
  );
}

/** Names the changed fields for the audit log; a key is only ever "set" or "cleared". */
function changes(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    out[k] = k === 'apiKey' ? (v === null ? 'cleared' : 'set') : v;
  }
  return out;
}

/**
 * Creates, updates and disables providers, deployments and routes for the admin API. A change
 * is validated against the catalog as it would be after it (references, the hot path's own
 * checks), committed with an audit row, then announced on the `catalog` channel so every
 * replica reloads within a second; this replica reloads before answering.
 *
 * Provider keys set here are encrypted (AES-256-GCM) before they reach the repository and are
 * never returned, logged or audited: answers say `{set, source}`.
 */
@Injectable()
export class CatalogAdminService {
  private readonly logger = new Logger('CatalogAdmin');
  private readonly repository: CatalogAdminRepository;

  constructor(
    private readonly database: DatabaseService,
    private readonly catalog: CatalogService,
    @Inject(SECRET_CIPHER) private readonly cipher: SecretCipher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.repository = new CatalogAdminRepository(database.dataSource);
  }

  async listProviders(enabled?: boolean): Promise<Provider[]> {
    return (await this.repository.providers(enabled)).map((r) => this.providerDto(r));
  }

  async getProvider(id: string): Promise<Provider> {
    const row = await this.repository.provider(id);
    if (!row) throw notFound('provider', id);
    return this.providerDto(row);
  }

  async createProvider(body: NewProvider, by: AdminPrincipal): Promise<Provider> {
    const columns: Columns = {
      id: body.id,
      kind: body.kind,
      base_url: body.baseUrl,
      headers: JSON.stringify(body.headers),
      enabled: body.enabled,
      api_key_env: body.apiKeyEnv ?? null,
      api_key_encrypted:
        body.apiKey === undefined ? null : this.cipher.encrypt(body.apiKey, body.id),
    };
    const created = await this.repository.insert(
      'providers',
      columns,
      undefined,
      this.audit(by, 'catalog.provider.create', `provider/${body.id}`, {
        ...body,
        id: undefined,
      }),
      (d) => this.check(d),
    );
    if (!created) throw exists('provider', body.id);
    await this.publish(`provider ${body.id} created`, by);
    return this.getProvider(body.id);
  }

  async updateProvider(id: string, patch: ProviderPatch, by: AdminPrincipal): Promise<Provider> {
    const columns: Columns = {
      kind: patch.kind,
      base_url: patch.baseUrl,
      headers: patch.headers === undefined ? undefined : JSON.stringify(patch.headers),
      enabled: patch.enabled,
      api_key_env: patch.apiKeyEnv,
      api_key_encrypted:
        patch.apiKey === undefined
          ? undefined
          : patch.apiKey === null
            ? null
            : this.cipher.encrypt(patch.apiKey, id),
    };
    const updated = await this.repository.update(
      'providers',
      { column: 'id', value: id },
      columns,
      undefined,
      this.audit(by, 'catalog.provider.update', `provider/${id}`, patch),
      (d) => this.check(d),
    );
    if (!updated) throw notFound('provider', id);
    await this.publish(`provider ${id} updated`, by);
    return this.getProvider(id);
  }

  async listDeployments(enabled?: boolean): Promise<Deployment[]> {
    return (await this.repository.deployments(enabled)).map(deploymentDto);
  }

  async getDeployment(id: string): Promise<Deployment> {
    const row = await this.repository.deployment(id);
    if (!row) throw notFound('deployment', id);
    return deploymentDto(row);
  }

  async createDeployment(body: NewDeployment, by: AdminPrincipal): Promise<Deployment> {
    await this.requireProvider(body.providerId);
    const created = await this.repository.insert(
      'deployments',
      {
        id: body.id,
        provider_id: body.providerId,
        model: body.model,
        input_price_micro_per_million: body.price.inputPerMillionMicroUsd,
        output_price_micro_per_million: body.price.outputPerMillionMicroUsd,
        cached_input_price_micro_per_million: body.price.cachedInputPerMillionMicroUsd ?? null,
        timeout_ms: body.timeoutMs ?? this.config.UPSTREAM_TIMEOUT_MS,
        first_byte_timeout_ms: body.firstByteTimeoutMs ?? this.config.FIRST_BYTE_TIMEOUT_MS,
        enabled: body.enabled,
      },
      undefined,
      this.audit(by, 'catalog.deployment.create', `deployment/${body.id}`, {
        ...body,
        id: undefined,
      }),
      (d) => this.check(d),
    );
    if (!created) throw exists('deployment', body.id);
    await this.publish(`deployment ${body.id} created`, by);
    return this.getDeployment(body.id);
  }

  async updateDeployment(
    id: string,
    patch: DeploymentPatch,
    by: AdminPrincipal,
  ): Promise<Deployment> {
    if (patch.providerId !== undefined) await this.requireProvider(patch.providerId);
    const updated = await this.repository.update(
      'deployments',
      { column: 'id', value: id },
      {
        provider_id: patch.providerId,
        model: patch.model,
        input_price_micro_per_million: patch.price?.inputPerMillionMicroUsd,
        output_price_micro_per_million: patch.price?.outputPerMillionMicroUsd,
        cached_input_price_micro_per_million:
          patch.price === undefined
            ? undefined
            : (patch.price.cachedInputPerMillionMicroUsd ?? null),
        timeout_ms: patch.timeoutMs,
        first_byte_timeout_ms: patch.firstByteTimeoutMs,
        enabled: patch.enabled,
      },
      undefined,
      this.audit(by, 'catalog.deployment.update', `deployment/${id}`, patch),
      (d) => this.check(d),
    );
    if (!updated) throw notFound('deployment', id);
    await this.publish(`deployment ${id} updated`, by);
    return this.getDeployment(id);
  }

  async listRoutes(enabled?: boolean): Promise<Route[]> {
    return (await this.repository.routes(enabled)).map(routeDto);
  }

  async getRoute(name: string): Promise<Route> {
    const row = await this.repository.route(name);
    if (!row) throw notFound('route', name);
    return routeDto(row);
  }

  async createRoute(body: NewRoute, by: AdminPrincipal): Promise<Route> {
    await this.requireDeployments(body.members);
    const created = await this.repository.insert(
      'routes',
      {
        name: body.name,
        description: body.description,
        strategy: body.strategy,
        max_attempts: body.maxAttempts ?? this.config.MAX_ATTEMPTS,
        deadline_ms: body.deadlineMs ?? this.config.REQUEST_DEADLINE_MS,
        objective: JSON.stringify(body.objective),
        enabled: body.enabled,
      },
      body.members,
      this.audit(by, 'catalog.route.create', `route/${body.name}`, { ...body, name: undefined }),
      (d) => this.check(d),
    );
    if (!created) throw exists('route', body.name);
    await this.publish(`route ${body.name} created`, by);
    return this.getRoute(body.name);
  }

  async updateRoute(name: string, patch: RoutePatch, by: AdminPrincipal): Promise<Route> {
    if (patch.members) await this.requireDeployments(patch.members);
    const updated = await this.repository.update(
      'routes',
      { column: 'name', value: name },
      {
        description: patch.description,
        strategy: patch.strategy,
        max_attempts: patch.maxAttempts,
        deadline_ms: patch.deadlineMs,
        objective: patch.objective === undefined ? undefined : JSON.stringify(patch.objective),
        enabled: patch.enabled,
      },
      patch.members,
      this.audit(by, 'catalog.route.update', `route/${name}`, patch),
      (d) => this.check(d),
    );
    if (!updated) throw notFound('route', name);
    await this.publish(`route ${name} updated`, by);
    return this.getRoute(name);
  }

  private async requireProvider(id: string): Promise<void> {
    const found = await this.repository.existing('providers', [id]);
    if (!found.has(id)) throw invalid([{ path: 'providerId', message: `no provider ${id}` }]);
  }

  private async requireDeployments(
    members: readonly { readonly deploymentId: string }[],
  ): Promise<void> {
    const found = await this.repository.existing(
      'deployments',
      members.map((m) => m.deploymentId),
    );
    const errors = members.flatMap((m, i) =>
      found.has(m.deploymentId)
        ? []
        : [{ path: `members[${i}].deploymentId`, message: `no deployment ${m.deploymentId}` }],
    );
    if (errors.length > 0) throw invalid(errors);
  }

  /** The hot path's own validation of the catalog-to-be: what it rejects is never committed. */
  private check(definition: CatalogDefinition): void {
    try {
      new ResolvedCatalog(definition, 0);
    } catch (error) {
      if (!(error instanceof CatalogError)) throw error;
      throw new DomainError(
        400,
        'invalid_catalog',
        `The change would make the catalog invalid: ${error.problems.join('; ')}`,
        error.problems.map((message) => ({ path: '', message })),
      );
    }
  }

  private audit(
    by: AdminPrincipal,
    action: string,
    target: string,
    fields: Readonly<Record<string, unknown>>,
  ) {
    return { actor: actorOf(by), action, target, reason: null, details: changes(fields) };
  }

  /** Tells every replica (NOTIFY) and reloads this one before answering. */
  private async publish(what: string, by: AdminPrincipal): Promise<void> {
    this.logger.log(`${what} by ${actorOf(by)}`);
    await this.database.notify(this.database.channel('catalog'));
    await this.catalog.reload().catch((error: unknown) => {
      this.logger.error(`catalog reload after an admin change failed: ${(error as Error).message}`);
    });
  }

  private providerDto(r: ProviderRow): Provider {
    const resolved = this.catalog.current.provider(r.id);
    return {
      id: r.id,
      kind: r.kind,
      baseUrl: r.base_url,
      headers: r.headers,
      enabled: r.enabled,
      apiKeyEnv: r.api_key_env,
      apiKey: {
        set: resolved?.apiKey !== undefined,
        source: r.has_stored_key ? 'stored' : r.api_key_env !== null ? 'env' : null,
      },
      managedBy: r.managed_by,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    };
  }
}

function deploymentDto(r: DeploymentRow): Deployment {
  return {
    id: r.id,
    providerId: r.provider_id,
    model: r.model,
    price: {
      inputPerMillionMicroUsd: Number(r.input_price_micro_per_million),
      outputPerMillionMicroUsd: Number(r.output_price_micro_per_million),
      cachedInputPerMillionMicroUsd: int(r.cached_input_price_micro_per_million),
    },
    timeoutMs: r.timeout_ms,
    firstByteTimeoutMs: r.first_byte_timeout_ms,
    enabled: r.enabled,
    managedBy: r.managed_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

function routeDto(r: RouteRow): Route {
  return {
    name: r.name,
    description: r.description,
    strategy: r.strategy,
    members: r.members,
    maxAttempts: r.max_attempts,
    deadlineMs: r.deadline_ms,
    objective: r.objective,
    enabled: r.enabled,
    managedBy: r.managed_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

function notFound(thing: string, id: string): DomainError {
  return new DomainError(404, `${thing}_not_found`, `No ${thing} ${id}.`);
}

function exists(thing: string, id: string): DomainError {
  return new DomainError(409, 'already_exists', `A ${thing} ${id} already exists.`);
}
