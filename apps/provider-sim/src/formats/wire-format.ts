import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import type { ChatRequest, Reply } from '../reply/reply-planner.js';
import { formatIssuePath } from '../scenario/scenario.schema.js';

/** The wire formats every simulated provider speaks. */
export type WireFormatName = 'openai' | 'anthropic' | 'gemini';

/** A complete error answer: status, JSON body and any extra headers. */
export interface ErrorReply {
  status: number;
  body: string;
}

/** Everything about the response that is not the reply itself. */
export interface ReplyContext {
  providerId: string;
  model: string;
  /** Unix seconds, from the simulator's clock. */
  created: number;
  chunkTokens: number;
}

/** Result of turning a request body into a {@link ChatRequest}. */
export type ParseResult = { ok: true; request: ChatRequest } | { ok: false; error: ErrorReply };

/**
 * One wire format: how it authenticates, what its requests look like, and how it writes
 * completions, streams and errors. Stateless; one instance serves every provider.
 */
export interface WireFormat {
  readonly name: WireFormatName;
  /** The API key the client presented, if any. `query` is the raw query string. */
  presentedKey(headers: IncomingHttpHeaders, query: string): string | undefined;
  /** The format's answer to a missing (`missing`) or wrong key. */
  authFailure(missing: boolean): ErrorReply;
  /** Extra header requirements checked after the key (Anthropic's `anthropic-version`). */
  checkHeaders?(headers: IncomingHttpHeaders): ErrorReply | undefined;
  /** An error of `status` in this format's shape; `message` defaults to the provider's usual text. */
  error(status: number, message?: string, param?: string): ErrorReply;
  /** Validates a parsed JSON body. `pathModel` is the model named in the URL (Gemini). */
  parse(body: unknown, pathModel: string | undefined, query: string): ParseResult;
  /** A non-streamed completion body. */
  completion(reply: Reply, ctx: ReplyContext): string;
  /** A stream as framed events (each a complete SSE event, or a JSON-array element). */
  stream(reply: Reply, ctx: ReplyContext, request: ChatRequest, query: string): string[];
  /** The in-band error event that ends a stream after `position` events. */
  streamError(position: number, query: string): string;
  /** `text/event-stream`, or `application/json` for Gemini without `alt=sse`. */
  streamContentType(query: string): string;
  /** Body of this format's model list for `models`. */
  modelList(models: readonly string[], created: number): string;
}

/** The first zod issue as `{ path, message }` (path in `a.b[0].c` form). */
export function firstIssue(error: z.ZodError): { path: string; message: string } {
  const issue = error.issues[0];
  if (issue === undefined) return { path: '', message: 'invalid request' };
  return { path: formatIssuePath(issue.path), message: issue.message };
}

/** Parse-time error customisation: a missing field reads "Field required", as the real APIs say. */
export const requiredFieldError = {
  error: (issue: { code: string; input?: unknown }): string | undefined =>
    issue.code === 'invalid_type' && issue.input === undefined ? 'Field required' : undefined,
};

/** A header value as one string (the first, when repeated). */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `key=...` from a raw query string, decoded. */
export function queryParam(query: string, name: string): string | undefined {
  if (query.length === 0) return undefined;
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    const key = eq === -1 ? part : part.slice(0, eq);
    if (key !== name) continue;
    const raw = eq === -1 ? '' : part.slice(eq + 1);
    try {
      return decodeURIComponent(raw.replace(/\+/g, ' '));
    } catch {
      return raw;
    }
  }
  return undefined;
}

/** JSON text length of an arbitrary value (tool inputs and results count towards the prompt). */
export function jsonLength(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value === 'string') return value.length;
  return JSON.stringify(value)?.length ?? 0;
}
