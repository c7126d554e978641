import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import {
  eventually,
  startDatabaseGatewayHarness,
  type DatabaseGatewayHarness,
} from './support/database-gateway-harness.js';
import { startGatewayHarness, type GatewayHarness } from './support/gateway-harness.js';
import { scrape } from './support/metrics-scrape.js';
import { scenarioOf, simCatalog } from './support/sim-fixtures.js';

/**
 * `promtool check metrics` (Prometheus' own parser and linter) on real `/metrics` output.
 * promtool ships in Debian's `prometheus` package; `.ci/run` installs it. Without it these
 * tests fail rather than skip, so a CI that lost it cannot pass silently.
 */
function promtool(text: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (result.error) {
    throw new Error(
      `promtool is not available (${result.error.message}). Install it: ` +
        'apt-get install -y --no-install-recommends prometheus (see .ci/run).',
    );
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

const messages = [{ role: 'user' as const, content: 'Say hello' }];

describe('promtool check metrics', () => {
  it('catches a malformed exposition (so a pass below means something)', () => {
    const bad = '# HELP requests Requests.\n# TYPE requests counter\nrequests 1\n';
    const result = promtool(bad);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('_total');
  });

  describe('memory mode, after every kind of request', () => {
    let h: GatewayHarness;
    beforeAll(async () => {
      h = await startGatewayHarness({
        scenario: scenarioOf({ first: { outage: { status: 503 } }, second: {} }),
        catalog: (sim) =>
          simCatalog(sim, {
            strategy: 'priority',
            members: [
              { id: 'first', priority: 0 },
              { id: 'second', priority: 1 },
            ],
          }),
      });
    });
    afterAll(async () => {
      await h.close();
    });

    it('passes', async () => {
      await h.client.chat.completions.create({ model: 'test-route', messages });
      const stream = await h.client.chat.completions.create({
        model: 'test-route',
        messages,
        stream: true,
      });
      for await (const chunk of stream) void chunk;
      const post = (body: string): Promise<Response> =>
        fetch(`${h.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
      await (await post('{')).text();
      await (await post(JSON.stringify({ model: 'nope', messages }))).text();
      await (await fetch(`${h.url}/v1/nowhere`)).text();
      h.health.applyForcedStates(new Map([['first', 'open']]));

      const { text } = await scrape(h.url);
      expect(text).toContain('stilts_requests_total{');
      expect(text).toContain('stilts_gateway_overhead_seconds_bucket{');
      const result = promtool(text);
      expect(result).toEqual({ status: 0, output: '' });
    });
  });

  describe('database mode, with the recorder and weight snapshots', () => {
    let h: DatabaseGatewayHarness;
    beforeAll(async () => {
      h = await startDatabaseGatewayHarness({
        scenario: scenarioOf({ a: {}, b: {} }),
        catalog: (sim) =>
          simCatalog(sim, { strategy: 'adaptive', members: [{ id: 'a' }, { id: 'b' }] }),
      });
    });
    afterAll(async () => {
      await h.close();
    });

    it('passes', async () => {
      await h.client.chat.completions.create({ model: 'test-route', messages });
      await eventually(async () => (await scrape(h.url)).all('stilts_route_lambda').length > 0);
      const s = await scrape(h.url);
      expect(s.value('stilts_recorder_dropped_total')).toBe(0);
      expect(s.all('stilts_recorder_queue_depth')).toHaveLength(1);
      expect(s.all('stilts_recorder_journal_records')).toHaveLength(1);
      expect(s.value('stilts_recorder_enqueued_total')).toBeGreaterThanOrEqual(1);
      expect(s.value('stilts_weight_snapshot_version', { route: 'test-route' })).toBeGreaterThan(0);
      const result = promtool(s.text);
      expect(result).toEqual({ status: 0, output: '' });
    });
  });
});
