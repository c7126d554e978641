import { describe, expect, it } from '@jest/globals';
import { toGeminiParameters, toGeminiSchema } from './gemini-schema.js';

describe('toGeminiSchema', () => {
  it('drops keywords Gemini rejects, at every depth', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'https://example.com/order',
      type: 'object',
      additionalProperties: false,
      properties: {
        items: {
          type: 'array',
          uniqueItems: true,
          items: {
            type: 'object',
            additionalProperties: false,
            properties: { sku: { type: 'string', minLength: 3, examples: ['A-1'] } },
            required: ['sku'],
          },
        },
        quantity: { type: 'integer', exclusiveMinimum: 0, multipleOf: 1, minimum: 1 },
      },
    };
    expect(toGeminiSchema(schema)).toEqual({
      type: 'object',
      properties: {
        items: {
          type: 'array',
          items: {
            type: 'object',
            properties: { sku: { type: 'string', minLength: 3 } },
            required: ['sku'],
          },
        },
        quantity: { type: 'integer', minimum: 1 },
      },
    });
  });

  it('keeps property names that collide with keywords', () => {
    const schema = {
      type: 'object',
      properties: { additionalProperties: { type: 'string' }, $schema: { type: 'number' } },
    };
    expect(toGeminiSchema(schema)).toEqual(schema);
  });

  it('turns nullable type lists and Optional anyOf into nullable', () => {
    expect(toGeminiSchema({ type: ['integer', 'null'] })).toEqual({
      type: 'integer',
      nullable: true,
    });
    expect(
      toGeminiSchema({
        anyOf: [{ type: 'string' }, { type: 'null' }],
        default: null,
        title: 'Name',
      }),
    ).toEqual({ type: 'string', nullable: true, default: null, title: 'Name' });
    expect(toGeminiSchema({ type: ['string', 'number'] })).toEqual({
      anyOf: [{ type: 'string' }, { type: 'number' }],
    });
  });

  it('rewrites oneOf as anyOf and const as a one-value enum', () => {
    expect(toGeminiSchema({ oneOf: [{ type: 'string' }, { type: 'integer' }] })).toEqual({
      anyOf: [{ type: 'string' }, { type: 'integer' }],
    });
    expect(toGeminiSchema({ const: 'fixed' })).toEqual({ type: 'string', enum: ['fixed'] });
  });

  it('inlines local $refs and cuts recursion off', () => {
    const schema = {
      type: 'object',
      properties: {
        home: { $ref: '#/$defs/Address', description: 'Where they live' },
        tree: { $ref: '#/definitions/Node' },
      },
      $defs: {
        Address: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
      definitions: {
        Node: { type: 'object', properties: { child: { $ref: '#/definitions/Node' } } },
      },
    };
    const out = toGeminiSchema(schema);
    expect((out.properties as Record<string, unknown>).home).toEqual({
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      description: 'Where they live',
    });
    let node = (out.properties as Record<string, Record<string, unknown>>).tree;
    let depth = 0;
    while (node?.properties) {
      node = (node.properties as Record<string, Record<string, unknown>>).child;
      depth++;
    }
    expect(depth).toBe(8);
    expect(node).toEqual({ type: 'object' });
    expect(out).not.toHaveProperty('$defs');
  });

  it('keeps only the formats Gemini accepts', () => {
    expect(toGeminiSchema({ type: 'string', format: 'date-time' })).toEqual({
      type: 'string',
      format: 'date-time',
    });
    expect(toGeminiSchema({ type: 'string', format: 'email' })).toEqual({ type: 'string' });
    expect(toGeminiSchema({ type: 'integer', format: 'int64' })).toEqual({
      type: 'integer',
      format: 'int64',
    });
    expect(toGeminiSchema({ type: 'number', format: 'int64' })).toEqual({ type: 'number' });
  });

  it('keeps required names that exist and string enums only', () => {
    expect(
      toGeminiSchema({
        type: 'object',
        properties: {
          a: { type: 'string', enum: ['x', 'y'] },
          b: { type: 'integer', enum: [1, 2] },
        },
        required: ['a', 'ghost'],
      }),
    ).toEqual({
      type: 'object',
      properties: { a: { type: 'string', enum: ['x', 'y'] }, b: { type: 'integer' } },
      required: ['a'],
    });
    expect(toGeminiSchema({ type: 'object', properties: {}, required: ['x'] })).toEqual({
      type: 'object',
    });
  });
});

describe('toGeminiParameters', () => {
  it('leaves out parameters of functions that take none', () => {
    expect(toGeminiParameters(undefined)).toBeUndefined();
    expect(toGeminiParameters({ type: 'object', properties: {} })).toBeUndefined();
    expect(toGeminiParameters({ type: 'object', additionalProperties: false })).toBeUndefined();
    expect(toGeminiParameters({ type: 'object', properties: { q: { type: 'string' } } })).toEqual({
      type: 'object',
      properties: { q: { type: 'string' } },
    });
  });
});
