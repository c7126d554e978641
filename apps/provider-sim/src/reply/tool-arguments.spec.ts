import { describe, expect, it } from '@jest/globals';
import { synthesiseArguments } from './tool-arguments.js';

describe('synthesiseArguments', () => {
  it('fills required properties by type and leaves optional ones out', () => {
    expect(
      synthesiseArguments({
        type: 'object',
        properties: {
          city: { type: 'string' },
          days: { type: 'integer' },
          ratio: { type: 'number' },
          metric: { type: 'boolean' },
          note: { type: 'string' },
        },
        required: ['city', 'days', 'ratio', 'metric'],
      }),
    ).toEqual({ city: 'example', days: 1, ratio: 1, metric: true });
  });

  it('uses the first enum value, recurses into objects and arrays', () => {
    expect(
      synthesiseArguments({
        type: 'object',
        properties: {
          unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
          where: {
            type: 'object',
            properties: { lat: { type: 'number' }, label: { type: 'string' } },
            required: ['lat'],
          },
          tags: { type: 'array', items: { type: 'string' } },
          maybe: { type: ['null', 'integer'] },
        },
        required: ['unit', 'where', 'tags', 'maybe'],
      }),
    ).toEqual({ unit: 'celsius', where: { lat: 1 }, tags: ['example'], maybe: 1 });
  });

  it("reads Gemini's upper-case OpenAPI types", () => {
    expect(
      synthesiseArguments({
        type: 'OBJECT',
        properties: { q: { type: 'STRING' }, n: { type: 'INTEGER' }, b: { type: 'BOOLEAN' } },
        required: ['q', 'n', 'b'],
      }),
    ).toEqual({ q: 'example', n: 1, b: true });
  });

  it('gives {} for a missing schema or one without required properties', () => {
    expect(synthesiseArguments(undefined)).toEqual({});
    expect(synthesiseArguments({ type: 'object', properties: { a: { type: 'string' } } })).toEqual(
      {},
    );
  });

  it('stops at a depth limit instead of looping', () => {
    type Node = { type: string; properties: { next: Node }; required: string[] };
    const node = { type: 'object', required: ['next'] } as unknown as Node;
    node.properties = { next: node };
    const args = synthesiseArguments(node);
    expect(JSON.stringify(args)).toContain('"example"');
  });
});
