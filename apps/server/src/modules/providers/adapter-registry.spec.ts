import { describe, expect, it } from '@jest/globals';
import { adapterFor } from './adapter-registry.js';
import type { ProviderKind } from './provider-adapter.js';

describe('adapterFor', () => {
  it.each<ProviderKind>(['openai', 'anthropic', 'gemini'])('returns one %s adapter', (kind) => {
    const adapter = adapterFor(kind);
    expect(adapter.kind).toBe(kind);
    expect(adapterFor(kind)).toBe(adapter);
  });

  it('refuses an unknown kind', () => {
    expect(() => adapterFor('cohere' as ProviderKind)).toThrow(/cohere/);
  });
});
