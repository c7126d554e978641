import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { OpenApiDocument } from '@stilts/admin-contract';
import type { FastifyInstance } from 'fastify';

/** The swagger-ui-dist files the UI page loads. */
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

function page(base: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Stilts admin API</title>
  <link rel="stylesheet" href="${base}/swagger-ui.css">
  <link rel="icon" type="image/png" href="${base}/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${base}/swagger-ui-bundle.js"></script>
  <script src="${base}/swagger-ui-standalone-preset.js"></script>
  <script src="${base}/init.js"></script>
</body>
</html>
`;
}

function init(base: string): string {
  return `window.ui = SwaggerUIBundle({
  url: '${base}/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  withCredentials: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
});
`;
}

/**
 * Serves the OpenAPI document (`<base>/openapi.json`) and Swagger UI (`<base>`, assets from
 * the `swagger-ui-dist` package) on the Fastify instance: public, outside the admin guard.
 * The UI loads its script from a file rather than inline, so a strict CSP could be added.
 */
export function registerApiDocs(
  fastify: FastifyInstance,
  base: string,
  document: OpenApiDocument,
): void {
  const dist = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const json = JSON.stringify(document);
  fastify.get(`${base}/openapi.json`, (_request, reply) =>
    reply.type('application/json').header('cache-control', 'no-cache').send(json),
  );
  fastify.get(base, (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page(base)),
  );
  fastify.get(`${base}/init.js`, (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').send(init(base)),
  );
  for (const [file, type] of Object.entries(ASSETS)) {
    fastify.get(`${base}/${file}`, (_request, reply) =>
      reply
        .type(type)
        .header('cache-control', 'public, max-age=86400')
        .send(createReadStream(path.join(dist, file))),
    );
  }
}
