import { Controller } from '@nestjs/common';
import type { Deployment, Page, Provider, Route } from '@stilts/admin-contract';
import type { AdminPrincipal } from '../auth/admin-principal.js';
import {
  AdminEndpoint,
  Input,
  Principal,
  type EndpointInput,
} from '../http/admin-endpoint.decorator.js';
import { CatalogAdminService } from './catalog-admin.service.js';

const all = <T>(items: T[]): Page<T> => ({ items, nextCursor: null });

/** Providers, deployments and routes. */
@Controller()
export class CatalogAdminController {
  constructor(private readonly catalog: CatalogAdminService) {}

  @AdminEndpoint('listProviders')
  async listProviders(
    @Input('listProviders') input: EndpointInput<'listProviders'>,
  ): Promise<Page<Provider>> {
    return all(await this.catalog.listProviders(input.query.enabled));
  }

  @AdminEndpoint('getProvider')
  getProvider(@Input('getProvider') input: EndpointInput<'getProvider'>): Promise<Provider> {
    return this.catalog.getProvider(input.params.id);
  }

  @AdminEndpoint('createProvider')
  createProvider(
    @Input('createProvider') input: EndpointInput<'createProvider'>,
    @Principal() principal: AdminPrincipal,
  ): Promise<Provider> {
    return this.catalog.createProvider(input.body, principal);
  }

  @AdminEndpoint('updateProvider')
  updateProvider(
    @Input('updateProvider') input: EndpointInput<'updateProvider'>,
    @Principal() principal: AdminPrincipal,
  ): Promise<Provider> {
    return this.catalog.updateProvider(input.params.id, input.body, principal);
  }

  @AdminEndpoint('listDeployments')
  async listDeployments(
    @Input('listDeployments') input: EndpointInput<'listDeployments'>,
  ): Promise<Page<Deployment>> {
    return all(await this.catalog.listDeployments(input.query.enabled));
  }

  @AdminEndpoint('getDeployment')
  getDeployment(
    @Input('getDeployment') input: EndpointInput<'getDeployment'>,
  ): Promise<Deployment> {
    return this.catalog.getDeployment(input.params.id);
  }

  @AdminEndpoint('createDeployment')
  createDeployment(
    @Input('createDeployment') input: EndpointInput<'createDeployment'>,
    @Principal() principal: AdminPrincipal,
  ): Promise<Deployment> {
    return this.catalog.createDeployment(input.body, principal);
  }

  @AdminEndpoint('updateDeployment')
  updateDeployment(
    @Input('updateDeployment') input: EndpointInput<'updateDeployment'>,
    @Principal() principal: AdminPrincipal,
  ): Promise<Deployment> {
    return this.catalog.updateDeployment(input.params.id, input.body, principal);
  }

  @AdminEndpoint('listRoutes')
  async listRoutes(@Input('listRoutes') input: EndpointInput<'listRoutes'>): Promise<Page<Route>> {
    return all(await this.catalog.listRoutes(input.query.enabled));
  }

  @AdminEndpoint('getRoute')
  getRoute(@Input('getRoute') input: EndpointInput<'getRoute'>): Promise<Route> {
    return this.catalog.getRoute(input.params.name);
  }

  @AdminEndpoint('createRoute')
  createRoute(
    @Input('createRoute') input: EndpointInput<'createRoute'>,
    @Principal() principal: AdminPrincipal,
  ): Promise<Route> {
    return this.catalog.createRoute(input.body, principal);
  }

  @AdminEndpoint('updateRoute')
  updateRoute(
    @Input('updateRoute') input: EndpointInput<'updateRoute'>,
    @Principal() principal: AdminPrincipal,
  ): Promise<Route> {
    return this.catalog.updateRoute(input.params.name, input.body, principal);
  }
}
