import { z } from 'zod';
import { adminErrorSchema } from './common.js';
import { ADMIN_API_PREFIX, adminEndpoints, type EndpointDefinition } from './endpoints.js';

/** A JSON Schema object as zod emits it. */
type JsonSchema = Record<string, unknown>;

/** An OpenAPI 3.1 document (only the parts this builder writes are typed). */
export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: { title: string; version: string; description: string };
  readonly servers: { url: string }[];
  readonly tags: { name: string }[];
  readonly paths: Record<string, Record<string, unknown>>;
  readonly components: {
    readonly schemas: Record<string, JsonSchema>;
    readonly securitySchemes: Record<string, unknown>;
  };
  readonly security: Record<string, string[]>[];
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
  const { $schema: _ignored, ...rest } = out as JsonSchema;
  return rest;
}

const ERROR_REF = { $ref: '#/components/schemas/AdminError' };

function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: ERROR_REF } } };
}

function parameters(def: EndpointDefinition): unknown[] {
  const out: unknown[] = [];
  const add = (schema: z.ZodType | undefined, where: 'path' | 'query'): void => {
    if (!schema) return;
    const json = jsonSchema(schema, 'input');
    const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required ?? []) as string[]);
    for (const [name, property] of Object.entries(properties)) {
      out.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        schema: property,
        ...(typeof property.description === 'string' ? { description: property.description } : {}),
      });
    }
  };
  add(def.params, 'path');
  add(def.query, 'query');
  return out;
}

/**
 * The OpenAPI 3.1 document of the admin API, generated from {@link adminEndpoints} (zod →
 * JSON Schema with `z.toJSONSchema`), so the document and the validation never disagree.
 */
export function buildOpenApiDocument(version = '0.1.0'): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set<string>();
  for (const [name, def] of Object.entries(adminEndpoints) as [string, EndpointDefinition][]) {
    tags.add(def.tag);
    const path = `${ADMIN_API_PREFIX}${def.path}`.replace(/:([A-Za-z]+)/g, '{$1}');
    const responses: Record<string, unknown> = {
      [String(def.status)]:
        def.status === 204
          ? { description: 'No content' }
          : {
              description: 'OK',
              content: { 'application/json': { schema: jsonSchema(def.response, 'output') } },
            },
      '400': errorResponse('Invalid input (`validation_failed` with field paths in `errors`)'),
      '500': errorResponse('Internal error (quote the x-request-id)'),
    };
    if (def.access !== 'public') {
      responses['401'] = errorResponse('No valid session cookie or bearer token');
      responses['403'] = errorResponse(`Requires the ${def.access} role`);
    }
    if (def.path.includes(':')) responses['404'] = errorResponse('Not found');
    const operation: Record<string, unknown> = {
      operationId: name,
      tags: [def.tag],
      summary: def.summary,
      description: `Role: ${def.access}.`,
      parameters: parameters(def),
      responses,
      ...(def.access === 'public' ? { security: [] } : {}),
    };
    if (def.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: jsonSchema(def.body, 'input') } },
      };
    }
    paths[path] = { ...paths[path], [def.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Stilts admin API',
      version,
      description:
        'Authenticate with `POST /admin/api/session` (HttpOnly cookie) or `Authorization: Bearer st-admin-...`. ' +
        'Viewers read; admins write. Errors are `{message, code, errors?}` with an `x-request-id` header. ' +
        'Listings are cursor-paginated: `{items, nextCursor}`.',
    },
    servers: [{ url: '/' }],
    tags: [...tags].map((name) => ({ name })),
    paths,
    components: {
      schemas: { AdminError: jsonSchema(adminErrorSchema, 'output') },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An admin token, st-admin-...' },
        session: { type: 'apiKey', in: 'cookie', name: 'stilts_admin_session' },
      },
    },
    security: [{ bearer: [] }, { session: [] }],
  };
}
