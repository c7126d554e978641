// A tiny OTLP/HTTP trace receiver for benchmarks: accepts `POST /v1/traces` on 127.0.0.1,
// answers 200 with an empty ExportTraceServiceResponse, and counts what arrived (requests,
// bytes, spans), to show that a traced gateway really exported while it was measured. It
// parses just enough of the payload to count spans: protobuf (the default http/protobuf
// protocol) or JSON (http/json), gzip or not.
import http from 'node:http';
import { gunzipSync } from 'node:zlib';

/** A protobuf varint at `at`: `[value, next offset]` (values beyond 2^53 lose precision). */
function varint(buf, at) {
  let value = 0;
  let scale = 1;
  let i = at;
  for (;;) {
    if (i >= buf.length) throw new Error('truncated varint');
    const byte = buf[i++];
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, i];
    scale *= 128;
  }
}

/** The length-delimited fields numbered `field` in `buf[start, end)`: `[from, to)` ranges. */
function embedded(buf, field, start, end) {
  const found = [];
  let i = start;
  while (i < end) {
    const [tag, next] = varint(buf, i);
    i = next;
    const wire = tag % 8;
    if (wire === 0) i = varint(buf, i)[1];
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else if (wire === 2) {
      const [length, from] = varint(buf, i);
      if (Math.floor(tag / 8) === field) found.push([from, from + length]);
      i = from + length;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return found;
}

/**
 * Spans in an ExportTraceServiceRequest: resource_spans (1) -> scope_spans (2) -> spans (2).
 */
export function countProtobufSpans(buf) {
  let spans = 0;
  for (const [rsFrom, rsTo] of embedded(buf, 1, 0, buf.length)) {
    for (const [ssFrom, ssTo] of embedded(buf, 2, rsFrom, rsTo)) {
      spans += embedded(buf, 2, ssFrom, ssTo).length;
    }
  }
  return spans;
}

function countJsonSpans(text) {
  const body = JSON.parse(text);
  let spans = 0;
  for (const rs of body.resourceSpans ?? []) {
    for (const ss of rs.scopeSpans ?? []) spans += ss.spans?.length ?? 0;
  }
  return spans;
}

/**
 * Starts the sink on 127.0.0.1 and a free port: `{ url, stats, snapshot(), close() }`, `url` being
 * the value for `OTEL_EXPORTER_OTLP_ENDPOINT` and `stats` `{ requests, bytes, spans, errors }`
 * (bytes as received on the wire; `errors`: payloads it could not parse, answered 200 anyway).
 */
export async function startOtlpSink() {
  const stats = { requests: 0, bytes: 0, spans: 0, errors: 0 };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      let payload = Buffer.concat(chunks);
      stats.requests++;
      stats.bytes += payload.length;
      const json = (req.headers['content-type'] ?? '').includes('json');
      try {
        if (req.headers['content-encoding'] === 'gzip') payload = gunzipSync(payload);
        stats.spans += json
          ? countJsonSpans(payload.toString('utf8'))
          : countProtobufSpans(payload);
      } catch {
        stats.errors++;
      }
      if (json) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    /** A copy of the counts so far. */
    snapshot: () => ({ ...stats }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
