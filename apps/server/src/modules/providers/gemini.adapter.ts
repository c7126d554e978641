import type {
  ChatCompletionRequest,
  ChatMessage,
} from '../../common/openai/chat-completion.schema.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionToolCall,
  FinishReason,
} from '../../common/openai/chat-completion.types.js';
import { toGeminiParameters, toGeminiSchema } from './gemini-schema.js';
import { countOr, isJsonObject, stringOr, type JsonObject } from './json-value.js';
import { isHttpUrl, parseDataUrl, parseToolArguments, textOf } from './message-content.js';
import {
  MalformedUpstreamError,
  UnsupportedRequestError,
  UpstreamStreamError,
  type ParsedCompletion,
  type ProviderAdapter,
  type SseEvent,
  type StreamTranslator,
  type TokenUsage,
  type TranslateContext,
  type UpstreamErrorInfo,
  type UpstreamRequest,
  type UpstreamTarget,
} from './provider-adapter.js';
import {
  parseEventJson,
  StreamTranslatorBase,
  toCompletionUsage,
} from './stream-translator-base.js';
import { estimateRequestInputTokens } from './token-estimate.js';
import { parseUpstreamError, safeMessage } from './upstream-error.js';
import { endpointUrl, withConfiguredHeaders } from './upstream-url.js';

/**
 * Google's documented placeholder for a function call Gemini did not sign itself (history
 * written by another model, or by a gateway that cannot carry signatures through OpenAI's
 * format). Gemini 3 rejects an unsigned function call in the current turn with a 400.
 */
export const GEMINI_SKIP_SIGNATURE = 'skip_thought_signature_validator';

interface GeminiPart {
  text?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { fileUri: string; mimeType?: string };
  functionCall?: { name: string; args: JsonObject };
  functionResponse?: { name: string; response: { result: unknown } };
  thoughtSignature?: string;
}

interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

interface GeminiRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: GeminiPart[] };
  tools?: { functionDeclarations: JsonObject[] }[];
  toolConfig?: {
    functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] };
  };
  generationConfig?: JsonObject;
}

type UserMessage = Extract<ChatMessage, { role: 'user' }>;
type AssistantMessage = Extract<ChatMessage, { role: 'assistant' }>;

/** Image types by file extension, for http(s) image URLs (Gemini fetches them itself). */
const IMAGE_TYPES_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
};

function imageTypeOf(url: string): string | undefined {
  let end = url.length;
  const query = url.indexOf('?');
  if (query !== -1) end = query;
  const hash = url.indexOf('#');
  if (hash !== -1 && hash < end) end = hash;
  const dot = url.lastIndexOf('.', end);
  if (dot === -1 || url.lastIndexOf('/', end) > dot) return undefined;
  return IMAGE_TYPES_BY_EXTENSION[url.slice(dot + 1, end).toLowerCase()];
}

/** Merges consecutive same-role contents, as Gemini expects turns to alternate. */
function append(contents: GeminiContent[], role: 'user' | 'model', parts: GeminiPart[]): void {
  if (parts.length === 0) return;
  const last = contents[contents.length - 1];
  if (last?.role === role) {
    for (const part of parts) last.parts.push(part);
  } else {
    contents.push({ role, parts });
  }
}

function userParts(message: UserMessage, index: number): GeminiPart[] {
  const content = message.content;
  if (typeof content === 'string') return content.length > 0 ? [{ text: content }] : [];
  const parts: GeminiPart[] = [];
  for (let j = 0; j < content.length; j++) {
    const part = content[j] as (typeof content)[number];
    const param = `messages[${index}].content[${j}]`;
    switch (part.type) {
      case 'text':
        if (part.text.length > 0) parts.push({ text: part.text });
        break;
      case 'image_url': {
        const url = part.image_url.url;
        const data = parseDataUrl(url);
        if (data) {
          parts.push({ inlineData: { mimeType: data.mediaType, data: data.data } });
        } else if (isHttpUrl(url) || url.startsWith('gs://')) {
          const mimeType = imageTypeOf(url);
          parts.push({ fileData: mimeType ? { fileUri: url, mimeType } : { fileUri: url } });
        } else {
          throw new UnsupportedRequestError(
            'Gemini takes images as base64 data: URLs or http(s) URLs.',
            param,
          );
        }
        break;
      }
      case 'input_audio':
        parts.push({
          inlineData: { mimeType: `audio/${part.input_audio.format}`, data: part.input_audio.data },
        });
        break;
      case 'file': {
        const data =
          part.file.file_data === undefined ? undefined : parseDataUrl(part.file.file_data);
        if (!data) {
          throw new UnsupportedRequestError(
            'Gemini takes files only as base64 data: URLs in file_data (not OpenAI file ids).',
            param,
          );
        }
        parts.push({ inlineData: { mimeType: data.mediaType, data: data.data } });
        break;
      }
    }
  }
  return parts;
}

function modelParts(
  message: AssistantMessage,
  index: number,
  callNames: Map<string, string>,
): GeminiPart[] {
  const parts: GeminiPart[] = [];
  const content = message.content;
  if (typeof content === 'string') {
    if (content.length > 0) parts.push({ text: content });
  } else if (content) {
    for (const part of content) {
      const text = part.type === 'text' ? part.text : part.refusal;
      if (text.length > 0) parts.push({ text });
    }
  }
  if (parts.length === 0 && message.refusal) parts.push({ text: message.refusal });
  const calls = message.tool_calls;
  if (calls) {
    for (let k = 0; k < calls.length; k++) {
      const call = calls[k] as (typeof calls)[number];
      callNames.set(call.id, call.function.name);
      const part: GeminiPart = {
        functionCall: {
          name: call.function.name,
          args: parseToolArguments(
            call.function.arguments,
            `messages[${index}].tool_calls[${k}].function.arguments`,
            'Gemini',
          ),
        },
      };
      // Of parallel calls only the first carries a signature, as Gemini itself sends them.
      if (k === 0) part.thoughtSignature = GEMINI_SKIP_SIGNATURE;
      parts.push(part);
    }
  }
  return parts;
}

/** A tool's output as JSON when it is a JSON object or array, else as the string it is. */
function toolResultValue(text: string): unknown {
  const first = text.trimStart().charCodeAt(0);
  if (first === 123 /* { */ || first === 91 /* [ */) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function toolConfig(request: ChatCompletionRequest): GeminiRequest['toolConfig'] {
  const choice = request.tool_choice;
  if (choice === undefined) return undefined;
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
}

function generationConfig(request: ChatCompletionRequest): JsonObject | undefined {
  const config: JsonObject = {};
  let set = false;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null) {
    config.maxOutputTokens = maxTokens;
    set = true;
  }
  if (request.temperature != null) {
    config.temperature = request.temperature;
    set = true;
  }
  if (request.top_p != null) {
    config.topP = request.top_p;
    set = true;
  }
  const topK: unknown = request.top_k;
  if (typeof topK === 'number' && Number.isInteger(topK) && topK > 0) {
    config.topK = topK;
    set = true;
  }
  if (request.stop != null) {
    const stop = typeof request.stop === 'string' ? [request.stop] : request.stop;
    if (stop.length > 0) {
      config.stopSequences = stop;
      set = true;
    }
  }
  if (request.seed != null) {
    config.seed = request.seed;
    set = true;
  }
  if (request.presence_penalty != null) {
    config.presencePenalty = request.presence_penalty;
    set = true;
  }
  if (request.frequency_penalty != null) {
    config.frequencyPenalty = request.frequency_penalty;
    set = true;
  }
  const format = request.response_format;
  if (format && format.type !== 'text') {
    config.responseMimeType = 'application/json';
    if (format.type === 'json_schema' && format.json_schema.schema) {
      config.responseSchema = toGeminiSchema(format.json_schema.schema);
    }
    set = true;
  }
  return set ? config : undefined;
}

const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
};

/** OpenAI's finish reason for Gemini's; a normal stop with function calls is 'tool_calls'. */
function finishReasonOf(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  const mapped = (reason === undefined ? undefined : FINISH_REASONS[reason]) ?? 'stop';
  return mapped === 'stop' && hasToolCalls ? 'tool_calls' : mapped;
}

interface GeminiUsage {
  usage: TokenUsage;
  reasoningTokens: number | undefined;
}

/**
 * Usage from `usageMetadata`. Thinking tokens are billed as output; tool-use prompt tokens as
 * input. `promptTokenCount` already includes the cached tokens.
 */
function usageOf(value: unknown): GeminiUsage | undefined {
  if (!isJsonObject(value)) return undefined;
  const prompt = countOr(value.promptTokenCount);
  if (prompt === undefined) return undefined;
  const thoughts = countOr(value.thoughtsTokenCount);
  const usage: TokenUsage = {
    inputTokens: prompt + (countOr(value.toolUsePromptTokenCount) ?? 0),
    outputTokens: (countOr(value.candidatesTokenCount) ?? 0) + (thoughts ?? 0),
  };
  const cached = countOr(value.cachedContentTokenCount);
  if (cached !== undefined) usage.cachedInputTokens = cached;
  return { usage, reasoningTokens: thoughts };
}

/** HTTP status of each google.rpc status code name. */
const STATUS_CODES: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  NOT_IMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

function streamError(error: unknown): UpstreamStreamError {
  const body = isJsonObject(error) ? error : {};
  const status = stringOr(body.status) ?? 'UNKNOWN';
  const code = body.code;
  const http =
    typeof code === 'number' && code >= 400 && code <= 599 ? code : (STATUS_CODES[status] ?? 500);
  return new UpstreamStreamError(safeMessage(stringOr(body.message) ?? status), status, http);
}

/**
 * The tool-call id prefix of a response: `call_<suffix>_`, where the suffix comes from Stilts'
 * completion id, so ids are unique across the turns of a conversation and stable within one.
 */
function callIdPrefix(context: TranslateContext): string {
  const id = context.id;
  const suffix = id.slice(id.lastIndexOf('-') + 1);
  return `call_${suffix.length > 24 ? suffix.slice(-24) : suffix}_`;
}

/** The first candidate's parts, checked for shape; [] when it has no content. */
function candidateParts(candidate: JsonObject): unknown[] {
  const content = candidate.content;
  if (content === undefined) return [];
  if (!isJsonObject(content))
    throw new MalformedUpstreamError('Gemini candidate content is not an object');
  const parts = content.parts;
  if (parts === undefined) return [];
  if (!Array.isArray(parts))
    throw new MalformedUpstreamError('Gemini candidate parts is not an array');
  return parts;
}

/** A function call part's name and arguments, or undefined for other parts. */
function functionCallOf(part: JsonObject): { name: string; args: string } | undefined {
  const call = part.functionCall;
  if (call === undefined) return undefined;
  if (!isJsonObject(call) || typeof call.name !== 'string' || call.name.length === 0) {
    throw new MalformedUpstreamError('Gemini functionCall has no name');
  }
  return { name: call.name, args: JSON.stringify(call.args ?? {}) };
}

/**
 * Speaks Gemini's `generateContent` API. The key goes in `x-goog-api-key`, never in the URL
 * (URLs end up in logs). See the module README for the mapping.
 */
export class GeminiAdapter implements ProviderAdapter {
  readonly kind = 'gemini' as const;

  buildRequest(
    request: ChatCompletionRequest,
    target: UpstreamTarget,
    stream: boolean,
  ): UpstreamRequest {
    const contents: GeminiContent[] = [];
    const system: GeminiPart[] = [];
    const callNames = new Map<string, string>();
    const source = request.messages;
    for (let i = 0; i < source.length; i++) {
      const message = source[i] as ChatMessage;
      switch (message.role) {
        case 'system':
        case 'developer': {
          const text = textOf(message.content);
          if (text.length > 0) system.push({ text });
          break;
        }
        case 'user':
          append(contents, 'user', userParts(message, i));
          break;
        case 'assistant':
          append(contents, 'model', modelParts(message, i, callNames));
          break;
        case 'tool': {
          const name = callNames.get(message.tool_call_id);
          if (name === undefined) {
            throw new UnsupportedRequestError(
              `No earlier assistant tool call has the id "${message.tool_call_id}"; Gemini ` +
                'needs it to name the function whose result this is.',
              `messages[${i}].tool_call_id`,
            );
          }
          const result = toolResultValue(textOf(message.content));
          append(contents, 'user', [{ functionResponse: { name, response: { result } } }]);
          break;
        }
      }
    }

    const body: GeminiRequest = { contents };
    if (system.length > 0) body.systemInstruction = { parts: system };
    const tools = request.tools;
    if (tools && tools.length > 0) {
      body.tools = [
        {
          functionDeclarations: tools.map((tool) => {
            const fn = tool.function;
            const declaration: JsonObject = { name: fn.name };
            if (fn.description !== undefined) declaration.description = fn.description;
            const parameters = toGeminiParameters(fn.parameters);
            if (parameters) declaration.parameters = parameters;
            return declaration;
          }),
        },
      ];
      const config = toolConfig(request);
      if (config) body.toolConfig = config;
    }
    const generation = generationConfig(request);
    if (generation) body.generationConfig = generation;

    const model = target.model.startsWith('models/') ? target.model.slice(7) : target.model;
    const method = stream ? 'streamGenerateContent' : 'generateContent';
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
    };
    if (target.apiKey) headers['x-goog-api-key'] = target.apiKey;
    return {
      url: endpointUrl(
        target.baseUrl,
        `models/${encodeURIComponent(model)}:${method}`,
        stream ? 'alt=sse' : undefined,
      ),
      headers: withConfiguredHeaders(headers, target.headers),
      body: JSON.stringify(body),
    };
  }

  parseResponse(
    body: unknown,
    context: TranslateContext,
    request: ChatCompletionRequest,
  ): ParsedCompletion {
    if (!isJsonObject(body)) throw new MalformedUpstreamError('Gemini response is not an object');
    if (body.error != null) {
      const info = parseUpstreamError(200, JSON.stringify(body));
      throw new MalformedUpstreamError(`Gemini response carries an error: ${info.message}`);
    }
    const candidates = body.candidates;
    let text = '';
    const toolCalls: ChatCompletionToolCall[] = [];
    let finishReason: FinishReason;
    if (Array.isArray(candidates) && candidates.length > 0) {
      const candidate: unknown = candidates[0];
      if (!isJsonObject(candidate))
        throw new MalformedUpstreamError('Gemini candidate is not an object');
      const prefix = callIdPrefix(context);
      for (const part of candidateParts(candidate)) {
        if (!isJsonObject(part)) throw new MalformedUpstreamError('Gemini part is not an object');
        const call = functionCallOf(part);
        if (call) {
          toolCalls.push({
            id: `${prefix}${toolCalls.length}`,
            type: 'function',
            function: { name: call.name, arguments: call.args },
          });
        } else if (typeof part.text === 'string' && part.thought !== true) {
          text += part.text;
        }
      }
      finishReason = finishReasonOf(stringOr(candidate.finishReason), toolCalls.length > 0);
    } else {
      const feedback = body.promptFeedback;
      if (!isJsonObject(feedback) || typeof feedback.blockReason !== 'string') {
        throw new MalformedUpstreamError('Gemini response has no candidates');
      }
      // The prompt itself was blocked: an empty, filtered completion, as OpenAI reports one.
      finishReason = 'content_filter';
    }

    const reported = usageOf(body.usageMetadata);
    let usage: TokenUsage;
    if (reported) {
      usage = reported.usage;
    } else {
      let chars = text.length;
      for (const call of toolCalls)
        chars += call.function.name.length + call.function.arguments.length;
      usage = {
        inputTokens: estimateRequestInputTokens(request),
        outputTokens: Math.ceil(chars / 4),
      };
    }
    const completion: ChatCompletion = {
      id: context.id,
      object: 'chat.completion',
      created: context.created,
      model: stringOr(body.modelVersion) || context.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: text.length > 0 || toolCalls.length === 0 ? text : null,
            refusal: null,
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          },
          finish_reason: finishReason,
          logprobs: null,
        },
      ],
      usage: toCompletionUsage(usage, reported?.reasoningTokens),
    };
    return { completion, usage };
  }

  createStreamTranslator(
    request: ChatCompletionRequest,
    context: TranslateContext,
  ): StreamTranslator {
    return new GeminiStreamTranslator(request, context);
  }

  parseError(status: number, body: string): UpstreamErrorInfo {
    return parseUpstreamError(status, body);
  }
}

/**
 * Translates `streamGenerateContent?alt=sse`: every event is a whole GenerateContentResponse
 * holding the next piece of the answer. Function calls arrive whole and are forwarded as one
 * delta each. Gemini sends no end marker: the event with a finishReason is the last.
 */
class GeminiStreamTranslator extends StreamTranslatorBase {
  private readonly idPrefix = callIdPrefix(this.context);
  private toolCount = 0;
  private lastUsage: GeminiUsage | undefined;

  push(event: SseEvent): ChatCompletionChunk[] {
    if (this.ended) return [];
    const data = parseEventJson(event, 'Gemini');
    if (!isJsonObject(data))
      throw new MalformedUpstreamError('Gemini stream event is not an object');
    if (data.error != null) throw streamError(data.error);
    const usage = usageOf(data.usageMetadata);
    if (usage) {
      this.lastUsage = usage;
      this.reportUsage(usage.usage, false, usage.reasoningTokens);
    }
    const model = stringOr(data.modelVersion);
    if (model) this.model = model;

    const candidates = data.candidates;
    if (!Array.isArray(candidates) || candidates.length === 0) {
      const feedback = data.promptFeedback;
      if (isJsonObject(feedback) && typeof feedback.blockReason === 'string') {
        return this.end('content_filter');
      }
      return [];
    }
    const candidate: unknown = candidates[0];
    if (!isJsonObject(candidate))
      throw new MalformedUpstreamError('Gemini candidate is not an object');

    const out: ChatCompletionChunk[] = [];
    let text = '';
    for (const part of candidateParts(candidate)) {
      if (!isJsonObject(part)) throw new MalformedUpstreamError('Gemini part is not an object');
      const call = functionCallOf(part);
      if (call) {
        if (text.length > 0) out.push(this.contentChunk(text));
        text = '';
        const index = this.toolCount++;
        this.deliveredChars += call.name.length + call.args.length;
        out.push(
          this.chunk({
            tool_calls: [
              {
                index,
                id: `${this.idPrefix}${index}`,
                type: 'function',
                function: { name: call.name, arguments: call.args },
              },
            ],
          }),
        );
      } else if (typeof part.text === 'string' && part.thought !== true) {
        text += part.text;
      }
    }
    if (text.length > 0) out.push(this.contentChunk(text));

    const reason = stringOr(candidate.finishReason);
    if (reason !== undefined && reason !== 'FINISH_REASON_UNSPECIFIED') {
      for (const chunk of this.end(finishReasonOf(reason, this.toolCount > 0))) out.push(chunk);
    }
    return out;
  }

  /** The last event: its finish chunk, then the usage chunk if the caller asked for one. */
  private end(reason: FinishReason): ChatCompletionChunk[] {
    this.ended = true;
    if (this.lastUsage) {
      this.reportUsage(this.lastUsage.usage, true, this.lastUsage.reasoningTokens);
    }
    const out = [this.finishChunk(reason)];
    if (this.includeUsage) out.push(this.usageChunk());
    return out;
  }
}
