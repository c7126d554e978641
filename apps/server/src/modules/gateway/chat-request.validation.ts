import type { z } from 'zod';
import {
  chatCompletionRequestSchema,
  type ChatCompletionRequest,
} from '../../common/openai/chat-completion.schema.js';
import { GatewayError } from '../../common/errors/gateway-error.js';

/** `['messages', 0, 'content']` -> `messages[0].content` (OpenAI's `param` style). */
function paramOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function describe(issue: z.core.$ZodIssue): string {
  const where = paramOf(issue.path);
  return where === '' ? issue.message : `\`${where}\`: ${issue.message}`;
}

/**
 * Validates a `/v1/chat/completions` body. Throws a 400 GatewayError whose message names the
 * first offending field (and `param` points at it), as OpenAI does.
 */
export function parseChatRequest(body: unknown): ChatCompletionRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError(400, 'invalid_request', 'The request body must be a JSON object.');
  }
  const result = chatCompletionRequestSchema.safeParse(body);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  throw new GatewayError(
    400,
    'invalid_request',
    `Invalid request: ${first ? describe(first) : 'invalid body'}${more}`,
    {
      param: first ? paramOf(first.path) || null : null,
    },
  );
}
