import { AnthropicAdapter } from './anthropic.adapter.js';
import { GeminiAdapter } from './gemini.adapter.js';
import { OpenAiAdapter } from './openai.adapter.js';
import type { ProviderAdapter, ProviderKind } from './provider-adapter.js';

// Adapters are stateless, so one instance of each serves every deployment and request.
const ADAPTERS: Readonly<Record<ProviderKind, ProviderAdapter>> = {
  openai: new OpenAiAdapter(),
  anthropic: new AnthropicAdapter(),
  gemini: new GeminiAdapter(),
};

/**
 * The adapter for a provider's wire format; always the same instance for the same kind.
 *
 * @throws Error for a kind Stilts does not speak (the catalog schema should have refused it).
 */
export function adapterFor(kind: ProviderKind): ProviderAdapter {
  const adapter = ADAPTERS[kind] as ProviderAdapter | undefined;
  if (!adapter) throw new Error(`No provider adapter for kind "${String(kind)}"`);
  return adapter;
}
