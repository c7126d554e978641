import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import {
  ECHO_MARKER,
  groupPieces,
  splitEvery,
  type ChatRequest,
  type Reply,
} from '../reply/reply-planner.js';
import {
  firstIssue,
  headerValue,
  jsonLength,
  requiredFieldError,
  type ErrorReply,
  type ParseResult,
  type ReplyContext,
  type WireFormat,
} from './wire-format.js';

const blockSchema = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  name: z.string().optional(),
  input: z.unknown().optional(),
  content: z.unknown().optional(),
});

const requestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.int().min(1),
  messages: z
    .array(
      z.looseObject({
        role: z.enum(['user', 'assistant']),
        content: z.union([z.string(), z.array(blockSchema)]),
      }),
    )
    .min(1),
  system: z
    .union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string() }))])
    .optional(),
  stream: z.boolean().optional(),
  tools: z
    .array(z.looseObject({ name: z.string().min(1), input_schema: z.unknown().optional() }))
    .optional(),
  tool_choice: z
    .looseObject({
      type: z.enum(['auto', 'any', 'tool', 'none']),
      name: z.string().optional(),
    })
    .optional(),
});

type Block = z.infer<typeof blockSchema>;

/** The text of a `tool_result` block's content (a string or text blocks). */
function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content === undefined ? '' : JSON.stringify(content);
  let text = '';
  for (const part of content as unknown[]) {
    if (
      typeof part === 'object' &&
      part !== null &&
      'text' in part &&
      typeof part.text === 'string'
    ) {
      text += part.text;
    }
  }
  return text;
}

/** Text and character count of one message's content. */
function measure(content: string | Block[]): { text: string; chars: number; toolResult?: string } {
  if (typeof content === 'string') return { text: content, chars: content.length };
  let text = '';
  let chars = 0;
  let toolResult: string | undefined;
  for (const block of content) {
    if (block.type === 'text' && block.text !== undefined) {
      text += block.text;
      chars += block.text.length;
    } else if (block.type === 'tool_use') {
      chars += (block.name?.length ?? 0) + jsonLength(block.input);
    } else if (block.type === 'tool_result') {
      const result = toolResultText(block.content);
      chars += result.length;
      toolResult = toolResult === undefined ? result : `${toolResult} ${result}`;
    }
  }
  return toolResult === undefined ? { text, chars } : { text, chars, toolResult };
}

/** Anthropic's error `type` for an HTTP status. */
function errorKind(status: number): { type: string; message: string } {
  switch (status) {
    case 400:
      return { type: 'invalid_request_error', message: 'Invalid request.' };
    case 401:
      return { type: 'authentication_error', message: 'invalid x-api-key' };
    case 403:
      return {
        type: 'permission_error',
        message: 'Your API key does not have permission to use the specified resource.',
      };
    case 404:
      return { type: 'not_found_error', message: 'Not found.' };
    case 413:
      return {
        type: 'request_too_large',
        message: 'Request exceeds the maximum allowed number of bytes.',
      };
    case 429:
      return {
        type: 'rate_limit_error',
        message: 'Number of requests has exceeded your rate limit. Please try again later.',
      };
    case 529:
      return { type: 'overloaded_error', message: 'Overloaded' };
    default:
      return status >= 500
        ? { type: 'api_error', message: 'Internal server error' }
        : { type: 'invalid_request_error', message: `Request failed with status ${status}.` };
  }
}

function errorBody(status: number, message?: string): string {
  const kind = errorKind(status);
  return JSON.stringify({
    type: 'error',
    error: { type: kind.type, message: message ?? kind.message },
  });
}

const event = (name: string, data: string): string => `event: ${name}\ndata: ${data}\n\n`;

function stopReason(reply: Reply): string {
  if (reply.kind === 'tool_call') return 'tool_use';
  return reply.finish === 'length' ? 'max_tokens' : 'end_turn';
}

/** Anthropic Messages (`/v1/messages`). */
export const anthropicFormat: WireFormat = {
  name: 'anthropic',

  presentedKey(headers: IncomingHttpHeaders): string | undefined {
    return headerValue(headers['x-api-key']);
  },

  authFailure(): ErrorReply {
    return { status: 401, body: errorBody(401, 'invalid x-api-key') };
  },

  checkHeaders(headers: IncomingHttpHeaders): ErrorReply | undefined {
    if (headerValue(headers['anthropic-version']) !== undefined) return undefined;
    return { status: 400, body: errorBody(400, 'anthropic-version: header is required') };
  },

  error(status: number, message?: string): ErrorReply {
    return { status, body: errorBody(status, message) };
  },

  parse(body: unknown): ParseResult {
    const parsed = requestSchema.safeParse(body, requiredFieldError);
    if (!parsed.success) {
      const issue = firstIssue(parsed.error);
      return {
        ok: false,
        error: { status: 400, body: errorBody(400, `${issue.path}: ${issue.message}`) },
      };
    }
    const req = parsed.data;
    let promptChars = 0;
    if (typeof req.system === 'string') promptChars += req.system.length;
    else if (req.system) for (const block of req.system) promptChars += block.text.length;

    let echo = false;
    let lastUserText = '';
    let lastToolResult: string | undefined;
    for (const message of req.messages) {
      const measured = measure(message.content);
      promptChars += measured.chars;
      if (!echo && measured.text.includes(ECHO_MARKER)) echo = true;
      if (message.role === 'user') {
        if (measured.text.length > 0 || measured.toolResult === undefined)
          lastUserText = measured.text;
        lastToolResult = measured.toolResult;
      } else {
        lastToolResult = undefined;
      }
    }
    const last = req.messages[req.messages.length - 1];

    let toolToCall: ChatRequest['toolToCall'];
    const tools = req.tools ?? [];
    const choice = req.tool_choice;
    if (
      last?.role === 'user' &&
      lastToolResult === undefined &&
      tools.length > 0 &&
      choice?.type !== 'none'
    ) {
      const forced = choice?.type === 'tool' ? choice.name : undefined;
      const tool = forced === undefined ? tools[0] : tools.find((t) => t.name === forced);
      if (tool === undefined) {
        return {
          ok: false,
          error: {
            status: 400,
            body: errorBody(400, `tool_choice: tool '${forced}' not found in tools`),
          },
        };
      }
      toolToCall = { name: tool.name, parameters: tool.input_schema };
    }

    return {
      ok: true,
      request: {
        model: req.model,
        stream: req.stream === true,
        includeUsage: false,
        maxTokens: req.max_tokens,
        promptChars,
        echo,
        lastUserText,
        toolToCall,
        toolResult: last?.role === 'user' ? lastToolResult : undefined,
      },
    };
  },

  completion(reply: Reply, ctx: ReplyContext): string {
    const content =
      reply.kind === 'text'
        ? [{ type: 'text', text: reply.pieces.join('') }]
        : [
            {
              type: 'tool_use',
              id: `toolu_${reply.callToken}`,
              name: reply.name,
              input: reply.arguments,
            },
          ];
    return JSON.stringify({
      id: `msg_${reply.token}`,
      type: 'message',
      role: 'assistant',
      model: ctx.model,
      content,
      stop_reason: stopReason(reply),
      stop_sequence: null,
      usage: {
        input_tokens: reply.usage.inputTokens,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: reply.usage.outputTokens,
      },
    });
  },

  stream(reply: Reply, ctx: ReplyContext): string[] {
    const events = [
      event(
        'message_start',
        JSON.stringify({
          type: 'message_start',
          message: {
            id: `msg_${reply.token}`,
            type: 'message',
            role: 'assistant',
            model: ctx.model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: {
              input_tokens: reply.usage.inputTokens,
              cache_creation_input_tokens: 0,
              cache_read_input_tokens: 0,
              output_tokens: 1,
            },
          },
        }),
      ),
    ];
    const block =
      reply.kind === 'text'
        ? { type: 'text', text: '' }
        : { type: 'tool_use', id: `toolu_${reply.callToken}`, name: reply.name, input: {} };
    events.push(
      event(
        'content_block_start',
        JSON.stringify({ type: 'content_block_start', index: 0, content_block: block }),
      ),
      event('ping', '{"type":"ping"}'),
    );
    const deltaHead = '{"type":"content_block_delta","index":0,"delta":';
    if (reply.kind === 'text') {
      for (const text of groupPieces(reply.pieces, ctx.chunkTokens)) {
        events.push(
          event(
            'content_block_delta',
            `${deltaHead}{"type":"text_delta","text":${JSON.stringify(text)}}}`,
          ),
        );
      }
    } else {
      for (const part of splitEvery(reply.argumentsJson, 4 * ctx.chunkTokens)) {
        events.push(
          event(
            'content_block_delta',
            `${deltaHead}{"type":"input_json_delta","partial_json":${JSON.stringify(part)}}}`,
          ),
        );
      }
    }
    events.push(
      event('content_block_stop', '{"type":"content_block_stop","index":0}'),
      event(
        'message_delta',
        JSON.stringify({
          type: 'message_delta',
          delta: { stop_reason: stopReason(reply), stop_sequence: null },
          usage: { output_tokens: reply.usage.outputTokens },
        }),
      ),
      event('message_stop', '{"type":"message_stop"}'),
    );
    return events;
  },

  streamError(): string {
    return event('error', errorBody(529, 'Overloaded'));
  },

  streamContentType(): string {
    return 'text/event-stream; charset=utf-8';
  },

  modelList(models: readonly string[], created: number): string {
    const createdAt = new Date(created * 1000).toISOString();
    return JSON.stringify({
      data: models.map((id) => ({ type: 'model', id, display_name: id, created_at: createdAt })),
      has_more: false,
      first_id: models[0] ?? null,
      last_id: models[models.length - 1] ?? null,
    });
  },
};
