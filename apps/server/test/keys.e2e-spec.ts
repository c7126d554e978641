import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { KeysService } from '../src/modules/keys/keys.service.js';
import {
  eventually,
  startDatabaseGatewayHarness,
  type DatabaseGatewayHarness,
} from './support/database-gateway-harness.js';
import { scenarioOf, simCatalog } from './support/sim-fixtures.js';

const logLines: string[] = [];
const bodies: string[] = [];
const secrets: string[] = [];
let h: DatabaseGatewayHarness;
let replica: DatabaseGatewayHarness;

beforeAll(async () => {
  h = await startDatabaseGatewayHarness({
    scenario: scenarioOf({ a: { outputTokens: 5 } }),
    catalog: (sim) => {
      const base = simCatalog(sim, { members: [{ id: 'a' }] });
      const other = simCatalog(sim, { name: 'other-route', members: [{ id: 'a' }] });
      return { ...base, routes: [...base.routes, ...other.routes] };
    },
    logLines,
  });
  replica = await startDatabaseGatewayHarness({
    scenario: undefined,
    sim: h.sim,
    schema: h.schema,
    catalog: (sim) => {
      const base = simCatalog(sim, { members: [{ id: 'a' }] });
      const other = simCatalog(sim, { name: 'other-route', members: [{ id: 'a' }] });
      return { ...base, routes: [...base.routes, ...other.routes] };
    },
  });
  secrets.push(h.apiKey, replica.apiKey);
});
afterAll(async () => {
  await replica.close();
  await h.close();
});

interface ErrorBody {
  error: { code: string; param: string | null };
}

const errorOf = (body: string): ErrorBody['error'] => (JSON.parse(body) as ErrorBody).error;

async function call(
  url: string,
  authorization: string | undefined,
  model = 'test-route',
): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  const body = await response.text();
  bodies.push(body);
  return { status: response.status, body, headers: response.headers };
}

async function makeKey(
  input: Record<string, unknown> = {},
): Promise<{ id: string; secret: string }> {
  const keys = h.app.get(KeysService);
  const team = (await keys.teams())[0];
  if (!team) throw new Error('no team');
  const { key, secret } = await keys.createKey(
    { teamId: team.id, name: `k${secrets.length}`, ...input },
    'admin',
  );
  secrets.push(secret);
  bodies.push(JSON.stringify(key));
  return { id: key.id, secret };
}

describe('API keys on /v1', () => {
  it.each([
    ['missing', undefined, 'missing_api_key'],
    ['malformed', 'Bearer not-a-stilts-key', 'invalid_api_key'],
    ['not bearer', 'Basic dXNlcjpwYXNz', 'invalid_api_key'],
    ['unknown', `Bearer sk-stilts-${'x'.repeat(40)}`, 'invalid_api_key'],
  ])('answers 401 in the OpenAI shape for a %s key', async (_label, authorization, code) => {
    const r = await call(h.url, authorization);
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body)).toEqual({
      error: { message: expect.any(String), type: 'authentication_error', code, param: null },
    });
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('serves a valid key, and revocation stops it on every replica within a second', async () => {
    const { id, secret } = await makeKey();
    expect((await call(h.url, `Bearer ${secret}`)).status).toBe(200);
    expect((await call(replica.url, `Bearer ${secret}`)).status).toBe(200);
    const revokedAt = Date.now();
    await h.app.get(KeysService).revokeKey(id, 'admin', 'leaked in a log');
    expect((await call(h.url, `Bearer ${secret}`)).status).toBe(401);
    await eventually(
      async () => (await call(replica.url, `Bearer ${secret}`)).status === 401,
      1_000,
    );
    expect(Date.now() - revokedAt).toBeLessThanOrEqual(1_000);
    expect(errorOf((await call(replica.url, `Bearer ${secret}`)).body).code).toBe(
      'revoked_api_key',
    );
  });

  it('refuses an expired key', async () => {
    const { secret } = await makeKey({ expiresAt: new Date(Date.now() + 400).toISOString() });
    expect((await call(h.url, `Bearer ${secret}`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 450));
    const r = await call(h.url, `Bearer ${secret}`);
    expect(r.status).toBe(401);
    expect(errorOf(r.body).code).toBe('expired_api_key');
  });

  it('limits a key to its routes (403) and lists only those', async () => {
    const { secret } = await makeKey({ allowedRoutes: ['other-route'] });
    const r = await call(h.url, `Bearer ${secret}`, 'test-route');
    expect(r.status).toBe(403);
    expect(errorOf(r.body)).toMatchObject({ code: 'model_not_allowed', param: 'model' });
    expect((await call(h.url, `Bearer ${secret}`, 'other-route')).status).toBe(200);
    const models = await fetch(`${h.url}/v1/models`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    const list = (await models.json()) as { data: { id: string }[] };
    expect(list.data.map((m) => m.id)).toEqual(['other-route']);
    expect((await fetch(`${h.url}/v1/models`)).status).toBe(401);
  });

  it('rate-limits requests per minute with 429, Retry-After and x-ratelimit headers', async () => {
    const { secret } = await makeKey({ requestsPerMinute: 3 });
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 4; i++) {
      last = await call(h.url, `Bearer ${secret}`);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(errorOf(last?.body ?? '{}').code).toBe('rate_limit_exceeded');
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last?.headers.get('x-ratelimit-limit-requests')).toBe('3');
    expect(last?.headers.get('x-ratelimit-remaining-requests')).toBe('0');
  });

  it('rate-limits tokens per minute once the used tokens reach the limit', async () => {
    const { secret } = await makeKey({ tokensPerMinute: 10 });
    const first = await call(h.url, `Bearer ${secret}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit-tokens')).toBe('10');
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(h.url, `Bearer ${secret}`)).status);
    expect(statuses).toContain(429);
  });

  it('never writes a key, or its hash, into a log line or a response body', () => {
    expect(logLines.length).toBeGreaterThan(10);
    const needles = secrets.flatMap((s) => [s, createHash('sha256').update(s).digest('hex')]);
    const haystack = [...logLines, ...bodies];
    for (const needle of needles) {
      const leaks = haystack.filter((line) => line.includes(needle));
      expect(leaks).toEqual([]);
    }
  });
});
