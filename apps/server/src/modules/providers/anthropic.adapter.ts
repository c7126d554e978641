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

/** The Messages API version Stilts is written against; a provider's headers may override it. */
export const ANTHROPIC_VERSION = '2023-06-01';

/** Anthropic requires `max_tokens`; this is sent when the caller set no limit. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

/** Image types the Messages API accepts. */
const IMAGE_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
]);

const EMPTY_INPUT_SCHEMA: Readonly<JsonObject> = Object.freeze({
  type: 'object',
  properties: {},
});

const JSON_OBJECT_INSTRUCTION =
  'Respond with a single valid JSON object and nothing else: no prose before or after it, ' +
  'no Markdown code fences.';

const TRAILING_WHITESPACE = /\s+$/;

interface TextBlock {
  type: 'text';
  text: string;
}
interface ImageBlock {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
}
interface DocumentBlock {
  type: 'document';
  source: { type: 'base64'; media_type: 'application/pdf'; data: string };
}
interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: JsonObject;
}
interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content?: string;
}
type AnthropicBlock = TextBlock | ImageBlock | DocumentBlock | ToolUseBlock | ToolResultBlock;

interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: string | AnthropicBlock[];
}

interface AnthropicToolChoice {
  type: 'auto' | 'any' | 'tool' | 'none';
  name?: string;
  disable_parallel_tool_use?: boolean;
}

interface AnthropicRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicMessage[];
  system?: string;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  metadata?: { user_id: string };
  tools?: { name: string; description?: string; input_schema: JsonObject }[];
  tool_choice?: AnthropicToolChoice;
  stream?: true;
}

type UserMessage = Extract<ChatMessage, { role: 'user' }>;
type AssistantMessage = Extract<ChatMessage, { role: 'assistant' }>;
type ToolMessage = Extract<ChatMessage, { role: 'tool' }>;

function toBlocks(content: string | AnthropicBlock[]): AnthropicBlock[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

/**
 * Appends a message, merging it into the previous one when the role repeats: the Messages API
 * requires user and assistant turns to alternate. In a user turn, tool results go first, as
 * Anthropic requires them to lead the turn that follows the tool calls.
 */
function append(
  messages: AnthropicMessage[],
  role: 'user' | 'assistant',
  content: string | AnthropicBlock[],
): void {
  if (content.length === 0) return;
  const last = messages[messages.length - 1];
  if (last?.role !== role) {
    messages.push({ role, content });
    return;
  }
  const merged = toBlocks(last.content).slice();
  for (const block of toBlocks(content)) {
    if (block.type === 'tool_result') {
      const at = merged.findIndex((b) => b.type !== 'tool_result');
      if (at === -1) merged.push(block);
      else merged.splice(at, 0, block);
    } else {
      merged.push(block);
    }
  }
  last.content = merged;
}

function userContent(message: UserMessage, index: number): string | AnthropicBlock[] {
  const content = message.content;
  if (typeof content === 'string') return content;
  const blocks: AnthropicBlock[] = [];
  for (let j = 0; j < content.length; j++) {
    const part = content[j] as (typeof content)[number];
    const param = `messages[${index}].content[${j}]`;
    switch (part.type) {
      case 'text':
        if (part.text.length > 0) blocks.push({ type: 'text', text: part.text });
        break;
      case 'image_url': {
        const url = part.image_url.url;
        const data = parseDataUrl(url);
        if (data) {
          if (!IMAGE_MEDIA_TYPES.has(data.mediaType)) {
            throw new UnsupportedRequestError(
              `Anthropic accepts JPEG, PNG, GIF and WebP images, not ${data.mediaType}.`,
              param,
            );
          }
          blocks.push({
            type: 'image',
            source: { type: 'base64', media_type: data.mediaType, data: data.data },
          });
        } else if (isHttpUrl(url)) {
          blocks.push({ type: 'image', source: { type: 'url', url } });
        } else {
          throw new UnsupportedRequestError(
            'Anthropic takes images as base64 data: URLs or http(s) URLs.',
            param,
          );
        }
        break;
      }
      case 'input_audio':
        throw new UnsupportedRequestError('Anthropic does not accept audio input.', param);
      case 'file': {
        const data =
          part.file.file_data === undefined ? undefined : parseDataUrl(part.file.file_data);
        if (data?.mediaType !== 'application/pdf') {
          throw new UnsupportedRequestError(
            'Anthropic accepts files only as PDF data: URLs in file_data.',
            param,
          );
        }
        blocks.push({
          type: 'document',
          source: { type: 'base64', media_type: 'application/pdf', data: data.data },
        });
        break;
      }
    }
  }
  return blocks;
}

function assistantContent(
  message: AssistantMessage,
  index: number,
  toolNames: Set<string>,
): string | AnthropicBlock[] {
  let text = '';
  const content = message.content;
  if (typeof content === 'string') {
    text = content;
  } else if (content) {
    for (const part of content) text += part.type === 'text' ? part.text : part.refusal;
  }
  // A refusal stands in for content (OpenAI sends content: null with it).
  if (text.length === 0 && message.refusal) text = message.refusal;
  const calls = message.tool_calls;
  if (!calls || calls.length === 0) return text;
  const blocks: AnthropicBlock[] = text.length > 0 ? [{ type: 'text', text }] : [];
  for (let k = 0; k < calls.length; k++) {
    const call = calls[k] as (typeof calls)[number];
    toolNames.add(call.function.name);
    blocks.push({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: parseToolArguments(
        call.function.arguments,
        `messages[${index}].tool_calls[${k}].function.arguments`,
        'Anthropic',
      ),
    });
  }
  return blocks;
}

function toolResult(message: ToolMessage): ToolResultBlock {
  const text = textOf(message.content);
  // An empty string content is rejected; an absent one means "no output".
  return text.length > 0
    ? { type: 'tool_result', tool_use_id: message.tool_call_id, content: text }
    : { type: 'tool_result', tool_use_id: message.tool_call_id };
}

/** Anthropic rejects a final assistant turn (a prefill) that ends in whitespace. */
function trimFinalAssistant(messages: AnthropicMessage[]): void {
  const last = messages[messages.length - 1];
  if (last?.role !== 'assistant') return;
  if (typeof last.content === 'string') {
    last.content = last.content.replace(TRAILING_WHITESPACE, '');
    if (last.content.length === 0) messages.pop();
    return;
  }
  const block = last.content[last.content.length - 1];
  if (block?.type !== 'text') return;
  block.text = block.text.replace(TRAILING_WHITESPACE, '');
  if (block.text.length === 0) last.content.pop();
  if (last.content.length === 0) messages.pop();
}

function responseFormatInstruction(request: ChatCompletionRequest): string | undefined {
  const format = request.response_format;
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_schema' && format.json_schema.schema) {
    return (
      'Respond with a single JSON value that conforms to the JSON Schema below and nothing ' +
      'else: no prose before or after it, no Markdown code fences.\n' +
      JSON.stringify(format.json_schema.schema)
    );
  }
  return JSON_OBJECT_INSTRUCTION;
}

function toolChoice(request: ChatCompletionRequest): AnthropicToolChoice | undefined {
  const choice = request.tool_choice;
  let out: AnthropicToolChoice | undefined;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'auto') out = { type: 'auto' };
  else if (choice === 'required') out = { type: 'any' };
  else if (choice) out = { type: 'tool', name: choice.function.name };
  if (request.parallel_tool_calls === false) {
    out ??= { type: 'auto' };
    out.disable_parallel_tool_use = true;
  }
  return out;
}

const STOP_REASONS: Readonly<Record<string, FinishReason>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

function finishReasonOf(stopReason: unknown): FinishReason {
  return (typeof stopReason === 'string' ? STOP_REASONS[stopReason] : undefined) ?? 'stop';
}

/**
 * Usage from an Anthropic `usage` object. Cache writes and reads are input tokens too (OpenAI's
 * `prompt_tokens` includes cached tokens); reads are also reported as cached.
 */
function usageOf(value: unknown): TokenUsage | undefined {
  if (!isJsonObject(value)) return undefined;
  const input = countOr(value.input_tokens);
  const output = countOr(value.output_tokens);
  if (input === undefined || output === undefined) return undefined;
  const cacheRead = countOr(value.cache_read_input_tokens);
  const cacheWrite = countOr(value.cache_creation_input_tokens) ?? 0;
  const usage: TokenUsage = {
    inputTokens: input + cacheWrite + (cacheRead ?? 0),
    outputTokens: output,
  };
  if (cacheRead !== undefined) usage.cachedInputTokens = cacheRead;
  return usage;
}

/**
 * message_delta's counts are cumulative. Its input fields appear only in newer API versions (and
 * may be null); where absent, message_start's stand.
 */
function mergeUsage(start: JsonObject | undefined, delta: JsonObject): JsonObject {
  if (!start) return delta;
  const merged: JsonObject = { ...start };
  for (const key in delta) if (delta[key] != null) merged[key] = delta[key];
  return merged;
}

/** HTTP status of each Anthropic error type (the error reference of the Messages API). */
const ERROR_STATUS: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

function streamError(data: JsonObject): UpstreamStreamError {
  const error = isJsonObject(data.error) ? data.error : {};
  const type = stringOr(error.type) ?? 'api_error';
  const message = stringOr(error.message) ?? type;
  return new UpstreamStreamError(safeMessage(message), type, ERROR_STATUS[type] ?? 500);
}

/**
 * Speaks Anthropic's Messages API (`POST /messages`). See the module README for the mapping;
 * in short: system and developer messages become `system`, turns are merged to alternate,
 * tool calls and results become `tool_use` / `tool_result` blocks, and `response_format` is
 * asked for in the system prompt (Anthropic has no JSON mode on every model).
 */
export class AnthropicAdapter implements ProviderAdapter {
  readonly kind = 'anthropic' as const;

  buildRequest(
    request: ChatCompletionRequest,
    target: UpstreamTarget,
    stream: boolean,
  ): UpstreamRequest {
    const system: string[] = [];
    const messages: AnthropicMessage[] = [];
    const toolNames = new Set<string>();
    const source = request.messages;
    for (let i = 0; i < source.length; i++) {
      const message = source[i] as ChatMessage;
      switch (message.role) {
        case 'system':
        case 'developer': {
          const text = textOf(message.content);
          if (text.length > 0) system.push(text);
          break;
        }
        case 'user':
          append(messages, 'user', userContent(message, i));
          break;
        case 'assistant':
          append(messages, 'assistant', assistantContent(message, i, toolNames));
          break;
        case 'tool':
          append(messages, 'user', [toolResult(message)]);
          break;
      }
    }
    trimFinalAssistant(messages);

    const instruction = responseFormatInstruction(request);
    if (instruction) system.push(instruction);

    const body: AnthropicRequest = {
      model: target.model,
      max_tokens:
        request.max_completion_tokens ?? request.max_tokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
      messages,
    };
    if (system.length > 0) body.system = system.join('\n\n');
    // Anthropic's range is 0..1 where OpenAI's is 0..2; values above 1 mean "most random".
    if (request.temperature != null) body.temperature = Math.min(request.temperature, 1);
    if (request.top_p != null) body.top_p = request.top_p;
    const topK: unknown = request.top_k;
    if (typeof topK === 'number' && Number.isInteger(topK) && topK > 0) body.top_k = topK;
    if (request.stop != null) {
      const stop = typeof request.stop === 'string' ? [request.stop] : request.stop;
      if (stop.length > 0) body.stop_sequences = stop;
    }
    if (request.user) body.metadata = { user_id: request.user };

    const tools = request.tools;
    if (tools && tools.length > 0) {
      body.tools = tools.map((tool) => {
        const fn = tool.function;
        let schema: JsonObject = fn.parameters ?? EMPTY_INPUT_SCHEMA;
        if (schema.type === undefined) schema = { type: 'object', ...schema };
        return fn.description === undefined
          ? { name: fn.name, input_schema: schema }
          : { name: fn.name, description: fn.description, input_schema: schema };
      });
      const choice = toolChoice(request);
      if (choice) body.tool_choice = choice;
    } else if (toolNames.size > 0) {
      // Anthropic rejects tool_use / tool_result blocks in a request without tools, which
      // OpenAI accepts; declare the tools the history used, and forbid calling them.
      body.tools = [...toolNames].map((name) => ({ name, input_schema: EMPTY_INPUT_SCHEMA }));
      body.tool_choice = { type: 'none' };
    }
    if (stream) body.stream = true;

    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
      'anthropic-version': ANTHROPIC_VERSION,
    };
    if (target.apiKey) headers['x-api-key'] = target.apiKey;
    return {
      url: endpointUrl(target.baseUrl, 'messages'),
      headers: withConfiguredHeaders(headers, target.headers),
      body: JSON.stringify(body),
    };
  }

  parseResponse(
    body: unknown,
    context: TranslateContext,
    request: ChatCompletionRequest,
  ): ParsedCompletion {
    if (!isJsonObject(body))
      throw new MalformedUpstreamError('Anthropic response is not an object');
    if (body.type === 'error') {
      const info = parseUpstreamError(200, JSON.stringify(body));
      throw new MalformedUpstreamError(`Anthropic response is an error: ${info.message}`);
    }
    const content = body.content;
    if (body.type !== 'message' || !Array.isArray(content)) {
      throw new MalformedUpstreamError('Anthropic response is not a message with content');
    }
    let text = '';
    let hasText = false;
    const toolCalls: ChatCompletionToolCall[] = [];
    for (const block of content) {
      if (!isJsonObject(block))
        throw new MalformedUpstreamError('Anthropic content block is not an object');
      if (block.type === 'text') {
        if (typeof block.text !== 'string') {
          throw new MalformedUpstreamError('Anthropic text block has no text');
        }
        text += block.text;
        hasText = true;
      } else if (block.type === 'tool_use') {
        const id = stringOr(block.id);
        const name = stringOr(block.name);
        if (!id || !name)
          throw new MalformedUpstreamError('Anthropic tool_use block lacks id or name');
        toolCalls.push({
          id,
          type: 'function',
          function: { name, arguments: JSON.stringify(block.input ?? {}) },
        });
      }
      // thinking, redacted_thinking and server-tool blocks have no OpenAI counterpart.
    }

    let usage = usageOf(body.usage);
    if (!usage) {
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
      model: stringOr(body.model) || context.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: hasText || toolCalls.length === 0 ? text : null,
            refusal: null,
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          },
          finish_reason: finishReasonOf(body.stop_reason),
          logprobs: null,
        },
      ],
      usage: toCompletionUsage(usage),
    };
    return { completion, usage };
  }

  createStreamTranslator(
    request: ChatCompletionRequest,
    context: TranslateContext,
  ): StreamTranslator {
    return new AnthropicStreamTranslator(request, context);
  }

  parseError(status: number, body: string): UpstreamErrorInfo {
    return parseUpstreamError(status, body);
  }
}

/** Marks a content block that is forwarded as text. */
const TEXT_BLOCK = -1;
/** Marks a content block without an OpenAI counterpart (thinking, server tools). */
const IGNORED_BLOCK = -2;

/**
 * Translates the Messages API's stream events (message_start, content_block_start/delta/stop,
 * message_delta, message_stop, ping, error) into OpenAI chunks. Tool calls are numbered by their
 * order among tool_use blocks, as OpenAI's `tool_calls[].index` is.
 */
class AnthropicStreamTranslator extends StreamTranslatorBase {
  /** Per Anthropic block index: TEXT_BLOCK, IGNORED_BLOCK, or the tool call's ordinal. */
  private readonly blocks: number[] = [];
  /** Per tool ordinal: whether any argument text was forwarded. */
  private readonly argumentsSent: boolean[] = [];
  private toolCount = 0;
  private startUsage: JsonObject | undefined;

  push(event: SseEvent): ChatCompletionChunk[] {
    if (this.ended) return [];
    const data = parseEventJson(event, 'Anthropic');
    if (!isJsonObject(data))
      throw new MalformedUpstreamError('Anthropic stream event is not an object');
    const type = stringOr(data.type) ?? event.event;
    switch (type) {
      case 'message_start':
        return this.messageStart(data);
      case 'content_block_start':
        return this.blockStart(data);
      case 'content_block_delta':
        return this.blockDelta(data);
      case 'content_block_stop':
        return this.blockStop(data);
      case 'message_delta':
        return this.messageDelta(data);
      case 'message_stop':
        return this.messageStop();
      case 'error':
        throw streamError(data);
      default:
        // ping, and event types added later: Anthropic asks clients to ignore unknown ones.
        return [];
    }
  }

  private messageStart(data: JsonObject): ChatCompletionChunk[] {
    const message = data.message;
    if (!isJsonObject(message))
      throw new MalformedUpstreamError('Anthropic message_start has no message');
    const model = stringOr(message.model);
    if (model) this.model = model;
    if (isJsonObject(message.usage)) {
      this.startUsage = message.usage;
      const usage = usageOf(message.usage);
      if (usage) this.reportUsage(usage, false);
    }
    return [this.chunk({ content: '' })];
  }

  private blockIndex(data: JsonObject): number {
    const index = data.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) {
      throw new MalformedUpstreamError(`Anthropic ${String(data.type)} has no valid index`);
    }
    return index;
  }

  private blockStart(data: JsonObject): ChatCompletionChunk[] {
    const index = this.blockIndex(data);
    const block = data.content_block;
    if (!isJsonObject(block)) {
      throw new MalformedUpstreamError('Anthropic content_block_start has no content_block');
    }
    if (block.type === 'text') {
      this.blocks[index] = TEXT_BLOCK;
      const text = stringOr(block.text);
      return text ? [this.contentChunk(text)] : [];
    }
    if (block.type === 'tool_use') {
      const id = stringOr(block.id);
      const name = stringOr(block.name);
      if (!id || !name)
        throw new MalformedUpstreamError('Anthropic tool_use block lacks id or name');
      const ordinal = this.toolCount++;
      this.blocks[index] = ordinal;
      this.argumentsSent[ordinal] = false;
      this.deliveredChars += name.length;
      return [
        this.chunk({
          tool_calls: [{ index: ordinal, id, type: 'function', function: { name, arguments: '' } }],
        }),
      ];
    }
    this.blocks[index] = IGNORED_BLOCK;
    return [];
  }

  private blockDelta(data: JsonObject): ChatCompletionChunk[] {
    const kind = this.blocks[this.blockIndex(data)];
    const delta = data.delta;
    if (kind === undefined || !isJsonObject(delta)) {
      throw new MalformedUpstreamError('Anthropic content_block_delta for an unknown block');
    }
    if (delta.type === 'text_delta' && kind === TEXT_BLOCK) {
      const text = stringOr(delta.text);
      return text ? [this.contentChunk(text)] : [];
    }
    if (delta.type === 'input_json_delta' && kind >= 0) {
      const json = stringOr(delta.partial_json);
      if (!json) return [];
      this.argumentsSent[kind] = true;
      this.deliveredChars += json.length;
      return [this.chunk({ tool_calls: [{ index: kind, function: { arguments: json } }] })];
    }
    // thinking_delta, signature_delta, citations_delta: nothing to forward.
    return [];
  }

  private blockStop(data: JsonObject): ChatCompletionChunk[] {
    const kind = this.blocks[this.blockIndex(data)];
    if (kind === undefined || kind < 0 || this.argumentsSent[kind]) return [];
    // A tool without parameters streams no input; OpenAI clients JSON.parse the arguments.
    this.argumentsSent[kind] = true;
    this.deliveredChars += 2;
    return [this.chunk({ tool_calls: [{ index: kind, function: { arguments: '{}' } }] })];
  }

  private messageDelta(data: JsonObject): ChatCompletionChunk[] {
    if (isJsonObject(data.usage)) {
      const usage = usageOf(mergeUsage(this.startUsage, data.usage));
      if (usage) this.reportUsage(usage, true);
    }
    const delta = data.delta;
    const stopReason = isJsonObject(delta) ? delta.stop_reason : undefined;
    if (stopReason == null) return [];
    return [this.finishChunk(finishReasonOf(stopReason))];
  }

  private messageStop(): ChatCompletionChunk[] {
    this.ended = true;
    const out: ChatCompletionChunk[] = [];
    if (this.finish === null) out.push(this.finishChunk('stop'));
    if (this.includeUsage) out.push(this.usageChunk());
    return out;
  }
}
