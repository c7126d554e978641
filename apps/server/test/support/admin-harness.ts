import type { ProviderSim } from '@stilts/provider-sim';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AppConfig } from '../../src/config/app-config.js';
import { AdminAuthService } from '../../src/modules/admin/auth/admin-auth.service.js';
import type { AdminPrincipal } from '../../src/modules/admin/auth/admin-principal.js';
import type { CatalogDefinition } from '../../src/modules/catalog/catalog.types.js';
import {
  startDatabaseGatewayHarness,
  type DatabaseGatewayHarness,
} from './database-gateway-harness.js';

/** One HTTP answer of the admin API, body parsed when it is JSON. */
export interface AdminResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: T;
}

/** Admin API calls over real HTTP, with a bearer token, a cookie, or nothing. */
export interface AdminClient {
  request<T = unknown>(
    method: string,
    url: string,
    options?: {
      body?: unknown;
      token?: string | null;
      cookie?: string;
      headers?: Record<string, string>;
    },
  ): Promise<AdminResponse<T>>;
}

/** A database gateway harness with the admin API's tokens ready. */
export interface AdminHarness extends DatabaseGatewayHarness {
  /** An admin-role token (the initial one). */
  readonly adminToken: string;
  /** A viewer-role token. */
  readonly viewerToken: string;
  readonly api: AdminClient;
  /** Every response body this harness received, for the no-secret sweep. */
  readonly bodies: string[];
}

/** A fake principal for calling services directly in tests. */
export const TEST_PRINCIPAL: AdminPrincipal = {
  tokenId: '0',
  name: 'test',
  role: 'admin',
  prefix: 'st-admin-test',
  via: 'bearer',
  expiresAt: null,
  sessionHash: null,
};

/** Calls over HTTP against `baseUrl`; records every body in `sink`. */
export function adminClient(
  baseUrl: string,
  defaultToken: string | null,
  sink: string[],
): AdminClient {
  return {
    async request<T>(
      method: string,
      url: string,
      options: {
        body?: unknown;
        token?: string | null;
        cookie?: string;
        headers?: Record<string, string>;
      } = {},
    ): Promise<AdminResponse<T>> {
      const headers: Record<string, string> = { ...options.headers };
      const token = options.token === undefined ? defaultToken : options.token;
      if (token) headers.authorization = `Bearer ${token}`;
      if (options.cookie) headers.cookie = options.cookie;
      if (options.body !== undefined && !headers['content-type']) {
        headers['content-type'] = 'application/json';
      }
      const response = await fetch(`${baseUrl}${url}`, {
        method,
        headers,
        body:
          options.body === undefined
            ? undefined
            : typeof options.body === 'string'
              ? options.body
              : JSON.stringify(options.body),
      });
      const text = await response.text();
      sink.push(text);
      let body: unknown = text;
      if ((response.headers.get('content-type') ?? '').includes('json') && text !== '') {
        body = JSON.parse(text);
      }
      return { status: response.status, headers: response.headers, text, body: body as T };
    },
  };
}

/** Starts a gateway on its own schema, creates an admin and a viewer token. */
export async function startAdminHarness(options: {
  scenario?: unknown;
  catalog: (sim: ProviderSim) => CatalogDefinition;
  env?: Record<string, string>;
  schema?: string;
  sim?: ProviderSim;
  dashboardDir?: string;
  logLines?: string[];
}): Promise<AdminHarness> {
  const harness = await startDatabaseGatewayHarness({
    scenario: options.scenario ?? { providers: {} },
    catalog: options.catalog,
    env: { LOG_LEVEL: 'silent', ...options.env },
    ...(options.schema ? { schema: options.schema } : {}),
    ...(options.sim ? { sim: options.sim } : {}),
    ...(options.dashboardDir ? { dashboardDir: options.dashboardDir } : {}),
    ...(options.logLines ? { logLines: options.logLines } : {}),
  });
  const auth = harness.app.get(AdminAuthService);
  const adminToken = (await auth.ensureInitialAdminToken()) ?? (await createToken(auth, 'admin'));
  const viewerToken = await createToken(auth, 'viewer');
  const bodies: string[] = [];
  return {
    ...harness,
    adminToken,
    viewerToken,
    bodies,
    api: adminClient(harness.url, adminToken, bodies),
  };
}

async function createToken(auth: AdminAuthService, role: 'admin' | 'viewer'): Promise<string> {
  const created = await auth.create({ name: `test ${role}`, role }, TEST_PRINCIPAL);
  return created.secret;
}

/** A temporary directory holding a fake dashboard build (index.html and a hashed asset). */
export async function fakeDashboardBuild(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'stilts-admin-dist-'));
  await mkdir(path.join(dir, 'assets'));
  const { writeFile } = await import('node:fs/promises');
  await writeFile(
    path.join(dir, 'index.html'),
    '<!doctype html><div id="root">stilts-dashboard</div>',
  );
  await writeFile(path.join(dir, 'assets', 'index-AbCd1234.js'), 'console.log("dashboard");');
  await writeFile(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export type { AppConfig };
