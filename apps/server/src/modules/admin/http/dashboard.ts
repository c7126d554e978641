import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** Vite's content-hashed output (`assets/index-3f2a9c1b.js`): safe to cache forever. */
const HASHED = /^assets\/.+[-.][A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Stilts dashboard not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto">
<h1>The dashboard is not built</h1>
<p>Stilts serves the admin dashboard from <code>apps/admin/dist</code>, which does not exist yet.
Build it with <code>npm run build</code> (or start with <code>npm start</code>, which builds
everything first), then reload this page.</p>
<p>The admin API itself is up: see <a href="/admin/api/docs">/admin/api/docs</a>.</p>
</body></html>
`;

async function fileAt(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function send(reply: FastifyReply, file: string, cache: string): FastifyReply {
  return reply
    .header('cache-control', cache)
    .header('x-content-type-options', 'nosniff')
    .type(TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream')
    .send(createReadStream(file));
}

/**
 * Serves the built dashboard (`dir`, Vite's output) at `/admin`: files as they are (hashed
 * assets with immutable caching, everything else revalidated), any other path without a file
 * extension falls back to `index.html` (client-side routes). `/admin/api/*` never falls through
 * to the dashboard: what the API does not know is a 404 in the admin error shape. Without a
 * build, `/admin` answers 503 with a page that says how to build it.
 */
export function registerDashboard(fastify: FastifyInstance, dir: string): void {
  const root = path.resolve(dir);
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const url = request.url.split('?')[0] ?? '';
    if (url === '/admin/api' || url.startsWith('/admin/api/')) {
      return reply
        .code(404)
        .header('x-request-id', request.id)
        .type('application/json')
        .send(JSON.stringify({ message: 'Not found.', code: 'not_found' }));
    }
    const index = path.join(root, 'index.html');
    if (!(await fileAt(index))) {
      return reply.code(503).header('cache-control', 'no-store').type('text/html').send(NOT_BUILT);
    }
    let relative: string;
    try {
      relative = decodeURIComponent(url.replace(/^\/admin\/?/, ''));
    } catch {
      relative = '';
    }
    const file = path.resolve(root, relative);
    if (relative !== '' && file.startsWith(root + path.sep) && (await fileAt(file))) {
      return send(
        reply,
        file,
        HASHED.test(relative) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    }
    if (path.extname(relative) !== '') {
      return reply.code(404).type('text/plain').send('Not found');
    }
    return send(reply, index, 'no-cache');
  };
  fastify.get('/admin', handler);
  fastify.get('/admin/*', handler);
}
