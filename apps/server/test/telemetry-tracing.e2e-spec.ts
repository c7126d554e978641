import { afterEach, describe, expect, it } from '@jest/globals';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import type { Behaviour } from '@stilts/provider-sim';
import { startGatewayHarness, type GatewayHarness } from './support/gateway-harness.js';
import { scenarioOf, simCatalog } from './support/sim-fixtures.js';

const ROUTE = 'test-route';
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const SECRET_PROMPT = 'the-launch-code-is-5150';
const PROVIDER_KEY = 'sk-provider-secret-0042';

let harness: GatewayHarness | undefined;
let exporter: InMemorySpanExporter;
let provider: BasicTracerProvider | undefined;
afterEach(async () => {
  await harness?.close();
  await provider?.shutdown();
  harness = undefined;
  provider = undefined;
});

/** A priority route first -> second, traced into an in-memory exporter (unless `traced` is false). */
async function start(
  first: Behaviour,
  options: { traced?: boolean } = {},
): Promise<GatewayHarness> {
  exporter = new InMemorySpanExporter();
  provider =
    options.traced === false
      ? undefined
      : new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  harness = await startGatewayHarness({
    scenario: scenarioOf({ first: { inputTokens: 7, ...first }, second: { inputTokens: 7 } }),
    catalog: (sim) => {
      const catalog = simCatalog(sim, {
        strategy: 'priority',
        members: [
          { id: 'first', priority: 0, model: 'model-one' },
          { id: 'second', priority: 1, model: 'model-two' },
        ],
      });
      return {
        ...catalog,
        providers: catalog.providers.map((p) => ({ ...p, apiKey: PROVIDER_KEY })),
      };
    },
    ...(provider ? { tracerProvider: provider } : {}),
  });
  return harness;
}

async function chat(
  h: GatewayHarness,
  headers: Record<string, string> = {},
  extra: Record<string, unknown> = {},
): Promise<Response> {
  const response = await fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: 'Bearer caller-key-77',
      ...headers,
    },
    body: JSON.stringify({
      model: ROUTE,
      messages: [{ role: 'user', content: SECRET_PROMPT }],
      ...extra,
    }),
  });
  await response.text();
  return response;
}

function byKind(kind: SpanKind): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((s) => s.kind === kind);
}

function upstreamTraceparent(h: GatewayHarness, providerId: string): string[] {
  return h.sim
    .requests(providerId)
    .map((r) => r.headers.traceparent)
    .filter((v): v is string => typeof v === 'string');
}

describe('spans', () => {
  it("make one request span under the caller's trace, with one child per attempt", async () => {
    const h = await start({ outage: { status: 503 } });
    const response = await chat(h, {
      traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`,
      tracestate: 'vendor=abc',
    });
    expect(response.status).toBe(200);

    const [request, ...others] = byKind(SpanKind.SERVER);
    expect(others).toHaveLength(0);
    expect(request).toBeDefined();
    if (!request) return;
    expect(request.spanContext().traceId).toBe(CALLER_TRACE);
    expect(request.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(request.name).toBe(`chat ${ROUTE}`);
    // The request span: the route asked for, who answered, how, at what total cost.
    expect(request.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': ROUTE,
      'stilts.route': ROUTE,
      'stilts.request_id': expect.any(String),
      'stilts.deployment': 'second',
      'stilts.outcome': 'success',
      'stilts.attempts': 2,
      'stilts.cost_micro_usd': 31,
      'http.response.status_code': 200,
    });
    expect(request.status.code).toBe(SpanStatusCode.UNSET);

    const attempts = byKind(SpanKind.CLIENT).sort(
      (a, b) => Number(a.attributes['stilts.attempt']) - Number(b.attributes['stilts.attempt']),
    );
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) {
      expect(attempt.spanContext().traceId).toBe(CALLER_TRACE);
      expect(attempt.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    }
    const [failed, answered] = attempts as [ReadableSpan, ReadableSpan];
    expect(failed.name).toBe('chat model-one');
    expect(failed.attributes).toMatchObject({
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'model-one',
      'stilts.deployment': 'first',
      'stilts.outcome': 'server_error',
      'http.response.status_code': 503,
      'stilts.attempt': 1,
    });
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(answered.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'openai',
      'server.address': '127.0.0.1',
      'gen_ai.request.model': 'model-two',
      'gen_ai.response.model': 'model-two',
      'gen_ai.usage.input_tokens': 7,
      'gen_ai.usage.output_tokens': 12,
      'stilts.deployment': 'second',
      'stilts.outcome': 'success',
      'stilts.cost_micro_usd': 31,
      'stilts.propensity': 1,
      'stilts.attempt': 2,
    });
    expect(answered.status.code).toBe(SpanStatusCode.UNSET);

    // Each upstream received its own attempt span as parent, in the caller's trace.
    expect(upstreamTraceparent(h, 'p-first')).toEqual([
      `00-${CALLER_TRACE}-${failed.spanContext().spanId}-01`,
    ]);
    expect(upstreamTraceparent(h, 'p-second')).toEqual([
      `00-${CALLER_TRACE}-${answered.spanContext().spanId}-01`,
    ]);
    expect(h.sim.requests('p-second')[0]?.headers.tracestate).toBe('vendor=abc');
  });

  it('start a new trace when the caller sent none (or an invalid one)', async () => {
    const h = await start({});
    await chat(h, { traceparent: 'not-a-trace-context' });
    const [request] = byKind(SpanKind.SERVER);
    const [attempt] = byKind(SpanKind.CLIENT);
    expect(request?.parentSpanContext).toBeUndefined();
    const traceId = request?.spanContext().traceId ?? '';
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(upstreamTraceparent(h, 'p-first')).toEqual([
      `00-${traceId}-${attempt?.spanContext().spanId ?? ''}-01`,
    ]);
  });

  it("honour a caller's decision not to sample: no spans, the context still goes upstream", async () => {
    const h = await start({});
    await chat(h, { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-00` });
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    const [sent] = upstreamTraceparent(h, 'p-first');
    expect(sent).toMatch(new RegExp(`^00-${CALLER_TRACE}-[0-9a-f]{16}-00$`));
  });

  it('record the time to first token of a stream', async () => {
    const h = await start({});
    const response = await chat(h, {}, { stream: true });
    expect(response.status).toBe(200);
    const [request] = byKind(SpanKind.SERVER);
    const [attempt] = byKind(SpanKind.CLIENT);
    expect(request?.attributes['stilts.stream']).toBe(true);
    expect(attempt?.attributes['stilts.ttft_ms']).toEqual(expect.any(Number));
    expect(attempt?.attributes['stilts.outcome']).toBe('success');
  });

  it('mark a request every deployment failed as an error', async () => {
    const h = await start({ outage: { status: 503 } });
    h.sim.setScenario(
      scenarioOf({ first: { outage: { status: 503 } }, second: { outage: { status: 500 } } }),
    );
    const response = await chat(h);
    expect(response.status).toBe(503);
    const [request] = byKind(SpanKind.SERVER);
    expect(request?.status.code).toBe(SpanStatusCode.ERROR);
    expect(request?.attributes).toMatchObject({
      'stilts.outcome': 'unavailable',
      'error.type': 'all_deployments_failed',
      'http.response.status_code': 503,
    });
    expect(request?.attributes['stilts.deployment']).toBeUndefined();
  });

  it('never carry the prompt, the answer or a credential', async () => {
    const h = await start({ outage: { status: 401 } });
    await chat(h);
    const spans = exporter.getFinishedSpans();
    expect(spans.length).toBeGreaterThan(0);
    const text = JSON.stringify(
      spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })),
    );
    expect(text).not.toContain(SECRET_PROMPT);
    expect(text).not.toContain(PROVIDER_KEY);
    expect(text).not.toContain('caller-key-77');
    // The answer's text comes from the simulator; none of it is in a span.
    expect(
      spans.every((s) => Object.keys(s.attributes).every((k) => !/content|message|prompt/.test(k))),
    ).toBe(true);
  });
});

describe('without tracing', () => {
  it('forwards a valid caller trace context unchanged, and nothing else', async () => {
    const h = await start({}, { traced: false });
    const traceparent = `00-${CALLER_TRACE}-${CALLER_SPAN}-01`;
    await chat(h, { traceparent, tracestate: 'vendor=abc' });
    await chat(h);
    await chat(h, { traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' });
    const sent = h.sim
      .requests('p-first')
      .map((r) => [r.headers.traceparent, r.headers.tracestate]);
    expect(sent).toEqual([
      [traceparent, 'vendor=abc'],
      [undefined, undefined],
      [undefined, undefined],
    ]);
  });
});
