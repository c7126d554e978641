// Test helpers: scenario factories, HTTP calls over real sockets, and an SSE reader.
import { startProviderSim, type ProviderSim, type ProviderSimOptions } from '../../src/index.js';

/** One parsed server-sent event. */
export interface SseEvent {
  event?: string;
  data: string;
}

/** Splits an SSE body into events; accepts `\n` and `\r\n` line endings. */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    if (block.trim().length === 0) continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    events.push(event === undefined ? { data: data.join('\n') } : { event, data: data.join('\n') });
  }
  return events;
}

/** The JSON payload of every event, `[DONE]` excluded. */
export function sseJson(events: readonly SseEvent[]): unknown[] {
  return events.filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data) as unknown);
}

/** Reads a body to its end, or until it fails; never throws. */
export async function readBody(res: Response): Promise<{ text: string; error: unknown }> {
  const body = res.body;
  if (body === null) return { text: '', error: undefined };
  const reader = (body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text, error };
  }
  return { text, error: undefined };
}

/** POSTs JSON and returns the response. */
export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    ...(signal === undefined ? {} : { signal }),
  });
}

/** A scenario with one provider `id` behaving as `behaviour`. */
export function oneProvider(
  id: string,
  behaviour: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): unknown {
  return { providers: { [id]: { ...extra, behaviour } } };
}

/** Starts a simulator with a fixed seed unless told otherwise. */
export function startSim(
  scenario: unknown,
  options: Omit<ProviderSimOptions, 'scenario'> = {},
): Promise<ProviderSim> {
  return startProviderSim({ seed: 1, ...options, scenario });
}

/** A minimal OpenAI chat request. */
export function openAiChat(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hi' }], ...extra };
}

/** A minimal Anthropic Messages request. */
export function anthropicChat(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'claude-haiku-4-5',
    max_tokens: 256,
    messages: [{ role: 'user', content: 'Say hi' }],
    ...extra,
  };
}

/** A minimal Gemini generateContent request. */
export function geminiChat(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { contents: [{ role: 'user', parts: [{ text: 'Say hi' }] }], ...extra };
}

export const ANTHROPIC_HEADERS = { 'anthropic-version': '2023-06-01' };

/** Narrows `unknown` JSON to a record for property access in assertions. */
export function obj(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`expected an object, got ${JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}
