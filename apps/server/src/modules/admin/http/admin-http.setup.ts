import fastifyCookie from '@fastify/cookie';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ADMIN_API_DOCS_PATH, buildOpenApiDocument } from '@stilts/admin-contract';
import { registerApiDocs } from './api-docs.js';
import { registerDashboard } from './dashboard.js';

/** Where the built dashboard is, by default: `apps/admin/dist` next to this app. */
export const DEFAULT_DASHBOARD_DIR = new URL('../../../../../admin/dist', import.meta.url).pathname;

/**
 * The HTTP pieces of the admin surface that are not Nest controllers: cookie parsing (for the
 * session cookie), the OpenAPI document and its UI at `/admin/api/docs` (generated from the
 * contract; public), and the dashboard's static files at `/admin`. Call before `app.init()`.
 */
export async function setupAdminHttp(
  app: NestFastifyApplication,
  options: { readonly dashboardDir?: string | undefined } = {},
): Promise<void> {
  await app.register(fastifyCookie);
  const fastify = app.getHttpAdapter().getInstance();
  registerApiDocs(fastify, ADMIN_API_DOCS_PATH, buildOpenApiDocument());
  registerDashboard(fastify, options.dashboardDir ?? DEFAULT_DASHBOARD_DIR);
}
