import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { adminEndpoints, type EndpointDefinition } from '@stilts/admin-contract';
import { createHash } from 'node:crypto';
import { AdminAuthService } from '../src/modules/admin/auth/admin-auth.service.js';
import { LiveService } from '../src/modules/admin/live/live.service.js';
import { CatalogService } from '../src/modules/catalog/catalog.service.js';
import { RoutePlanner } from '../src/modules/gateway/route-planner.js';
import {
  adminClient,
  fakeDashboardBuild,
  startAdminHarness,
  type AdminHarness,
} from './support/admin-harness.js';
import { eventually } from './support/database-gateway-harness.js';
import { scenarioOf, simCatalog } from './support/sim-fixtures.js';

const PROVIDER_KEY = 'sk-live-provider-secret-0123456789abcdef';
const catalog = (sim: Parameters<typeof simCatalog>[0]) =>
  simCatalog(sim, { members: [{ id: 'a' }, { id: 'b' }] });

let h: AdminHarness;
let replica: AdminHarness;
let dashboard: Awaited<ReturnType<typeof fakeDashboardBuild>>;
const logLines: string[] = [];
const replicaLogLines: string[] = [];
/** Every secret a response or a log line must never contain. */
const secrets: string[] = [];

function sha256Forms(value: string): string[] {
  const digest = createHash('sha256').update(value, 'utf8').digest();
  return [digest.toString('hex'), digest.toString('base64'), `\\x${digest.toString('hex')}`];
}

beforeAll(async () => {
  dashboard = await fakeDashboardBuild();
  h = await startAdminHarness({
    scenario: scenarioOf({ a: {}, b: {}, c: {} }),
    catalog,
    dashboardDir: dashboard.dir,
    logLines,
    env: { REPLICA_ID: 'replica-1' },
  });
  replica = await startAdminHarness({
    sim: h.sim,
    schema: h.schema,
    catalog,
    logLines: replicaLogLines,
    env: { REPLICA_ID: 'replica-2' },
  });
  secrets.push(h.adminToken, h.viewerToken, replica.viewerToken, PROVIDER_KEY);
}, 60_000);

afterAll(async () => {
  await replica?.close();
  await h?.close();
  await dashboard?.remove();
});

/** A concrete URL for an endpoint (path parameters filled with plausible values). */
function urlOf(def: EndpointDefinition): string {
  const path = def.path
    .replace(':id', '1')
    .replace(':name', 'test-route')
    .replace(':route', 'test-route')
    .replace(':requestId', 'r1');
  return `/admin/api${path}`;
}

describe('authentication and roles', () => {
  const guarded = Object.entries(adminEndpoints).filter(([, d]) => d.access !== 'public') as [
    string,
    EndpointDefinition,
  ][];

  it.each(guarded)('%s answers 401 without credentials, and with a bad token', async (_n, def) => {
    const anonymous = await h.api.request(def.method, urlOf(def), {
      token: null,
      body: def.body ? {} : undefined,
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ message: expect.any(String), code: 'unauthenticated' });
    expect(anonymous.headers.get('x-request-id')).toBeTruthy();
    const bad = await h.api.request(def.method, urlOf(def), {
      token: 'st-admin-not-a-real-token',
      body: def.body ? {} : undefined,
    });
    expect(bad.status).toBe(401);
  });

  it.each(guarded.filter(([, d]) => d.access === 'admin'))(
    '%s answers 403 to a viewer',
    async (_n, def) => {
      const r = await h.api.request(def.method, urlOf(def), {
        token: h.viewerToken,
        body: def.body ? {} : undefined,
      });
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({ code: 'forbidden' });
    },
  );

  it('lets a viewer read', async () => {
    const r = await h.api.request('GET', '/admin/api/providers', { token: h.viewerToken });
    expect(r.status).toBe(200);
  });

  it('logs in with a token: an HttpOnly, SameSite=Strict cookie on /admin that authenticates', async () => {
    const login = await h.api.request('POST', '/admin/api/session', {
      token: null,
      body: { token: h.viewerToken },
    });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ role: 'viewer', via: 'cookie', name: 'test viewer' });
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^stilts_admin_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\/admin/);
    expect(setCookie).not.toMatch(/Secure/); // plain http here; Secure when https
    const cookie = setCookie.split(';')[0] as string;
    secrets.push(cookie.split('=')[1] as string);

    const me = await h.api.request('GET', '/admin/api/session', { token: null, cookie });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ role: 'viewer', via: 'cookie' });
    // Cross-site requests with the cookie are refused.
    const cross = await h.api.request('GET', '/admin/api/session', {
      token: null,
      cookie,
      headers: { origin: 'https://evil.example' },
    });
    expect(cross.status).toBe(403);
    // The viewer's cookie does not allow writes.
    const write = await h.api.request('POST', '/admin/api/overrides', {
      token: null,
      cookie,
      body: {},
    });
    expect(write.status).toBe(403);

    const logout = await h.api.request('DELETE', '/admin/api/session', { token: null, cookie });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toMatch(/stilts_admin_session=;/);
    const after = await h.api.request('GET', '/admin/api/session', { token: null, cookie });
    expect(after.status).toBe(401);
  });

  it('refuses a bad login with 401 and an invalid one with 400', async () => {
    const wrong = await h.api.request('POST', '/admin/api/session', {
      token: null,
      body: { token: 'st-admin-wrong' },
    });
    expect(wrong.status).toBe(401);
    const invalid = await h.api.request('POST', '/admin/api/session', { token: null, body: {} });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'token', message: expect.any(String) }],
    });
  });

  it('requires JSON on writes (CSRF baseline): 415 for a form post', async () => {
    const r = await h.api.request('POST', '/admin/api/session', {
      token: null,
      body: 'token=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(r.status).toBe(415);
    const noType = await h.api.request('POST', '/admin/api/overrides/release', {
      body: '{}',
      headers: { 'content-type': 'text/plain' },
    });
    expect(noType.status).toBe(415);
  });

  it('creates a token (shown once), lists it without secrets, revokes it', async () => {
    const created = await h.api.request<{ token: { id: string; prefix: string }; secret: string }>(
      'POST',
      '/admin/api/tokens',
      { body: { name: 'ci', role: 'viewer' } },
    );
    expect(created.status).toBe(201);
    const secret = created.body.secret;
    secrets.push(secret);
    // The one answer that may show a token: its creation. Everything else is swept below.
    h.bodies.splice(h.bodies.indexOf(created.text), 1);
    expect(secret).toMatch(/^st-admin-[A-Za-z0-9_-]{43}$/);
    expect(created.body.token.prefix).toBe(secret.slice(0, 13));
    const list = await h.api.request<{ items: { id: string; lastUsedAt: string | null }[] }>(
      'GET',
      '/admin/api/tokens',
    );
    expect(list.body.items.map((t) => t.id)).toContain(created.body.token.id);
    expect(list.text).not.toContain(secret);
    expect((await h.api.request('GET', '/admin/api/session', { token: secret })).status).toBe(200);
    const revoked = await h.api.request('DELETE', `/admin/api/tokens/${created.body.token.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ revokedAt: expect.any(String) });
    expect((await h.api.request('GET', '/admin/api/session', { token: secret })).status).toBe(401);
    expect(
      (await h.api.request('DELETE', `/admin/api/tokens/${created.body.token.id}`)).status,
    ).toBe(409);
    expect((await h.api.request('DELETE', '/admin/api/tokens/999999')).status).toBe(404);
    const bad = await h.api.request('POST', '/admin/api/tokens', {
      body: { name: '', role: 'root' },
    });
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: { path: string }[] }).errors.map((e) => e.path).sort()).toEqual([
      'name',
      'role',
    ]);
  });

  it('creates the initial admin token only when no active admin token exists', async () => {
    expect(await h.app.get(AdminAuthService).ensureInitialAdminToken()).toBeUndefined();
  });
});

describe('catalog', () => {
  it('creates a provider with a write-only key, stored encrypted, used by the hot path', async () => {
    const created = await h.api.request('POST', '/admin/api/providers', {
      body: {
        id: 'p-new',
        kind: 'openai',
        baseUrl: h.sim.baseUrlFor('p-c', 'openai'),
        apiKey: PROVIDER_KEY,
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'p-new',
      apiKey: { set: true, source: 'stored' },
      managedBy: 'admin',
      enabled: true,
    });
    expect(created.text).not.toContain(PROVIDER_KEY);
    const [row] = await h.sql<{ api_key_encrypted: string }>(
      "SELECT api_key_encrypted FROM providers WHERE id = 'p-new'",
    );
    expect(row?.api_key_encrypted).toMatch(/^v1:/);
    expect(row?.api_key_encrypted).not.toContain(PROVIDER_KEY);
    expect(h.app.get(CatalogService).current.provider('p-new')?.apiKey).toBe(PROVIDER_KEY);
    // The other replica reloads (NOTIFY) and decrypts with the same key file? It has its own
    // STILTS_HOME, so it cannot: the key shows as unset there rather than leaking or crashing.
    await eventually(
      () => replica.app.get(CatalogService).current.provider('p-new') !== undefined,
      2_000,
    );
    const duplicate = await h.api.request('POST', '/admin/api/providers', {
      body: { id: 'p-new', kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1' },
    });
    expect(duplicate.status).toBe(409);
    const credentialHeader = await h.api.request('POST', '/admin/api/providers', {
      body: {
        id: 'p-bad',
        kind: 'openai',
        baseUrl: 'ftp://x',
        headers: { Authorization: 'Bearer x' },
      },
    });
    expect(credentialHeader.status).toBe(400);
    expect(
      (credentialHeader.body as { errors: { path: string }[] }).errors.map((e) => e.path).sort(),
    ).toEqual(['baseUrl', 'headers.Authorization']);
  });

  it('updates a provider: the key can be replaced or cleared, never read', async () => {
    const cleared = await h.api.request('PATCH', '/admin/api/providers/p-new', {
      body: { apiKey: null, headers: { 'x-team': 'ml' } },
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({
      apiKey: { set: false, source: null },
      headers: { 'x-team': 'ml' },
    });
    const renamed = await h.api.request('PATCH', '/admin/api/providers/p-new', {
      body: { id: 'other' },
    });
    expect(renamed.status).toBe(400);
    expect((await h.api.request('PATCH', '/admin/api/providers/nope', { body: {} })).status).toBe(
      404,
    );
    expect((await h.api.request('GET', '/admin/api/providers/nope')).status).toBe(404);
    const [audit] = await h.sql<{ details: Record<string, unknown> }>(
      "SELECT details FROM audit_log WHERE action = 'catalog.provider.update' ORDER BY id DESC LIMIT 1",
    );
    expect(audit?.details).toMatchObject({ apiKey: 'cleared' });
  });

  it('creates a deployment and a route; every replica serves the new route within a second', async () => {
    const unknownProvider = await h.api.request('POST', '/admin/api/deployments', {
      body: {
        id: 'c',
        providerId: 'nope',
        model: 'm',
        price: { inputPerMillionMicroUsd: 1, outputPerMillionMicroUsd: 2 },
      },
    });
    expect(unknownProvider.status).toBe(400);
    expect(unknownProvider.body).toMatchObject({ errors: [{ path: 'providerId' }] });
    const deployment = await h.api.request('POST', '/admin/api/deployments', {
      body: {
        id: 'sim/c',
        providerId: 'p-new',
        model: 'test-model',
        price: { inputPerMillionMicroUsd: 1_000_000, outputPerMillionMicroUsd: 2_000_000 },
      },
    });
    expect(deployment.status).toBe(201);
    expect(deployment.body).toMatchObject({ id: 'sim/c', timeoutMs: 60_000, managedBy: 'admin' });
    expect((await h.api.request('GET', '/admin/api/deployments/sim%2Fc')).status).toBe(200);

    const unknownMember = await h.api.request('POST', '/admin/api/routes', {
      body: { name: 'new-route', members: [{ deploymentId: 'sim/c' }, { deploymentId: 'nope' }] },
    });
    expect(unknownMember.status).toBe(400);
    expect(unknownMember.body).toMatchObject({ errors: [{ path: 'members[1].deploymentId' }] });
    const route = await h.api.request('POST', '/admin/api/routes', {
      body: {
        name: 'new-route',
        strategy: 'static',
        members: [{ deploymentId: 'sim/c', weight: 2 }],
      },
    });
    expect(route.status).toBe(201);
    expect(route.body).toMatchObject({
      name: 'new-route',
      members: [{ deploymentId: 'sim/c', weight: 2, priority: 0 }],
      managedBy: 'admin',
    });
    await eventually(
      () => replica.app.get(CatalogService).current.route('new-route') !== undefined,
      1_000,
    );
    const answer = await replica.client.chat.completions
      .create({ model: 'new-route', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(answer.response.headers.get('x-stilts-deployment')).toBe('sim/c');
    const invalidPatch = await h.api.request('PATCH', '/admin/api/routes/new-route', {
      body: { members: [], maxAttempts: 0 },
    });
    expect(invalidPatch.status).toBe(400);
    expect(
      (invalidPatch.body as { errors: { path: string }[] }).errors.map((e) => e.path).sort(),
    ).toEqual(['maxAttempts', 'members']);
  });

  it('disables a deployment (enabled:false) and lists by enabled', async () => {
    const r = await h.api.request('PATCH', '/admin/api/deployments/sim%2Fc', {
      body: { enabled: false },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ enabled: false });
    const disabled = await h.api.request<{ items: { id: string }[] }>(
      'GET',
      '/admin/api/deployments?enabled=false',
    );
    expect(disabled.body.items.map((d) => d.id)).toEqual(['sim/c']);
    const route = await h.api.request('PATCH', '/admin/api/routes/new-route', {
      body: { enabled: false },
    });
    expect(route.status).toBe(200);
    expect(h.app.get(CatalogService).current.route('new-route')).toBeUndefined();
  });
});

describe('overrides, weights, audit', () => {
  it('disables a deployment through the API; the other replica stops routing to it within 1 s', async () => {
    const route = () => replica.app.get(CatalogService).current.route('test-route');
    const planner = replica.app.get(RoutePlanner);
    const created = await h.api.request<{ id: string }>('POST', '/admin/api/overrides', {
      body: {
        kind: 'disable_deployment',
        route: 'test-route',
        deploymentId: 'a',
        reason: 'testing it',
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'disable_deployment',
      active: true,
      actor: 'initial admin#1',
    });
    const t0 = Date.now();
    await eventually(() => {
      const r = route();
      return (
        r !== undefined && planner.plan(r).excluded.some((e) => e.reason === 'disabled-by-override')
      );
    }, 1_000);
    expect(Date.now() - t0).toBeLessThan(1_000);
    const weights = await h.api.request<{
      items: {
        route: string;
        deployments: {
          deploymentId: string;
          effectiveWeight: number;
          disabledByOverride: boolean;
        }[];
      }[];
    }>('GET', '/admin/api/weights');
    const a = weights.body.items
      .find((r) => r.route === 'test-route')
      ?.deployments.find((d) => d.deploymentId === 'a');
    expect(a).toMatchObject({ effectiveWeight: 0, disabledByOverride: true });

    const released = await h.api.request<{ items: { id: string; active: boolean }[] }>(
      'POST',
      '/admin/api/overrides/release',
      {
        body: {
          kind: 'disable_deployment',
          route: 'test-route',
          deploymentId: 'a',
          reason: 'done testing',
        },
      },
    );
    expect(released.status).toBe(200);
    expect(released.body.items).toEqual([
      expect.objectContaining({ id: created.body.id, active: false }),
    ]);
    await eventually(() => {
      const r = route();
      return r !== undefined && planner.plan(r).excluded.length === 0;
    }, 1_000);
    const again = await h.api.request('POST', '/admin/api/overrides/release', {
      body: {
        kind: 'disable_deployment',
        route: 'test-route',
        deploymentId: 'a',
        reason: 'done testing',
      },
    });
    expect(again.status).toBe(404);
  });

  it('validates overrides with field paths, 404s unknown targets, revokes by id', async () => {
    const bad = await h.api.request('POST', '/admin/api/overrides', {
      body: { kind: 'pin_weight', route: 'test-route', reason: 'x' },
    });
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: { path: string }[] }).errors.map((e) => e.path).sort()).toEqual([
      'deploymentId',
      'reason',
      'weight',
    ]);
    const unknown = await h.api.request('POST', '/admin/api/overrides', {
      body: { kind: 'freeze_route', route: 'nope', reason: 'testing it' },
    });
    expect(unknown.status).toBe(404);
    const frozen = await h.api.request<{ id: string }>('POST', '/admin/api/overrides', {
      body: {
        kind: 'freeze_route',
        route: 'test-route',
        reason: 'freeze it',
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    expect(frozen.status).toBe(201);
    const revoked = await h.api.request('POST', `/admin/api/overrides/${frozen.body.id}/revoke`, {
      body: { reason: 'thaw it' },
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ active: false, revokedBy: 'initial admin#1' });
    expect(
      (
        await h.api.request('POST', '/admin/api/overrides/999999/revoke', {
          body: { reason: 'nothing' },
        })
      ).status,
    ).toBe(404);
    const all = await h.api.request<{ items: { id: string }[] }>(
      'GET',
      '/admin/api/overrides?status=all',
    );
    expect(all.body.items.length).toBeGreaterThanOrEqual(2);
    const active = await h.api.request<{ items: unknown[] }>('GET', '/admin/api/overrides');
    expect(active.body.items).toEqual([]);
  });

  it('answers the weight history downsampled, and 404 for an unknown route', async () => {
    const now = Date.now();
    await h.sql(
      `INSERT INTO weight_snapshots (route, computed_at, computed_by, weights, lambda, deployments, objective)
       SELECT 'test-route', to_timestamp($1 / 1000.0) - make_interval(secs => i * 15), 'test',
              jsonb_build_object('a', 0.25, 'b', 0.75), 0, '[]', '{}'
         FROM generate_series(1, 2000) AS i`,
      [now],
    );
    const from = new Date(now - 2000 * 15_000 - 60_000).toISOString();
    const to = new Date(now).toISOString();
    const history = await h.api.request<{
      total: number;
      downsampled: boolean;
      points: { weights: Record<string, number> }[];
    }>('GET', `/admin/api/weights/test-route/history?from=${from}&to=${to}&points=100`);
    expect(history.status).toBe(200);
    expect(history.body.total).toBe(2000);
    expect(history.body.downsampled).toBe(true);
    expect(history.body.points.length).toBeLessThanOrEqual(100);
    expect(history.body.points.length).toBeGreaterThan(90);
    expect(history.body.points[0]?.weights).toEqual({ a: 0.25, b: 0.75 });
    expect(
      (await h.api.request('GET', `/admin/api/weights/nope/history?from=${from}&to=${to}`)).status,
    ).toBe(404);
    const reversed = await h.api.request(
      'GET',
      `/admin/api/weights/test-route/history?from=${to}&to=${from}`,
    );
    expect(reversed.status).toBe(400);
    expect(reversed.body).toMatchObject({ errors: [{ path: 'to' }] });
  });

  it('pages through the audit log newest first, filtered by action prefix and actor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: {
        status: number;
        body: { items: { id: string; action: string }[]; nextCursor: string | null };
      } = await h.api.request(
        'GET',
        `/admin/api/audit?action=catalog.*&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((i) => i.id));
      for (const item of page.body.items) expect(item.action.startsWith('catalog.')).toBe(true);
      cursor = page.body.nextCursor;
    } while (cursor);
    const [count] = await h.sql<{ n: string }>(
      "SELECT count(*) AS n FROM audit_log WHERE action LIKE 'catalog.%'",
    );
    expect(seen.length).toBe(Number(count?.n));
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort((x, y) => Number(y) - Number(x))).toEqual(seen);
    const byActor = await h.api.request<{ items: { actor: string }[] }>(
      'GET',
      '/admin/api/audit?actor=stilts',
    );
    expect(byActor.body.items.every((i) => i.actor === 'stilts')).toBe(true);
    expect((await h.api.request('GET', '/admin/api/audit?cursor=garbage')).status).toBe(400);
  });
});

describe('live state, docs, dashboard', () => {
  it('shows each replica breakers, this one from memory, stale ones as stale', async () => {
    await replica.app.get(LiveService).publish();
    await h.sql(
      `INSERT INTO replica_state (replica_id, started_at, heartbeat_at, deployments)
       VALUES ('gone', now() - interval '1 hour', now() - interval '5 minutes', '[]')`,
    );
    const live = await h.api.request<{
      replicas: {
        replicaId: string;
        self: boolean;
        stale: boolean;
        deployments: { deploymentId: string; state: string }[];
      }[];
    }>('GET', '/admin/api/live');
    expect(live.status).toBe(200);
    const byId = new Map(live.body.replicas.map((r) => [r.replicaId, r]));
    expect(byId.get('replica-1')).toMatchObject({ self: true, stale: false });
    expect(byId.get('replica-2')).toMatchObject({ self: false, stale: false });
    expect(byId.get('gone')).toMatchObject({ stale: true });
    expect(byId.get('replica-2')?.deployments.map((d) => d.deploymentId)).toEqual(
      expect.arrayContaining(['a', 'b']),
    );
    // A forced breaker shows up on every replica.
    const forced = await h.api.request<{ id: string }>('POST', '/admin/api/overrides', {
      body: { kind: 'force_breaker_open', deploymentId: 'b', reason: 'drain b' },
    });
    await eventually(async () => {
      await replica.app.get(LiveService).publish();
      const r = await h.api.request<{
        replicas: {
          replicaId: string;
          deployments: { deploymentId: string; forced: string | null; available: boolean }[];
        }[];
      }>('GET', '/admin/api/live');
      return r.body.replicas.every(
        (rep) =>
          rep.replicaId === 'gone' ||
          rep.deployments.some(
            (d) => d.deploymentId === 'b' && d.forced === 'open' && !d.available,
          ),
      );
    }, 2_000);
    await h.api.request('POST', `/admin/api/overrides/${forced.body.id}/revoke`, {
      body: { reason: 'undrain b' },
    });
  });

  it('serves the OpenAPI document and its UI without credentials', async () => {
    const doc = await h.api.request<{ openapi: string; paths: Record<string, unknown> }>(
      'GET',
      '/admin/api/docs/openapi.json',
      { token: null },
    );
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/admin/api/providers/{id}', '/admin/api/metrics']),
    );
    const ui = await h.api.request('GET', '/admin/api/docs', { token: null });
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui-bundle.js');
    const asset = await h.api.request('GET', '/admin/api/docs/swagger-ui-bundle.js', {
      token: null,
    });
    expect(asset.status).toBe(200);
  });

  it('serves the dashboard with SPA fallback and immutable hashed assets; /admin/api never falls through', async () => {
    const index = await h.api.request('GET', '/admin', { token: null });
    expect(index.status).toBe(200);
    expect(index.text).toContain('stilts-dashboard');
    const deep = await h.api.request('GET', '/admin/calls/abc?x=1', { token: null });
    expect(deep.text).toContain('stilts-dashboard');
    expect(deep.headers.get('cache-control')).toBe('no-cache');
    const asset = await h.api.request('GET', '/admin/assets/index-AbCd1234.js', { token: null });
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect((await h.api.request('GET', '/admin/missing.png', { token: null })).status).toBe(404);
    expect(
      (await h.api.request('GET', '/admin/../package.json', { token: null })).text,
    ).not.toContain('"name"');
    const api = await h.api.request('GET', '/admin/api/no-such-thing', { token: null });
    expect(api.status).toBe(404);
    expect(api.body).toEqual({ message: 'Not found.', code: 'not_found' });
    const notBuilt = await replica.api.request('GET', '/admin/', { token: null });
    expect([200, 503]).toContain(notBuilt.status); // depends on whether apps/admin was built
  });
});

describe('secrets', () => {
  it('never appear in a response body or a log line', async () => {
    // One more pass over every readable endpoint, as an admin.
    for (const def of Object.values(adminEndpoints) as EndpointDefinition[]) {
      if (def.method !== 'GET' || def.path.includes(':')) continue;
      await h.api.request('GET', urlOf(def));
    }
    await h.api.request('GET', '/admin/api/providers/p-new');
    const forms = secrets.flatMap((s) => [s, ...sha256Forms(s)]);
    const haystacks = [...h.bodies, ...replica.bodies, ...logLines, ...replicaLogLines];
    expect(h.bodies.length).toBeGreaterThan(50);
    expect(logLines.length).toBeGreaterThan(0);
    const leaks = haystacks.flatMap((text) =>
      forms
        .filter((secret) => text.includes(secret))
        .map((secret) => `${secret.slice(0, 12)}… in ${text.slice(0, 200)}`),
    );
    expect(leaks).toEqual([]);
    // An independent client (no shared sink) reading the audit log sees no key either.
    const sink: string[] = [];
    await adminClient(h.url, h.adminToken, sink).request('GET', '/admin/api/audit?limit=200');
    expect(sink.join('')).not.toContain(PROVIDER_KEY);
  });
});
