import { afterEach, describe, expect, it } from '@jest/globals';
import type { Behaviour } from '@stilts/provider-sim';
import { capturingLogger } from './support/database-gateway-harness.js';
import { startGatewayHarness, type GatewayHarness } from './support/gateway-harness.js';
import { scenarioOf, simCatalog } from './support/sim-fixtures.js';

const ROUTE = 'test-route';
const PROVIDER_KEY = 'sk-provider-secret-0042';
const CALLER_KEY = 'sk-caller-secret-0077';
const PROMPT = 'the-launch-code-is-5150';

interface LogLine {
  level: string;
  msg?: string;
  context?: string;
  requestId?: string;
  [field: string]: unknown;
}

let harness: GatewayHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(
  level: string,
  first: Behaviour,
  second: Behaviour = {},
): Promise<{ h: GatewayHarness; lines: string[] }> {
  const lines: string[] = [];
  harness = await startGatewayHarness({
    scenario: scenarioOf({ first, second }),
    catalog: (sim) => {
      const catalog = simCatalog(sim, {
        strategy: 'priority',
        members: [
          { id: 'first', priority: 0 },
          { id: 'second', priority: 1 },
        ],
      });
      return {
        ...catalog,
        providers: catalog.providers.map((p) => ({ ...p, apiKey: PROVIDER_KEY })),
      };
    },
    env: { LOG_LEVEL: level },
    logger: capturingLogger(lines),
  });
  return { h: harness, lines };
}

async function chat(h: GatewayHarness, requestId: string, stream = false): Promise<number> {
  const response = await fetch(`${h.url}/v1/chat/completions?key=${CALLER_KEY}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${CALLER_KEY}`,
      'x-api-key': CALLER_KEY,
      'x-request-id': requestId,
    },
    body: JSON.stringify({ model: ROUTE, messages: [{ role: 'user', content: PROMPT }], stream }),
  });
  await response.text();
  return response.status;
}

function parsed(lines: readonly string[]): LogLine[] {
  return lines.map((l) => JSON.parse(l) as LogLine);
}

/** Log lines are written asynchronously after the response: wait for the one we expect. */
async function waitFor(lines: readonly string[], match: (l: LogLine) => boolean): Promise<LogLine> {
  for (let i = 0; i < 200; i++) {
    const found = parsed(lines).find(match);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no matching log line in:\n${lines.join('\n')}`);
}

describe('access log', () => {
  it('writes one debug line per request with its request id, and no secret', async () => {
    const { h, lines } = await start('debug', {});
    expect(await chat(h, 'req-ok-1')).toBe(200);
    expect(await chat(h, 'req-stream-1', true)).toBe(200);
    const line = await waitFor(lines, (l) => l.requestId === 'req-ok-1');
    expect(line).toMatchObject({
      level: 'debug',
      msg: 'request',
      context: 'Access',
      route: ROUTE,
      deployment: 'first',
      status: 200,
      outcome: 'success',
      attempts: 1,
      stream: false,
    });
    expect(line.durationMs).toEqual(expect.any(Number));
    expect(line.overheadMs).toEqual(expect.any(Number));
    await waitFor(lines, (l) => l.requestId === 'req-stream-1' && l.stream === true);
    // A request refused before the gateway: logged from the HTTP hook, path without query.
    const refused = await fetch(`${h.url}/v1/chat/completions?key=${CALLER_KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-bad-1' },
      body: '{"model":',
    });
    expect(refused.status).toBe(400);
    const rejected = await waitFor(lines, (l) => l.requestId === 'req-bad-1');
    expect(rejected).toMatchObject({ level: 'debug', status: 400, outcome: 'rejected' });
    expect(rejected.path).toBe('/v1/chat/completions');

    const all = lines.join('\n');
    expect(all).not.toContain(PROVIDER_KEY);
    expect(all).not.toContain(CALLER_KEY);
    expect(all).not.toContain(PROMPT);
  });

  it('writes nothing per successful request at info level', async () => {
    const { h, lines } = await start('info', {});
    expect(await chat(h, 'req-quiet-1')).toBe(200);
    expect(await chat(h, 'req-quiet-2')).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(parsed(lines).filter((l) => l.requestId !== undefined)).toEqual([]);
  });
});

describe('warnings and errors', () => {
  it('carry the request id, and no secret', async () => {
    // The first deployment rejects its credentials (401): a warning; the second answers.
    const { h, lines } = await start('info', { outage: { status: 401 } });
    expect(await chat(h, 'req-misconfigured-1')).toBe(200);
    const warning = await waitFor(
      lines,
      (l) =>
        l.level === 'warn' && typeof l.msg === 'string' && l.msg.includes('check its credentials'),
    );
    expect(warning.requestId).toBe('req-misconfigured-1');
    expect(warning.context).toBe('GatewayService');

    // Every deployment fails: the request is logged at warn with its id.
    h.sim.setScenario(
      scenarioOf({ first: { outage: { status: 503 } }, second: { outage: { status: 500 } } }),
    );
    h.health.get('first').breaker.reset();
    expect(await chat(h, 'req-failed-1')).toBe(503);
    const failed = await waitFor(lines, (l) => l.requestId === 'req-failed-1');
    expect(failed).toMatchObject({
      level: 'warn',
      msg: 'request failed',
      status: 503,
      outcome: 'unavailable',
      errorCode: 'all_deployments_failed',
    });

    const all = lines.join('\n');
    expect(all).not.toContain(PROVIDER_KEY);
    expect(all).not.toContain(CALLER_KEY);
    expect(all).not.toContain(PROMPT);
  });
});
