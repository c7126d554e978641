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
  requiredFieldError,
  type ErrorReply,
  type ParseResult,
  type ReplyContext,
  type WireFormat,
} from './wire-format.js';

const contentSchema = z
  .union([
    z.string(),
    z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
    z.null(),
  ])
  .optional();

const messageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: contentSchema,
  tool_calls: z
    .array(
      z.looseObject({
        function: z.looseObject({ name: z.string(), arguments: z.string() }),
      }),
    )
    .nullish(),
});

const requestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  max_tokens: z.int().min(1).nullish(),
  max_completion_tokens: z.int().min(1).nullish(),
  tools: z
    .array(
      z.looseObject({
        type: z.literal('function'),
        function: z.looseObject({ name: z.string().min(1), parameters: z.unknown().optional() }),
      }),
    )
    .nullish(),
  tool_choice: z
    .union([
      z.enum(['none', 'auto', 'required']),
      z.looseObject({
        type: z.literal('function'),
        function: z.looseObject({ name: z.string() }),
      }),
    ])
    .nullish(),
});

type OpenAiContent = z.infer<typeof contentSchema>;

function contentText(content: OpenAiContent): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) if (part.text !== undefined) text += part.text;
  return text;
}

/** OpenAI's `type` and `code` for an HTTP status. */
function errorKind(status: number): { type: string; code: string | null; message: string } {
  switch (status) {
    case 400:
      return { type: 'invalid_request_error', code: null, message: 'Invalid request.' };
    case 401:
      return {
        type: 'invalid_request_error',
        code: 'invalid_api_key',
        message: 'Invalid API key.',
      };
    case 403:
      return {
        type: 'invalid_request_error',
        code: 'unsupported_country_region_territory',
        message: 'Forbidden.',
      };
    case 404:
      return { type: 'invalid_request_error', code: 'model_not_found', message: 'Not found.' };
    case 429:
      return {
        type: 'requests',
        code: 'rate_limit_exceeded',
        message: 'Rate limit reached for requests. Please try again later.',
      };
    case 503:
      return {
        type: 'server_error',
        code: null,
        message: 'The server is overloaded or not ready yet.',
      };
    default:
      return status >= 500
        ? {
            type: 'server_error',
            code: null,
            message: 'The server had an error while processing your request. Sorry about that!',
          }
        : {
            type: 'invalid_request_error',
            code: null,
            message: `Request failed with status ${status}.`,
          };
  }
}

function errorBody(status: number, message?: string, param?: string): string {
  const kind = errorKind(status);
  return JSON.stringify({
    error: {
      message: message ?? kind.message,
      type: kind.type,
      param: param ?? null,
      code: kind.code,
    },
  });
}

function usageOf(reply: Reply): {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
} {
  const { inputTokens, outputTokens } = reply.usage;
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

const FINGERPRINT = 'fp_stilts_sim';
const sse = (data: string): string => `data: ${data}\n\n`;

/** OpenAI Chat Completions (`/v1/chat/completions`), also what OpenAI-compatible servers speak. */
export const openAiFormat: WireFormat = {
  name: 'openai',

  presentedKey(headers: IncomingHttpHeaders): string | undefined {
    const auth = headerValue(headers.authorization);
    if (auth === undefined) return undefined;
    return auth.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
  },

  authFailure(missing: boolean): ErrorReply {
    return {
      status: 401,
      body: JSON.stringify({
        error: {
          message: missing
            ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
            : 'Incorrect API key provided.',
          type: 'invalid_request_error',
          param: null,
          code: missing ? null : 'invalid_api_key',
        },
      }),
    };
  },

  error(status: number, message?: string, param?: string): ErrorReply {
    return { status, body: errorBody(status, message, param) };
  },

  parse(body: unknown): ParseResult {
    const parsed = requestSchema.safeParse(body, requiredFieldError);
    if (!parsed.success) {
      const issue = firstIssue(parsed.error);
      return {
        ok: false,
        error: { status: 400, body: errorBody(400, `${issue.path}: ${issue.message}`, issue.path) },
      };
    }
    const req = parsed.data;
    let promptChars = 0;
    let echo = false;
    let lastUserText = '';
    for (const message of req.messages) {
      const text = contentText(message.content);
      promptChars += text.length;
      if (message.tool_calls) {
        for (const call of message.tool_calls) {
          promptChars += call.function.name.length + call.function.arguments.length;
        }
      }
      if (!echo && text.includes(ECHO_MARKER)) echo = true;
      if (message.role === 'user') lastUserText = text;
    }
    const last = req.messages[req.messages.length - 1];
    const lastIsToolResult = last?.role === 'tool' || last?.role === 'function';

    let toolToCall: ChatRequest['toolToCall'];
    const tools = req.tools ?? [];
    if (last?.role === 'user' && tools.length > 0 && req.tool_choice !== 'none') {
      const choice = req.tool_choice;
      const forced =
        typeof choice === 'object' && choice !== null ? choice.function.name : undefined;
      const tool = forced === undefined ? tools[0] : tools.find((t) => t.function.name === forced);
      if (tool === undefined) {
        return {
          ok: false,
          error: {
            status: 400,
            body: errorBody(400, `tool_choice names an unknown tool '${forced}'.`, 'tool_choice'),
          },
        };
      }
      toolToCall = { name: tool.function.name, parameters: tool.function.parameters };
    }

    return {
      ok: true,
      request: {
        model: req.model,
        stream: req.stream === true,
        includeUsage: req.stream_options?.include_usage === true,
        maxTokens: req.max_completion_tokens ?? req.max_tokens ?? undefined,
        promptChars,
        echo,
        lastUserText,
        toolToCall,
        toolResult: lastIsToolResult ? contentText(last.content) : undefined,
      },
    };
  },

  completion(reply: Reply, ctx: ReplyContext): string {
    const message =
      reply.kind === 'text'
        ? { role: 'assistant', content: reply.pieces.join(''), refusal: null }
        : {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: [
              {
                id: `call_${reply.callToken}`,
                type: 'function',
                function: { name: reply.name, arguments: reply.argumentsJson },
              },
            ],
          };
    return JSON.stringify({
      id: `chatcmpl-${reply.token}`,
      object: 'chat.completion',
      created: ctx.created,
      model: ctx.model,
      choices: [
        {
          index: 0,
          message,
          logprobs: null,
          finish_reason: reply.kind === 'tool_call' ? 'tool_calls' : reply.finish,
        },
      ],
      usage: usageOf(reply),
      service_tier: 'default',
      system_fingerprint: FINGERPRINT,
    });
  },

  stream(reply: Reply, ctx: ReplyContext, request: ChatRequest): string[] {
    // Serialise the constant envelope once; each chunk only splices in its choice.
    const head = `{"id":"chatcmpl-${reply.token}","object":"chat.completion.chunk","created":${ctx.created},"model":${JSON.stringify(ctx.model)},"service_tier":"default","system_fingerprint":"${FINGERPRINT}","choices":[`;
    const tail = request.includeUsage ? '],"usage":null}' : ']}';
    const chunk = (delta: unknown, finish: string | null): string =>
      sse(
        `${head}{"index":0,"delta":${JSON.stringify(delta)},"logprobs":null,"finish_reason":${finish === null ? 'null' : `"${finish}"`}}${tail}`,
      );

    const events: string[] = [];
    if (reply.kind === 'text') {
      events.push(chunk({ role: 'assistant', content: '', refusal: null }, null));
      for (const text of groupPieces(reply.pieces, ctx.chunkTokens)) {
        events.push(chunk({ content: text }, null));
      }
      events.push(chunk({}, reply.finish));
    } else {
      events.push(
        chunk(
          {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: [
              {
                index: 0,
                id: `call_${reply.callToken}`,
                type: 'function',
                function: { name: reply.name, arguments: '' },
              },
            ],
          },
          null,
        ),
      );
      for (const part of splitEvery(reply.argumentsJson, 4 * ctx.chunkTokens)) {
        events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: part } }] }, null));
      }
      events.push(chunk({}, 'tool_calls'));
    }
    if (request.includeUsage) {
      events.push(sse(`${head}],"usage":${JSON.stringify(usageOf(reply))}}`));
    }
    events.push('data: [DONE]\n\n');
    return events;
  },

  streamError(): string {
    return sse(errorBody(503, 'The server is overloaded or not ready yet.'));
  },

  streamContentType(): string {
    return 'text/event-stream; charset=utf-8';
  },

  modelList(models: readonly string[], created: number): string {
    return JSON.stringify({
      object: 'list',
      data: models.map((id) => ({ id, object: 'model', created, owned_by: 'stilts-sim' })),
    });
  },
};
