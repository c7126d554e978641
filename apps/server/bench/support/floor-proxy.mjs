// The floor for a gateway's overhead: the cheapest Node HTTP proxy on this machine. A plain
// node:http server that pipes each request to one upstream origin through a keep-alive
// node:http Agent and pipes the answer back: no parsing, no routing, no auth, no logging.
// Whatever a gateway costs beyond this is its own work.
//
// Run as its own process (so its CPU and memory are its own):
//   node floor-proxy.mjs --upstream http://127.0.0.1:<port> [--port 0] [--host 127.0.0.1]
// prints "floor-proxy listening on http://127.0.0.1:<port>"; the path goes upstream unchanged.
// Or from a benchmark: `startFloorProxyProcess({ upstream })`.
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnWithLines } from './child-process.mjs';

const SCRIPT = fileURLToPath(import.meta.url);

/** Starts the proxy in this process; resolves with the `http.Server` once it listens. */
export function startFloorProxy({ upstream, port = 0, host = '127.0.0.1' }) {
  const target = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const server = http.createServer((req, res) => {
    const forward = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host }, () => resolve(server));
  });
}

/**
 * Starts the proxy as a child process in front of `upstream` (an origin on 127.0.0.1) and
 * resolves once it listens: `{ url, pid, stop(), ... }` (see `spawnWithLines`).
 */
export async function startFloorProxyProcess({ upstream, timeoutMs = 10_000 }) {
  const proc = spawnWithLines(process.execPath, [SCRIPT, '--upstream', upstream], {
    env: { PATH: process.env.PATH ?? '' },
    name: 'floor-proxy',
  });
  try {
    const line = await proc.waitForLine(
      (l) => l.startsWith('floor-proxy listening on '),
      timeoutMs,
    );
    return { ...proc, url: /listening on (\S+)/.exec(line)[1] };
  } catch (error) {
    await proc.stop(2_000);
    throw error;
  }
}

if (process.argv[1] === SCRIPT) {
  const { values } = parseArgs({
    options: {
      upstream: { type: 'string' },
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
    },
  });
  if (!values.upstream) {
    process.stderr.write('floor-proxy: --upstream <origin> is required\n');
    process.exit(2);
  }
  const server = await startFloorProxy({
    upstream: values.upstream,
    port: Number(values.port),
    host: values.host,
  });
  const { address, port } = server.address();
  process.stdout.write(`floor-proxy listening on http://${address}:${port}\n`);
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
