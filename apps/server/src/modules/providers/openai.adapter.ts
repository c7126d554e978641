import type { ChatCompletionRequest } from '../../common/openai/chat-completion.schema.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  FinishReason,
} from '../../common/openai/chat-completion.types.js';
import { countOr, isJsonObject, stringOr, type JsonObject } from './json-value.js';
import {
  MalformedUpstreamError,
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

const FINISH_REASONS: ReadonlySet<string> = new Set<FinishReason>([
  'stop',
  'length',
  'tool_calls',
  'content_filter',
  'function_call',
]);

/**
 * OpenAI's finish reason, or the nearest one for the non-standard values some compatible
 * servers send (`eos`, `abort`, ...).
 */
function normaliseFinishReason(value: unknown, hasToolCalls: boolean): FinishReason {
  if (typeof value === 'string' && FINISH_REASONS.has(value)) return value as FinishReason;
  return hasToolCalls ? 'tool_calls' : 'stop';
}

/** Usage from an OpenAI `usage` object, or undefined when it is missing or incomplete. */
function usageOf(value: unknown): TokenUsage | undefined {
  if (!isJsonObject(value)) return undefined;
  const inputTokens = countOr(value.prompt_tokens);
  const outputTokens = countOr(value.completion_tokens);
  if (inputTokens === undefined || outputTokens === undefined) return undefined;
  const usage: TokenUsage = { inputTokens, outputTokens };
  const details = value.prompt_tokens_details;
  const cached = isJsonObject(details) ? countOr(details.cached_tokens) : undefined;
  if (cached !== undefined) usage.cachedInputTokens = cached;
  return usage;
}

/** HTTP status implied by an error reported inside an OpenAI-format stream. */
function streamErrorStatus(error: JsonObject): number {
  const code = error.code;
  if (typeof code === 'number' && code >= 400 && code <= 599) return code;
  const kind = stringOr(error.type) ?? stringOr(code) ?? '';
  if (kind.includes('rate_limit') || kind === 'insufficient_quota') return 429;
  if (kind.includes('overloaded')) return 503;
  if (kind.includes('timeout')) return 504;
  if (kind === 'invalid_request_error' || kind === 'context_length_exceeded') return 400;
  return 500;
}

/** The error an `{"error": ...}` stream event stands for. */
function streamError(error: unknown): UpstreamStreamError {
  if (isJsonObject(error)) {
    const message = stringOr(error.message) ?? 'upstream stream error';
    const type = stringOr(error.type) ?? stringOr(error.code) ?? 'stream_error';
    return new UpstreamStreamError(safeMessage(message), type, streamErrorStatus(error));
  }
  const message = typeof error === 'string' ? error : 'upstream stream error';
  return new UpstreamStreamError(safeMessage(message), 'stream_error', 500);
}

/** Characters of content, reasoning, tool names and arguments in a message or delta. */
function outputChars(message: JsonObject): number {
  let chars = 0;
  if (typeof message.content === 'string') chars += message.content.length;
  // DeepSeek, vLLM and Ollama stream reasoning in this field; it is billed as output.
  if (typeof message.reasoning_content === 'string') chars += message.reasoning_content.length;
  const calls = message.tool_calls;
  if (Array.isArray(calls)) {
    for (const call of calls) {
      const fn = isJsonObject(call) ? call.function : undefined;
      if (!isJsonObject(fn)) continue;
      if (typeof fn.name === 'string') chars += fn.name.length;
      if (typeof fn.arguments === 'string') chars += fn.arguments.length;
    }
  }
  return chars;
}

/**
 * Speaks the OpenAI chat-completions wire format, for OpenAI itself and for every compatible
 * server (Ollama, vLLM, LM Studio, Groq, Mistral, DeepSeek ...). Requests pass through nearly
 * untouched; responses are re-identified as Stilts' completion and checked for shape.
 */
export class OpenAiAdapter implements ProviderAdapter {
  readonly kind = 'openai' as const;

  /**
   * The caller's body with the deployment's model. Unknown top-level fields are kept. Of
   * `max_tokens` and `max_completion_tokens` the one sent is kept; when both are, only
   * `max_completion_tokens` is sent with the smaller value, as OpenAI rejects the pair. A stream
   * always asks for usage so every call can be billed; the translator hides it from callers
   * who did not ask.
   */
  buildRequest(
    request: ChatCompletionRequest,
    target: UpstreamTarget,
    stream: boolean,
  ): UpstreamRequest {
    const {
      stream: _stream,
      stream_options: streamOptions,
      max_tokens: maxTokens,
      max_completion_tokens: maxCompletionTokens,
      ...rest
    } = request;
    const body: JsonObject = rest;
    body.model = target.model;
    if (maxCompletionTokens != null && maxTokens != null) {
      body.max_completion_tokens = Math.min(maxCompletionTokens, maxTokens);
    } else if (maxCompletionTokens != null) {
      body.max_completion_tokens = maxCompletionTokens;
    } else if (maxTokens != null) {
      body.max_tokens = maxTokens;
    }
    if (stream) {
      body.stream = true;
      body.stream_options = { ...streamOptions, include_usage: true };
    }

    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
    };
    if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
    return {
      url: endpointUrl(target.baseUrl, 'chat/completions'),
      headers: withConfiguredHeaders(headers, target.headers),
      body: JSON.stringify(body),
    };
  }

  /**
   * Checks the body's shape and adopts it as the completion (unknown fields such as
   * `system_fingerprint` or a message's `reasoning_content` are kept): `id` and `created` become
   * Stilts', the upstream's `model` stays. Takes ownership of `body`, which it modifies. Without
   * usage, usage is estimated from the request and the returned content.
   */
  parseResponse(
    body: unknown,
    context: TranslateContext,
    request: ChatCompletionRequest,
  ): ParsedCompletion {
    if (!isJsonObject(body)) throw new MalformedUpstreamError('OpenAI response is not an object');
    if (body.error != null) {
      const info = parseUpstreamError(200, JSON.stringify(body));
      throw new MalformedUpstreamError(`OpenAI response carries an error: ${info.message}`);
    }
    const choices = body.choices;
    if (!Array.isArray(choices) || choices.length === 0) {
      throw new MalformedUpstreamError('OpenAI response has no choices');
    }
    let chars = 0;
    for (let i = 0; i < choices.length; i++) {
      const choice: unknown = choices[i];
      if (!isJsonObject(choice) || !isJsonObject(choice.message)) {
        throw new MalformedUpstreamError(`OpenAI response choice ${i} has no message`);
      }
      const message = choice.message;
      if (message.content === undefined) message.content = null;
      if (message.tool_calls !== undefined && !Array.isArray(message.tool_calls)) {
        throw new MalformedUpstreamError(`OpenAI response choice ${i} has invalid tool_calls`);
      }
      message.role = 'assistant';
      if (typeof choice.index !== 'number') choice.index = i;
      choice.finish_reason = normaliseFinishReason(
        choice.finish_reason,
        Array.isArray(message.tool_calls) && message.tool_calls.length > 0,
      );
      if (choice.logprobs === undefined) choice.logprobs = null;
      chars += outputChars(message);
    }

    let usage = usageOf(body.usage);
    if (usage) {
      if (!isJsonObject(body.usage) || countOr(body.usage.total_tokens) === undefined) {
        body.usage = toCompletionUsage(usage);
      }
    } else {
      usage = {
        inputTokens: estimateRequestInputTokens(request),
        outputTokens: Math.ceil(chars / 4),
      };
      body.usage = toCompletionUsage(usage);
    }
    body.id = context.id;
    body.object = 'chat.completion';
    body.created = context.created;
    if (typeof body.model !== 'string' || body.model.length === 0) body.model = context.model;
    return { completion: body as unknown as ChatCompletion, usage };
  }

  createStreamTranslator(
    request: ChatCompletionRequest,
    context: TranslateContext,
  ): StreamTranslator {
    return new OpenAiStreamTranslator(request, context);
  }

  parseError(status: number, body: string): UpstreamErrorInfo {
    return parseUpstreamError(status, body);
  }
}

/**
 * OpenAI chunks in, OpenAI chunks out: re-identified, finish reasons normalised, and the usage
 * the gateway always requests shown only to callers who asked for it. An upstream that ignores
 * `stream_options` (some compatible servers do) still gives such callers a usage chunk, with
 * estimated counts.
 */
class OpenAiStreamTranslator extends StreamTranslatorBase {
  private usageForwarded = false;
  private sawToolCalls = false;
  private roleChecked = false;

  push(event: SseEvent): ChatCompletionChunk[] {
    if (this.ended) return [];
    if (event.data === '[DONE]') {
      this.ended = true;
      return this.includeUsage && !this.usageForwarded ? [this.usageChunk()] : [];
    }
    const parsed = parseEventJson(event, 'OpenAI');
    if (!isJsonObject(parsed))
      throw new MalformedUpstreamError('OpenAI stream event is not an object');
    if (parsed.error != null) throw streamError(parsed.error);
    const choices = parsed.choices;
    if (!Array.isArray(choices)) throw new MalformedUpstreamError('OpenAI chunk has no choices');

    for (let i = 0; i < choices.length; i++) {
      const choice: unknown = choices[i];
      if (!isJsonObject(choice))
        throw new MalformedUpstreamError('OpenAI chunk choice is not an object');
      let delta: JsonObject;
      if (isJsonObject(choice.delta)) {
        delta = choice.delta;
      } else if (choice.delta == null) {
        delta = {};
        choice.delta = delta;
      } else {
        throw new MalformedUpstreamError('OpenAI chunk delta is not an object');
      }
      if (!this.roleChecked) {
        // Some compatible servers omit the role; OpenAI's first chunk always has it.
        this.roleChecked = true;
        if (delta.role === undefined) delta.role = 'assistant';
      }
      if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) this.sawToolCalls = true;
      this.deliveredChars += outputChars(delta);
      if (choice.finish_reason != null) {
        this.finish = normaliseFinishReason(choice.finish_reason, this.sawToolCalls);
        choice.finish_reason = this.finish;
      } else if (choice.finish_reason === undefined) {
        choice.finish_reason = null;
      }
      if (typeof choice.index !== 'number') choice.index = i;
    }

    const usage = usageOf(parsed.usage);
    if (usage) this.reportUsage(usage, true);
    if (typeof parsed.model === 'string' && parsed.model.length > 0) this.model = parsed.model;
    else parsed.model = this.model;
    parsed.id = this.context.id;
    parsed.object = 'chat.completion.chunk';
    parsed.created = this.context.created;

    if (this.includeUsage) {
      if (usage) this.usageForwarded = true;
      else if (choices.length === 0) return [];
    } else {
      if (choices.length === 0) return [];
      // JSON.stringify skips undefined: cheaper than delete on the hot path.
      if (parsed.usage !== undefined) parsed.usage = undefined;
    }
    return [parsed as unknown as ChatCompletionChunk];
  }
}
