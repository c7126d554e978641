import type { IncomingMessage } from 'node:http';
import { anthropicFormat } from '../formats/anthropic.format.js';
import { geminiFormat } from '../formats/gemini.format.js';
import { openAiFormat } from '../formats/openai.format.js';
import type { WireFormat } from '../formats/wire-format.js';

/** Where a provider-relative path leads. */
export type Route =
  | { kind: 'chat'; format: WireFormat; pathModel?: string; geminiStream?: boolean }
  | { kind: 'models'; format: WireFormat }
  | { kind: 'unknown'; format: WireFormat };

const GEMINI_MODELS_PREFIX = '/v1beta/models/';

/** Maps `rest` (the path after `/{providerId}`) to a route. */
export function routeOf(method: string, rest: string, req: IncomingMessage): Route {
  if (method === 'POST') {
    if (rest === '/v1/chat/completions') return { kind: 'chat', format: openAiFormat };
    if (rest === '/v1/messages') return { kind: 'chat', format: anthropicFormat };
    if (rest.startsWith(GEMINI_MODELS_PREFIX)) {
      const target = rest.slice(GEMINI_MODELS_PREFIX.length);
      const colon = target.lastIndexOf(':');
      const action = colon === -1 ? '' : target.slice(colon + 1);
      if (action === 'generateContent' || action === 'streamGenerateContent') {
        let model = target.slice(0, colon);
        try {
          model = decodeURIComponent(model);
        } catch {
          // Keep the raw text; the model check reports it.
        }
        return {
          kind: 'chat',
          format: geminiFormat,
          pathModel: model,
          geminiStream: action === 'streamGenerateContent',
        };
      }
    }
  } else if (method === 'GET') {
    if (rest === '/v1/models') {
      const anthropic =
        req.headers['anthropic-version'] !== undefined || req.headers['x-api-key'] !== undefined;
      return { kind: 'models', format: anthropic ? anthropicFormat : openAiFormat };
    }
    if (rest === '/v1beta/models') return { kind: 'models', format: geminiFormat };
  }
  if (rest.startsWith('/v1beta')) return { kind: 'unknown', format: geminiFormat };
  if (rest.startsWith('/v1/messages')) return { kind: 'unknown', format: anthropicFormat };
  return { kind: 'unknown', format: openAiFormat };
}
