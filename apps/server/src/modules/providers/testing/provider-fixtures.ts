import {
  chatCompletionRequestSchema,
  type ChatCompletionRequest,
} from '../../../common/openai/chat-completion.schema.js';
import type { ChatCompletionChunk } from '../../../common/openai/chat-completion.types.js';
import type {
  SseEvent,
  StreamTranslator,
  TranslateContext,
  UpstreamRequest,
  UpstreamTarget,
} from '../provider-adapter.js';

/**
 * A chat request as the gateway hands it to adapters: validated by the real schema, so a
 * fixture that the edge would refuse fails the test that uses it.
 */
export function chatRequest(fields: Record<string, unknown> = {}): ChatCompletionRequest {
  return chatCompletionRequestSchema.parse({
    model: 'chat-default',
    messages: [{ role: 'user', content: 'Hello' }],
    ...fields,
  });
}

/** A deployment target; `baseUrl` may be given as a string. */
export function upstreamTarget(
  fields: Partial<Omit<UpstreamTarget, 'baseUrl'>> & { baseUrl?: string } = {},
): UpstreamTarget {
  return {
    model: fields.model ?? 'upstream-model',
    apiKey: 'apiKey' in fields ? fields.apiKey : 'test-key-123',
    headers: fields.headers ?? {},
    baseUrl: new URL(fields.baseUrl ?? 'https://upstream.example/v1'),
  };
}

/** The translate context of the request `0123456789abcdef0123456789abcdef`. */
export const translateContext: TranslateContext = Object.freeze({
  id: 'chatcmpl-0123456789abcdef0123456789abcdef',
  created: 1_750_000_000,
  model: 'chat-default',
});

/** The JSON body of a built upstream request. */
export function bodyOf(request: UpstreamRequest): Record<string, unknown> {
  return JSON.parse(request.body) as Record<string, unknown>;
}

/** One SSE event whose data is `data` serialised (or taken as is when a string). */
export function sseEvent(data: unknown, event?: string): SseEvent {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return event === undefined ? { data: text } : { event, data: text };
}

/** Feeds every event to the translator; returns all chunks it produced, in order. */
export function translateAll(
  translator: StreamTranslator,
  events: readonly SseEvent[],
): ChatCompletionChunk[] {
  const out: ChatCompletionChunk[] = [];
  for (const event of events) out.push(...translator.push(event));
  return out;
}

/** The concatenated content deltas of a chunk sequence. */
export function streamedText(chunks: readonly ChatCompletionChunk[]): string {
  let text = '';
  for (const chunk of chunks)
    for (const choice of chunk.choices) text += choice.delta.content ?? '';
  return text;
}

/** The tool calls a client would assemble from a chunk sequence, by index. */
export function streamedToolCalls(
  chunks: readonly ChatCompletionChunk[],
): { id: string | undefined; name: string; arguments: string }[] {
  const calls: { id: string | undefined; name: string; arguments: string }[] = [];
  for (const chunk of chunks) {
    for (const choice of chunk.choices) {
      for (const delta of choice.delta.tool_calls ?? []) {
        const call = (calls[delta.index] ??= { id: undefined, name: '', arguments: '' });
        if (delta.id !== undefined) call.id = delta.id;
        call.name += delta.function?.name ?? '';
        call.arguments += delta.function?.arguments ?? '';
      }
    }
  }
  return calls;
}
