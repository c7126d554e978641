import { afterEach, describe, expect, it } from '@jest/globals';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { dropSchema } from './support/test-database.js';
import { spawnStilts, type StiltsProcess } from './support/spawn-stilts.js';

/**
 * The built server (`dist/main.js`) exporting spans over OTLP to a collector stand-in on
 * 127.0.0.1, configured only by the standard environment variables.
 */
interface Received {
  readonly path: string;
  readonly contentType: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

interface Collector {
  readonly url: string;
  readonly received: Received[];
  close(): Promise<void>;
}

async function startCollector(): Promise<Collector> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        contentType: req.headers['content-type'] ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      const json = (req.headers['content-type'] ?? '').includes('json');
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let server: StiltsProcess | undefined;
let collector: Collector | undefined;
afterEach(async () => {
  if (server) {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await server.exited;
    await dropSchema(server.databaseUrl, server.schema);
    await rm(server.home, { recursive: true, force: true });
  }
  await collector?.close();
  server = undefined;
  collector = undefined;
});

const TRACE = '0af7651916cd43dd8448eb211c80319c';

async function chat(s: StiltsProcess): Promise<Response> {
  const response = await fetch(`${s.url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${s.apiKey ?? ''}`,
      traceparent: `00-${TRACE}-b7ad6b7169203331-01`,
    },
    body: JSON.stringify({ model: 'chat-default', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.text();
  return response;
}

async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for spans');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface OtlpJson {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: { name: string; traceId: string; kind: number }[] }[];
  }[];
}

describe('OTLP export', () => {
  it('sends spans as OTLP/JSON to OTEL_EXPORTER_OTLP_ENDPOINT, as service "stilts"', async () => {
    collector = await startCollector();
    server = await spawnStilts({
      STILTS_SIMULATOR: 'on',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    const on = await server.waitForLine(/OpenTelemetry tracing on/);
    expect(on).toContain('"serializer":"opentelemetry-sdk"');
    const response = await chat(server);
    expect([200, 429, 503]).toContain(response.status);
    const c = collector;
    await until(() => c.received.length > 0);
    const [first] = c.received;
    expect(first?.path).toBe('/v1/traces');
    expect(first?.contentType).toContain('application/json');
    const spans = c.received.flatMap((r) => {
      const body = JSON.parse(r.body.toString('utf8')) as OtlpJson;
      return body.resourceSpans.flatMap((rs) => {
        const service = rs.resource.attributes.find((a) => a.key === 'service.name');
        return rs.scopeSpans.flatMap((ss) =>
          ss.spans.map((s) => ({ ...s, service: service?.value.stringValue })),
        );
      });
    });
    const request = spans.find((s) => s.name === 'chat chat-default');
    expect(request).toMatchObject({ traceId: TRACE, service: 'stilts' });
    // One child per upstream attempt, in the same trace.
    expect(spans.filter((s) => s.traceId === TRACE).length).toBeGreaterThanOrEqual(2);
  });

  it('defaults to OTLP/protobuf with the OTEL_EXPORTER_OTLP_* settings, and flushes on SIGTERM', async () => {
    collector = await startCollector();
    server = await spawnStilts({
      STILTS_SIMULATOR: 'on',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      // Stilts' own serialiser rides on the SDK's exporter: its settings still apply.
      OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-token=otlp-s3cret',
      // Long enough that only the shutdown flush can deliver the spans.
      OTEL_BSP_SCHEDULE_DELAY: '60000',
    });
    const on = await server.waitForLine(/OpenTelemetry tracing on/);
    expect(on).toContain('"serializer":"stilts"');
    await chat(server);
    expect(collector.received).toHaveLength(0);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const [sent] = collector.received;
    expect(sent?.path).toBe('/v1/traces');
    expect(sent?.contentType).toBe('application/x-protobuf');
    expect(sent?.body.includes(Buffer.from('chat chat-default'))).toBe(true);
    expect(sent?.body.includes(Buffer.from(TRACE, 'hex'))).toBe(true);
    expect(sent?.headers['x-collector-token']).toBe('otlp-s3cret');
    expect(server.lines.some((l) => l.includes('otlp-s3cret'))).toBe(false);
  });

  it('is off without an endpoint', async () => {
    server = await spawnStilts({ STILTS_SIMULATOR: 'on' });
    await chat(server);
    expect(server.lines.some((l) => l.includes('OpenTelemetry'))).toBe(false);
  });
});
