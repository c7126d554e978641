import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { ECHO_MARKER, groupPieces, type ChatRequest, type Reply } from '../reply/reply-planner.js';
import {
  firstIssue,
  headerValue,
  jsonLength,
  queryParam,
  requiredFieldError,
  type ErrorReply,
  type ParseResult,
  type ReplyContext,
  type WireFormat,
} from './wire-format.js';

const partSchema = z.looseObject({
  text: z.string().optional(),
  functionCall: z.looseObject({ name: z.string(), args: z.unknown().optional() }).optional(),
  functionResponse: z
    .looseObject({ name: z.string(), response: z.unknown().optional() })
    .optional(),
});

const requestSchema = z.looseObject({
  contents: z
    .array(
      z.looseObject({
        role: z.enum(['user', 'model', 'function', 'tool']).optional(),
        parts: z.array(partSchema),
      }),
    )
    .min(1),
  systemInstruction: z.looseObject({ parts: z.array(partSchema) }).optional(),
  tools: z
    .array(
      z.looseObject({
        functionDeclarations: z
          .array(
            z.looseObject({
              name: z.string().min(1),
              parameters: z.unknown().optional(),
              parametersJsonSchema: z.unknown().optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
  toolConfig: z
    .looseObject({
      functionCallingConfig: z
        .looseObject({
          mode: z.string().optional(),
          allowedFunctionNames: z.array(z.string()).optional(),
        })
        .optional(),
    })
    .optional(),
  generationConfig: z.looseObject({ maxOutputTokens: z.int().min(1).optional() }).optional(),
});

/** gRPC status names Google APIs put in `error.status`. */
function statusName(status: number): string {
  switch (status) {
    case 400:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'ABORTED';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 499:
      return 'CANCELLED';
    case 501:
      return 'UNIMPLEMENTED';
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION';
  }
}

function defaultMessage(status: number): string {
  switch (status) {
    case 429:
      return 'Resource has been exhausted (e.g. check quota).';
    case 503:
      return 'The model is overloaded. Please try again later.';
    case 504:
      return 'Deadline expired before operation could complete.';
    default:
      return status >= 500
        ? 'An internal error has occurred.'
        : `Request failed with status ${status}.`;
  }
}

function errorBody(status: number, message?: string): string {
  return JSON.stringify({
    error: { code: status, message: message ?? defaultMessage(status), status: statusName(status) },
  });
}

const isSse = (query: string): boolean => queryParam(query, 'alt') === 'sse';

/** Frames element `index` of a stream: an SSE event, or an element of a streamed JSON array. */
function frame(json: string, index: number, last: boolean, sse: boolean): string {
  if (sse) return `data: ${json}\r\n\r\n`;
  return `${index === 0 ? '[' : ',\r\n'}${json}${last ? ']' : ''}`;
}

/** Google Gemini (`/v1beta/models/{model}:generateContent` and `:streamGenerateContent`). */
export const geminiFormat: WireFormat = {
  name: 'gemini',

  presentedKey(headers: IncomingHttpHeaders, query: string): string | undefined {
    return headerValue(headers['x-goog-api-key']) ?? queryParam(query, 'key');
  },

  authFailure(missing: boolean): ErrorReply {
    // Real Gemini answers a wrong key with 400 API_KEY_INVALID; the simulator uses 403 so that a
    // misconfigured key reads as an auth failure, not as the caller's fault.
    return {
      status: 403,
      body: errorBody(
        403,
        missing
          ? "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."
          : 'API key not valid. Please pass a valid API key.',
      ),
    };
  },

  error(status: number, message?: string): ErrorReply {
    return { status, body: errorBody(status, message) };
  },

  parse(body: unknown, pathModel: string | undefined): ParseResult {
    const parsed = requestSchema.safeParse(body, requiredFieldError);
    if (!parsed.success) {
      const issue = firstIssue(parsed.error);
      return {
        ok: false,
        error: {
          status: 400,
          body: errorBody(400, `Invalid value at '${issue.path}': ${issue.message}`),
        },
      };
    }
    const req = parsed.data;
    let promptChars = 0;
    for (const part of req.systemInstruction?.parts ?? []) promptChars += part.text?.length ?? 0;

    let echo = false;
    let lastUserText = '';
    for (const content of req.contents) {
      let text = '';
      for (const part of content.parts) {
        if (part.text !== undefined) text += part.text;
        if (part.functionCall)
          promptChars += part.functionCall.name.length + jsonLength(part.functionCall.args);
        if (part.functionResponse) promptChars += jsonLength(part.functionResponse.response);
      }
      promptChars += text.length;
      if (!echo && text.includes(ECHO_MARKER)) echo = true;
      if (content.role !== 'model' && text.length > 0) lastUserText = text;
    }

    const last = req.contents[req.contents.length - 1];
    const responses = last?.parts.filter((p) => p.functionResponse !== undefined) ?? [];
    const toolResult =
      responses.length > 0
        ? responses.map((p) => JSON.stringify(p.functionResponse?.response ?? {})).join(' ')
        : undefined;

    let toolToCall: ChatRequest['toolToCall'];
    const declarations = (req.tools ?? []).flatMap((t) => t.functionDeclarations ?? []);
    const calling = req.toolConfig?.functionCallingConfig;
    if (
      last !== undefined &&
      last.role !== 'model' &&
      toolResult === undefined &&
      declarations.length > 0 &&
      calling?.mode?.toUpperCase() !== 'NONE'
    ) {
      const allowed = calling?.allowedFunctionNames;
      const declaration =
        allowed === undefined || allowed.length === 0
          ? declarations[0]
          : declarations.find((d) => allowed.includes(d.name));
      if (declaration === undefined) {
        return {
          ok: false,
          error: {
            status: 400,
            body: errorBody(400, 'allowedFunctionNames names no declared function.'),
          },
        };
      }
      toolToCall = {
        name: declaration.name,
        parameters: declaration.parameters ?? declaration.parametersJsonSchema,
      };
    }

    return {
      ok: true,
      request: {
        model: pathModel ?? '',
        stream: false,
        includeUsage: false,
        maxTokens: req.generationConfig?.maxOutputTokens,
        promptChars,
        echo,
        lastUserText,
        toolToCall,
        toolResult,
      },
    };
  },

  completion(reply: Reply, ctx: ReplyContext): string {
    const part =
      reply.kind === 'text'
        ? { text: reply.pieces.join('') }
        : { functionCall: { name: reply.name, args: reply.arguments } };
    const { inputTokens, outputTokens } = reply.usage;
    return JSON.stringify({
      candidates: [
        {
          content: { parts: [part], role: 'model' },
          finishReason: reply.kind === 'text' && reply.finish === 'length' ? 'MAX_TOKENS' : 'STOP',
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: inputTokens,
        candidatesTokenCount: outputTokens,
        totalTokenCount: inputTokens + outputTokens,
      },
      modelVersion: ctx.model,
      responseId: reply.token,
    });
  },

  stream(reply: Reply, ctx: ReplyContext, _request: ChatRequest, query: string): string[] {
    const sse = isSse(query);
    const { inputTokens } = reply.usage;
    const tail = `,"modelVersion":${JSON.stringify(ctx.model)},"responseId":"${reply.token}"}`;
    const chunk = (part: unknown, finish: string | null, outputSoFar: number): string =>
      `{"candidates":[{"content":{"parts":[${JSON.stringify(part)}],"role":"model"},${finish === null ? '' : `"finishReason":"${finish}",`}"index":0}],"usageMetadata":{"promptTokenCount":${inputTokens},"candidatesTokenCount":${outputSoFar},"totalTokenCount":${inputTokens + outputSoFar}}${tail}`;

    if (reply.kind === 'tool_call') {
      const json = chunk(
        { functionCall: { name: reply.name, args: reply.arguments } },
        'STOP',
        reply.usage.outputTokens,
      );
      return [frame(json, 0, true, sse)];
    }
    const finish = reply.finish === 'length' ? 'MAX_TOKENS' : 'STOP';
    const texts = groupPieces(reply.pieces, ctx.chunkTokens);
    if (texts.length === 0) texts.push('');
    const events: string[] = [];
    let soFar = 0;
    texts.forEach((text, i) => {
      const last = i === texts.length - 1;
      soFar = last
        ? reply.usage.outputTokens
        : Math.min(reply.usage.outputTokens, soFar + ctx.chunkTokens);
      events.push(frame(chunk({ text }, last ? finish : null, soFar), i, last, sse));
    });
    return events;
  },

  streamError(position: number, query: string): string {
    const body = errorBody(503, 'The model is overloaded. Please try again later.');
    if (isSse(query)) return `data: ${body}\r\n\r\n`;
    return `${position === 0 ? '[' : ',\r\n'}${body}]`;
  },

  streamContentType(query: string): string {
    return isSse(query) ? 'text/event-stream; charset=utf-8' : 'application/json; charset=utf-8';
  },

  modelList(models: readonly string[]): string {
    return JSON.stringify({
      models: models.map((id) => ({
        name: `models/${id}`,
        version: '001',
        displayName: id,
        inputTokenLimit: 1_048_576,
        outputTokenLimit: 65_536,
        supportedGenerationMethods: ['generateContent', 'countTokens'],
      })),
    });
  },
};
