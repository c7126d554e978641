import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  adminEndpoints,
  type AdminEndpointName,
  type ApiKey,
  type Budget,
  type CreatedApiKey,
  type EndpointDefinition,
  type Page,
  type Team,
} from '@stilts/admin-contract';
import { createHash, randomUUID } from 'node:crypto';
import {
  startAdminHarness,
  type AdminHarness,
  type AdminResponse,
} from './support/admin-harness.js';
import { eventually } from './support/database-gateway-harness.js';
import { scenarioOf, simCatalog } from './support/sim-fixtures.js';

/** USD per million tokens: with 20 output tokens a call costs ~0.0002 USD (~200 micro-USD). */
const PRICES = { inputPrice: 1, outputPrice: 10 };
const catalog = (sim: Parameters<typeof simCatalog>[0]) =>
  simCatalog(sim, { members: [{ id: 'a', ...PRICES }] });
/** What the audit log names the initial admin token's changes by (`actorOf`). */
const ADMIN_ACTOR = 'initial admin#1';

let h: AdminHarness;
let replica: AdminHarness;
const logLines: string[] = [];
const replicaLogLines: string[] = [];
/** Every `/v1` answer (headers and body), for the secret sweep. */
const v1Texts: string[] = [];
/** Every API-key secret seen; none may appear anywhere but its own create response. */
const secrets: string[] = [];

beforeAll(async () => {
  h = await startAdminHarness({
    scenario: scenarioOf({ a: { outputTokens: 20 } }),
    catalog,
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
  secrets.push(h.apiKey, replica.apiKey);
}, 60_000);

afterAll(async () => {
  await replica?.close();
  await h?.close();
});

/**
 * Checks an answer against the endpoint's response schema in the contract: it must parse, and
 * parsing must drop nothing (no field the contract does not name, such as a hash).
 */
function expectContract<N extends AdminEndpointName>(name: N, response: AdminResponse): void {
  const def: EndpointDefinition = adminEndpoints[name];
  expect(response.status).toBe(def.status);
  expect(def.response.parse(response.body)).toEqual(response.body);
}

/** The body of an admin error answer. */
interface ErrorBody {
  message: string;
  code: string;
  errors?: { path: string; message: string }[];
}

function errorPaths(response: AdminResponse): string[] {
  return ((response.body as ErrorBody).errors ?? []).map((e) => e.path).sort();
}

/** A chat completion on `/v1` with an API key; the answer is kept for the secret sweep. */
async function chat(
  url: string,
  secret: string,
): Promise<{ status: number; code: string | undefined; body: unknown }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({
      model: 'test-route',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 20,
    }),
  });
  const text = await response.text();
  v1Texts.push(text, JSON.stringify([...response.headers]));
  const body: unknown = JSON.parse(text);
  const code = (body as { error?: { code?: string } }).error?.code;
  return { status: response.status, code, body };
}

/**
 * Creates a key through the API and takes its create answer — the one answer allowed to carry
 * the secret — out of the sweep.
 */
async function createKey(body: Record<string, unknown>): Promise<CreatedApiKey> {
  const created = await h.api.request<CreatedApiKey>('POST', '/admin/api/keys', { body });
  expectContract('createKey', created);
  h.bodies.splice(h.bodies.indexOf(created.text), 1);
  secrets.push(created.body.secret);
  return created.body;
}

async function auditOf(
  target: string,
): Promise<{ action: string; actor: string; reason: string | null }[]> {
  return h.sql('SELECT action, actor, reason FROM audit_log WHERE target = $1 ORDER BY id', [
    target,
  ]);
}

async function createTeam(name: string): Promise<Team> {
  const created = await h.api.request<Team>('POST', '/admin/api/teams', { body: { name } });
  expectContract('createTeam', created);
  return created.body;
}

describe('authentication and roles', () => {
  const mine = (Object.entries(adminEndpoints) as [AdminEndpointName, EndpointDefinition][]).filter(
    ([, d]) => /^\/(teams|keys|budgets)\b/.test(d.path),
  );
  const urlOf = (def: EndpointDefinition): string =>
    `/admin/api${def.path.replace(':id', randomUUID())}`;

  it('covers every teams, keys and budgets endpoint', () => {
    expect(mine.map(([n]) => n).sort()).toEqual(
      [
        'listTeams',
        'createTeam',
        'updateTeam',
        'listKeys',
        'getKey',
        'createKey',
        'updateKey',
        'revokeKey',
        'listBudgets',
        'getBudget',
        'createBudget',
        'replaceBudget',
        'deleteBudget',
      ].sort(),
    );
  });

  it.each(mine)('%s answers 401 without credentials and with a bad token', async (_n, def) => {
    for (const token of [null, 'st-admin-not-a-real-token']) {
      const r = await h.api.request(def.method, urlOf(def), {
        token,
        body: def.body ? {} : undefined,
      });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ message: expect.any(String), code: 'unauthenticated' });
    }
  });

  it.each(mine.filter(([, d]) => d.access === 'admin'))(
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

  it.each(mine.filter(([, d]) => d.access === 'viewer' && !d.path.includes(':')))(
    '%s answers a viewer',
    async (name, def) => {
      expectContract(name, await h.api.request(def.method, urlOf(def), { token: h.viewerToken }));
    },
  );
});

describe('teams', () => {
  it('creates, lists and renames a team; duplicates are 409, unknown ids 404', async () => {
    const team = await createTeam('ml');
    expect(team).toEqual({ id: expect.any(String), name: 'ml', createdAt: expect.any(String) });
    const duplicate = await h.api.request('POST', '/admin/api/teams', { body: { name: 'ml' } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ code: 'team_exists' });

    const invalid = await h.api.request('POST', '/admin/api/teams', { body: { name: '  ' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ code: 'validation_failed' });
    expect(errorPaths(invalid)).toEqual(['name']);
    const unknownField = await h.api.request('POST', '/admin/api/teams', {
      body: { name: 'x', budget: 5 },
    });
    expect(unknownField.status).toBe(400);

    const list = await h.api.request<Page<Team>>('GET', '/admin/api/teams', {
      token: h.viewerToken,
    });
    expectContract('listTeams', list);
    expect(list.body.items.map((t) => t.name)).toEqual(['ml', 'test']);
    expect(list.body.nextCursor).toBeNull();

    const renamed = await h.api.request<Team>('PATCH', `/admin/api/teams/${team.id}`, {
      body: { name: 'ml-platform' },
    });
    expectContract('updateTeam', renamed);
    expect(renamed.body).toEqual({ ...team, name: 'ml-platform' });
    const taken = await h.api.request('PATCH', `/admin/api/teams/${team.id}`, {
      body: { name: 'test' },
    });
    expect(taken.status).toBe(409);
    for (const id of [randomUUID(), 'nope']) {
      const missing = await h.api.request('PATCH', `/admin/api/teams/${id}`, {
        body: { name: 'x' },
      });
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ code: 'team_not_found' });
    }
    const badPatch = await h.api.request('PATCH', `/admin/api/teams/${team.id}`, { body: {} });
    expect(errorPaths(badPatch)).toEqual(['name']);

    // One audit row per change, by the admin token's name; none for refused requests.
    expect(await auditOf(team.id)).toEqual([
      { action: 'team.create', actor: ADMIN_ACTOR, reason: null },
      { action: 'team.update', actor: ADMIN_ACTOR, reason: null },
    ]);
  });
});

describe('API keys', () => {
  let team: Team;
  let key: CreatedApiKey;

  beforeAll(async () => {
    team = await createTeam('keys-team');
  });

  it('creates a key: the secret once, a prefix and no hash; the key works on /v1 everywhere', async () => {
    key = await createKey({
      teamId: team.id,
      name: 'ci',
      allowedRoutes: ['test-route'],
      tokensPerMinute: 1_000_000,
    });
    expect(key.secret).toMatch(/^sk-stilts-[0-9A-Za-z]{40}$/);
    expect(key.key).toEqual({
      id: expect.any(String),
      teamId: team.id,
      name: 'ci',
      prefix: key.secret.slice(0, 16),
      allowedRoutes: ['test-route'],
      requestsPerMinute: null,
      tokensPerMinute: 1_000_000,
      expiresAt: null,
      revokedAt: null,
      createdAt: expect.any(String),
      state: 'active',
    });
    expect(await chat(h.url, key.secret)).toMatchObject({ status: 200 });
    expect(await chat(replica.url, key.secret)).toMatchObject({ status: 200 });

    const read = await h.api.request<ApiKey>('GET', `/admin/api/keys/${key.key.id}`, {
      token: h.viewerToken,
    });
    expectContract('getKey', read);
    expect(read.body).toEqual(key.key);
    const [row] = await h.sql<{ hash: string }>('SELECT hash FROM api_keys WHERE id = $1', [
      key.key.id,
    ]);
    expect(row?.hash).toBe(createHash('sha256').update(key.secret).digest('hex'));
    expect(await auditOf(key.key.id)).toEqual([
      { action: 'key.create', actor: ADMIN_ACTOR, reason: null },
    ]);
  });

  it('validates key input with field paths, and 404s unknown keys and teams', async () => {
    const bad = await h.api.request('POST', '/admin/api/keys', {
      body: { teamId: 'nope', name: '', requestsPerMinute: 0, expiresAt: 'tomorrow' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'validation_failed' });
    expect(errorPaths(bad)).toEqual(['expiresAt', 'name', 'requestsPerMinute', 'teamId']);
    const noTeam = await h.api.request('POST', '/admin/api/keys', {
      body: { teamId: randomUUID(), name: 'orphan' },
    });
    expect(noTeam.status).toBe(400);
    expect(errorPaths(noTeam)).toEqual(['teamId']);

    const badPatch = await h.api.request('PATCH', `/admin/api/keys/${key.key.id}`, {
      body: { tokensPerMinute: -1, allowedRoutes: 'all', hash: 'x' },
    });
    expect(badPatch.status).toBe(400);
    expect(errorPaths(badPatch)).toEqual(['', 'allowedRoutes', 'tokensPerMinute']);
    const noReason = await h.api.request('POST', `/admin/api/keys/${key.key.id}/revoke`, {
      body: { reason: 'x' },
    });
    expect(errorPaths(noReason)).toEqual(['reason']);

    for (const id of [randomUUID(), 'nope']) {
      for (const [method, url, body] of [
        ['GET', `/admin/api/keys/${id}`, undefined],
        ['PATCH', `/admin/api/keys/${id}`, { name: 'x' }],
        ['POST', `/admin/api/keys/${id}/revoke`, { reason: 'not there' }],
      ] as const) {
        const r = await h.api.request(method, url, { body });
        expect([method, url, r.status]).toEqual([method, url, 404]);
        expect(r.body).toMatchObject({ code: 'key_not_found' });
      }
    }

    expect(errorPaths(await h.api.request('GET', '/admin/api/keys?teamId=nope'))).toEqual([
      'teamId',
    ]);
    expect(errorPaths(await h.api.request('GET', '/admin/api/keys?limit=0'))).toEqual(['limit']);
    expect(errorPaths(await h.api.request('GET', '/admin/api/keys?cursor=garbage'))).toEqual([
      'cursor',
    ]);
    const unknownTeam = await h.api.request('GET', `/admin/api/keys?teamId=${randomUUID()}`);
    expect(unknownTeam.status).toBe(404);
    expect(unknownTeam.body).toMatchObject({ code: 'team_not_found' });
    // Nothing refused above left an audit row.
    expect((await auditOf(key.key.id)).map((a) => a.action)).toEqual(['key.create']);
  });

  it('changes a key: the gateway applies its new limits and expiry at once', async () => {
    const { key: limited, secret } = await createKey({ teamId: team.id, name: 'limited' });
    const patched = await h.api.request<ApiKey>('PATCH', `/admin/api/keys/${limited.id}`, {
      body: { name: 'limited-1rpm', requestsPerMinute: 1 },
    });
    expectContract('updateKey', patched);
    expect(patched.body).toEqual({ ...limited, name: 'limited-1rpm', requestsPerMinute: 1 });
    expect(await chat(h.url, secret)).toMatchObject({ status: 200 });
    expect(await chat(h.url, secret)).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });

    const expired = await h.api.request<ApiKey>('PATCH', `/admin/api/keys/${limited.id}`, {
      body: { requestsPerMinute: null, expiresAt: new Date(Date.now() - 1_000).toISOString() },
    });
    expect(expired.body).toMatchObject({ state: 'expired', requestsPerMinute: null });
    expect(await chat(h.url, secret)).toMatchObject({ status: 401, code: 'expired_api_key' });
    const renewed = await h.api.request<ApiKey>('PATCH', `/admin/api/keys/${limited.id}`, {
      body: { expiresAt: null },
    });
    expect(renewed.body).toMatchObject({ state: 'active', expiresAt: null });
    expect(await chat(h.url, secret)).toMatchObject({ status: 200 });

    const audit = await auditOf(limited.id);
    expect(audit.map((a) => a.action)).toEqual([
      'key.create',
      'key.update',
      'key.update',
      'key.update',
    ]);
    expect(audit.every((a) => a.actor === ADMIN_ACTOR)).toBe(true);
  });

  it('pages keys newest first, by team, without duplicates or gaps', async () => {
    for (const name of ['p1', 'p2', 'p3']) await createKey({ teamId: team.id, name });
    const seen: ApiKey[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: AdminResponse<Page<ApiKey>> = await h.api.request(
        'GET',
        `/admin/api/keys?teamId=${team.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: h.viewerToken },
      );
      expectContract('listKeys', page);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    const [count] = await h.sql<{ n: number }>(
      'SELECT count(*)::int AS n FROM api_keys WHERE team_id = $1',
      [team.id],
    );
    expect(count?.n).toBe(5);
    expect(seen).toHaveLength(5);
    expect(pages).toBe(3);
    expect(new Set(seen.map((k) => k.id)).size).toBe(5);
    expect(seen.every((k) => k.teamId === team.id)).toBe(true);
    expect(seen.slice(0, 3).map((k) => k.name)).toEqual(['p3', 'p2', 'p1']);
    const created = seen.map((k) => Date.parse(k.createdAt));
    expect([...created].sort((x, y) => y - x)).toEqual(created);

    const all = await h.api.request<Page<ApiKey>>('GET', '/admin/api/keys?limit=200');
    expect(all.body.items.map((k) => k.name)).toEqual(expect.arrayContaining(['harness', 'ci']));
    expect(all.body.nextCursor).toBeNull();
  });

  it('revokes a key through the API: 401 at once here, within 1 s on the other replica', async () => {
    expect(await chat(replica.url, key.secret)).toMatchObject({ status: 200 });
    const revoked = await h.api.request<ApiKey>('POST', `/admin/api/keys/${key.key.id}/revoke`, {
      body: { reason: 'rotating it' },
    });
    const revokedAt = Date.now();
    expectContract('revokeKey', revoked);
    expect(revoked.body).toMatchObject({ state: 'revoked', revokedAt: expect.any(String) });
    expect(await chat(h.url, key.secret)).toMatchObject({ status: 401, code: 'revoked_api_key' });
    await eventually(async () => (await chat(replica.url, key.secret)).status === 401, 1_000);
    expect(Date.now() - revokedAt).toBeLessThanOrEqual(1_000);
    expect(await chat(replica.url, key.secret)).toMatchObject({ code: 'revoked_api_key' });
    expect(await auditOf(key.key.id)).toEqual([
      { action: 'key.create', actor: ADMIN_ACTOR, reason: null },
      { action: 'key.revoke', actor: ADMIN_ACTOR, reason: 'rotating it' },
    ]);

    // A second revocation changes nothing; a revoked key cannot be changed.
    const again = await h.api.request<ApiKey>('POST', `/admin/api/keys/${key.key.id}/revoke`, {
      body: { reason: 'once more' },
    });
    expect(again.status).toBe(200);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
    const patch = await h.api.request('PATCH', `/admin/api/keys/${key.key.id}`, {
      body: { name: 'back' },
    });
    expect(patch.status).toBe(409);
    expect(patch.body).toMatchObject({ code: 'key_revoked' });
    const listed = await h.api.request<Page<ApiKey>>('GET', `/admin/api/keys?teamId=${team.id}`);
    expect(listed.body.items.find((k) => k.id === key.key.id)?.state).toBe('revoked');
  });
});

describe('budgets', () => {
  it('creates, reads, replaces and deletes a budget, with field paths and 404s', async () => {
    const created = await h.api.request<Budget>('POST', '/admin/api/budgets', {
      body: { name: 'monthly', scope: 'global', period: 'month', amountMicroUsd: 100_000_000 },
    });
    expectContract('createBudget', created);
    const now = new Date();
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'monthly',
      scope: 'global',
      scopeRef: null,
      period: 'month',
      amountMicroUsd: 100_000_000,
      action: 'block',
      degradeMaxPricePerMillionMicroUsd: null,
      enabled: true,
      status: {
        periodStart: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString(),
        periodEnd: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString(),
        spentMicroUsd: 0,
        reservedMicroUsd: 0,
        remainingMicroUsd: 100_000_000,
        burnRateMicroUsdPerHour: expect.any(Number),
        // spent + burn rate × time left; global, so the keys tests' traffic counts.
        projectedMicroUsd: expect.any(Number),
      },
    });
    const id = created.body.id;

    const bad = await h.api.request('POST', '/admin/api/budgets', {
      body: { name: '', scope: 'team', period: 'year', amountMicroUsd: '25.00' },
    });
    expect(bad.status).toBe(400);
    expect(errorPaths(bad)).toEqual(['amountMicroUsd', 'name', 'period']);
    const crossed = await h.api.request('POST', '/admin/api/budgets', {
      body: { name: 'x', scope: 'team', period: 'day', amountMicroUsd: 1, action: 'degrade' },
    });
    expect(errorPaths(crossed)).toEqual(['degradeMaxPricePerMillionMicroUsd', 'scopeRef']);
    const noRoute = await h.api.request('POST', '/admin/api/budgets', {
      body: { name: 'x', scope: 'route', scopeRef: 'nope', period: 'day', amountMicroUsd: 1 },
    });
    expect(noRoute.status).toBe(400);
    expect(errorPaths(noRoute)).toEqual(['scopeRef']);

    const read = await h.api.request<Budget>('GET', `/admin/api/budgets/${id}`, {
      token: h.viewerToken,
    });
    expectContract('getBudget', read);
    // The burn rate (and so the projection) moves as the ledger flushes the earlier traffic.
    const { status: createdStatus, ...definition } = created.body;
    expect(read.body).toMatchObject(definition);
    expect(read.body.status).toMatchObject({
      periodStart: createdStatus.periodStart,
      periodEnd: createdStatus.periodEnd,
      spentMicroUsd: 0,
      reservedMicroUsd: 0,
      remainingMicroUsd: 100_000_000,
    });

    const replaced = await h.api.request<Budget>('PUT', `/admin/api/budgets/${id}`, {
      body: {
        name: 'route daily',
        scope: 'route',
        scopeRef: 'test-route',
        period: 'day',
        amountMicroUsd: 5_000_000,
        action: 'degrade',
        degradeMaxPricePerMillionMicroUsd: 0,
        enabled: false,
      },
    });
    expectContract('replaceBudget', replaced);
    expect(replaced.body).toMatchObject({
      id,
      name: 'route daily',
      scope: 'route',
      scopeRef: 'test-route',
      period: 'day',
      amountMicroUsd: 5_000_000,
      action: 'degrade',
      degradeMaxPricePerMillionMicroUsd: 0,
      enabled: false,
    });
    const badPut = await h.api.request('PUT', `/admin/api/budgets/${id}`, {
      body: { name: 'x', scope: 'global', period: 'day', amountMicroUsd: 1.5 },
    });
    expect(errorPaths(badPut)).toEqual(['amountMicroUsd']);

    const list = await h.api.request<Page<Budget>>('GET', '/admin/api/budgets', {
      token: h.viewerToken,
    });
    expectContract('listBudgets', list);
    expect(list.body.items.map((b) => b.id)).toContain(id);

    const deleted = await h.api.request('DELETE', `/admin/api/budgets/${id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    for (const missing of [id, randomUUID(), 'nope']) {
      for (const [method, body] of [
        ['GET', undefined],
        ['DELETE', undefined],
        ['PUT', { name: 'x', scope: 'global', period: 'day', amountMicroUsd: 1 }],
      ] as const) {
        const r = await h.api.request(method, `/admin/api/budgets/${missing}`, { body });
        expect([method, missing, r.status]).toEqual([method, missing, 404]);
        expect(r.body).toMatchObject({ code: 'budget_not_found' });
      }
    }
    expect(await auditOf(id)).toEqual([
      { action: 'budget.create', actor: ADMIN_ACTOR, reason: null },
      { action: 'budget.update', actor: ADMIN_ACTOR, reason: null },
      { action: 'budget.delete', actor: ADMIN_ACTOR, reason: null },
    ]);
  });

  it('blocks a key once a budget created through the API is spent, and its status moves', async () => {
    const team = await createTeam('budget-team');
    const { key, secret } = await createKey({ teamId: team.id, name: 'capped' });
    const amount = 1_000;
    const created = await h.api.request<Budget>('POST', '/admin/api/budgets', {
      body: {
        name: 'capped key',
        scope: 'key',
        scopeRef: key.id,
        period: 'day',
        amountMicroUsd: amount,
      },
    });
    expectContract('createBudget', created);
    const status = async (): Promise<Budget['status']> =>
      (await h.api.request<Budget>('GET', `/admin/api/budgets/${created.body.id}`)).body.status;
    const remaining = [(await status()).remainingMicroUsd];
    expect(remaining[0]).toBe(amount);

    let served = 0;
    let refusal: Awaited<ReturnType<typeof chat>> | undefined;
    for (let i = 0; i < 15 && !refusal; i++) {
      const r = await chat(h.url, secret);
      if (r.status === 200) served++;
      else refusal = r;
      remaining.push((await status()).remainingMicroUsd);
    }
    expect(served).toBeGreaterThan(0);
    expect(refusal).toMatchObject({ status: 429, code: 'budget_exceeded' });
    // Leases only ever take from what is left while traffic runs (none is idle long enough to
    // be given back), so the readings never rise, and they fell.
    for (let i = 1; i < remaining.length; i++) {
      expect(remaining[i]).toBeLessThanOrEqual(remaining[i - 1] as number);
    }
    expect(remaining[remaining.length - 1]).toBeLessThan(amount);

    // Spend follows as the ledger records the calls (burn rate from the minute rollups).
    await eventually(async () => (await status()).spentMicroUsd > 0, 5_000);
    await eventually(() => h.recorder.settled);
    const [ledger] = await h.sql<{ cost: string; largest: string; n: number }>(
      `SELECT coalesce(sum(cost_micro_usd), 0) AS cost, coalesce(max(cost_micro_usd), 0) AS largest,
              count(*)::int AS n
         FROM call_records WHERE api_key_id = $1`,
      [key.id],
    );
    expect(ledger?.n).toBe(served);
    await eventually(async () => (await status()).spentMicroUsd === Number(ledger?.cost), 5_000);
    const final = await status();
    // The hard cap's only slack: one call whose actual cost exceeded its reservation.
    const slack = Number(ledger?.largest);
    expect(final.spentMicroUsd + final.reservedMicroUsd).toBeLessThanOrEqual(amount + slack);
    expect(final.remainingMicroUsd).toBe(
      Math.max(0, amount - final.spentMicroUsd - final.reservedMicroUsd),
    );
    expect(final.burnRateMicroUsdPerHour).toBeGreaterThanOrEqual(final.spentMicroUsd);
    expect(final.projectedMicroUsd).toBeGreaterThanOrEqual(final.spentMicroUsd);
  }, 30_000);
});

describe('the OpenAPI document', () => {
  it('describes the teams, keys and budgets endpoints, generated from the contract', async () => {
    const doc = await h.api.request<{
      openapi: string;
      paths: Record<
        string,
        Record<string, { operationId: string; responses: Record<string, unknown> }>
      >;
    }>('GET', '/admin/api/docs/openapi.json', { token: null });
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    const operations = (path: string): Record<string, string> =>
      Object.fromEntries(
        Object.entries(doc.body.paths[path] ?? {}).map(([method, op]) => [method, op.operationId]),
      );
    expect(operations('/admin/api/teams')).toEqual({ get: 'listTeams', post: 'createTeam' });
    expect(operations('/admin/api/teams/{id}')).toEqual({ patch: 'updateTeam' });
    expect(operations('/admin/api/keys')).toEqual({ get: 'listKeys', post: 'createKey' });
    expect(operations('/admin/api/keys/{id}')).toEqual({ get: 'getKey', patch: 'updateKey' });
    expect(operations('/admin/api/keys/{id}/revoke')).toEqual({ post: 'revokeKey' });
    expect(operations('/admin/api/budgets')).toEqual({ get: 'listBudgets', post: 'createBudget' });
    expect(operations('/admin/api/budgets/{id}')).toEqual({
      get: 'getBudget',
      put: 'replaceBudget',
      delete: 'deleteBudget',
    });
    const remove = doc.body.paths['/admin/api/budgets/{id}']?.delete;
    expect(Object.keys(remove?.responses ?? {}).sort()).toEqual([
      '204',
      '400',
      '401',
      '403',
      '404',
      '500',
    ]);
    const ids = Object.values(doc.body.paths).flatMap((p) =>
      Object.values(p).map((o) => o.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(Object.keys(adminEndpoints).length);
  });
});

describe('secrets', () => {
  it('no API key, nor its SHA-256, appears in any answer but its create answer, nor in a log line', async () => {
    // One more read of every listing, as an admin and as a viewer, and of the audit log.
    for (const url of ['/admin/api/keys?limit=200', '/admin/api/teams', '/admin/api/budgets']) {
      await h.api.request('GET', url);
      await replica.api.request('GET', url, { token: replica.viewerToken });
    }
    await h.api.request('GET', '/admin/api/audit?limit=200');
    await h.api.request('GET', '/admin/api/audit?action=key.*&limit=200');
    expect(secrets.length).toBeGreaterThanOrEqual(7);
    const forms = secrets.flatMap((s) => {
      const digest = createHash('sha256').update(s, 'utf8').digest();
      return [s, s.slice(16), digest.toString('hex'), digest.toString('base64')];
    });
    const haystacks = [...h.bodies, ...replica.bodies, ...v1Texts, ...logLines, ...replicaLogLines];
    expect(h.bodies.length).toBeGreaterThan(50);
    expect(v1Texts.length).toBeGreaterThan(10);
    // Nest's Logger is process-wide: services' lines go to the last app's logger (the replica's).
    const logs = [...logLines, ...replicaLogLines];
    expect(
      logs.filter((l) => /API key sk-stilts-\w{6}… \(.*\) created by initial admin#1/.test(l)),
    ).toHaveLength(secrets.length - 2);
    expect(logs.some((l) => /API key sk-stilts-\w{6}… revoked by initial admin#1/.test(l))).toBe(
      true,
    );
    const leaks = haystacks.flatMap((text) =>
      forms
        .filter((secret) => text.includes(secret))
        .map((secret) => `${secret.slice(0, 12)}… in ${text.slice(0, 200)}`),
    );
    expect(leaks).toEqual([]);
  });
});
