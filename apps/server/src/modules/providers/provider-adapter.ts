import type { ChatCompletionRequest } from '../../common/openai/chat-completion.schema.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  FinishReason,
} from '../../common/openai/chat-completion.types.js';

/** The wire formats Stilts speaks upstream. `openai` covers every OpenAI-compatible server. */
export type ProviderKind = 'openai' | 'anthropic' | 'gemini';

/** One server-sent event as parsed from an upstream stream. */
export interface SseEvent {
  /** The `event:` field, when the upstream sent one (Anthropic does, OpenAI and Gemini do not). */
  event?: string;
  /** The `data:` field; several data lines are joined with `\n`. */
  data: string;
}

/** What an adapter needs to know about the deployment it is calling. */
export interface UpstreamTarget {
  /** The provider's base URL, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:9100/sim-openai/v1`. */
  baseUrl: URL;
  /** The upstream model name, e.g. `gpt-4o-mini` or `claude-sonnet-4-5`. */
  model: string;
  /** The provider credential; adapters put it only into request headers. */
  apiKey: string | undefined;
  /** Extra headers configured for the provider (e.g. `anthropic-version`, OpenRouter's `HTTP-Referer`). */
  headers: Readonly<Record<string, string>>;
}

/** A fully built upstream HTTP request. */
export interface UpstreamRequest {
  /** Absolute URL. */
  url: URL;
  headers: Record<string, string>;
  /** JSON body, already serialised. */
  body: string;
}

/** Token counts of one call, in provider-neutral terms. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Tokens of the input served from the provider's prompt cache, when reported. */
  cachedInputTokens?: number;
}

/** Context the gateway passes when translating a response. */
export interface TranslateContext {
  /** The id Stilts gives the completion (`chatcmpl-...`); the same across a stream's chunks. */
  id: string;
  /** Unix seconds. */
  created: number;
  /** The model name reported to the caller when the upstream does not report one. */
  model: string;
}

export interface ParsedCompletion {
  completion: ChatCompletion;
  usage: TokenUsage;
}

/**
 * Translates one upstream stream into OpenAI `chat.completion.chunk`s. Stateful: one per attempt.
 */
export interface StreamTranslator {
  /**
   * Feeds one upstream SSE event; returns the chunks to forward to the caller (possibly none).
   * Throws {@link MalformedUpstreamError} if the event is not valid for the wire format, and
   * {@link UpstreamStreamError} if the upstream reported an error inside the stream.
   */
  push(event: SseEvent): ChatCompletionChunk[];
  /** True once the upstream has signalled the normal end of the stream. */
  readonly done: boolean;
  /** The finish reason, once known. */
  readonly finishReason: FinishReason | null;
  /**
   * Usage so far: the upstream's reported usage when it sent one, otherwise an estimate of the
   * input (from the request) and of the output actually delivered (never zero when content was
   * delivered), so a cut stream is billed for what the caller received.
   */
  usage(): TokenUsage & { reported: boolean };
}

/** An upstream body that does not match its wire format. Retryable: the deployment misbehaved. */
export class MalformedUpstreamError extends Error {
  readonly isMalformedUpstream = true;
  constructor(message: string) {
    super(message);
    this.name = 'MalformedUpstreamError';
  }
}

/** An error the upstream reported inside an otherwise healthy stream (e.g. Anthropic `overloaded_error`). */
export class UpstreamStreamError extends Error {
  readonly isUpstreamStreamError = true;
  constructor(
    message: string,
    /** The provider's error type, e.g. `overloaded_error`. */
    readonly errorType: string,
    /** The HTTP status this error corresponds to, when the type implies one (overloaded -> 529/503). */
    readonly status: number,
  ) {
    super(message);
    this.name = 'UpstreamStreamError';
  }
}

/**
 * The request uses a feature this provider's wire format cannot express (e.g. audio input to
 * Anthropic). The gateway skips the deployment and tries the next one; if none can serve the
 * request, the caller gets a 400 naming the feature.
 */
export class UnsupportedRequestError extends Error {
  readonly isUnsupportedRequest = true;
  constructor(
    message: string,
    /** The request field at fault, e.g. `messages[2].content[0]`. */
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'UnsupportedRequestError';
  }
}

/** The upstream's error, in terms the gateway can surface to the caller without secrets. */
export interface UpstreamErrorInfo {
  message: string;
  /** Provider's error type/status string, e.g. `rate_limit_error`, `RESOURCE_EXHAUSTED`. */
  type: string | null;
}

/**
 * Translates between the OpenAI chat-completions format (Stilts' canonical format) and one
 * provider's wire format. Adapters are stateless and do no I/O.
 */
export interface ProviderAdapter {
  readonly kind: ProviderKind;
  /** Builds the upstream request. Throws {@link UnsupportedRequestError} for inexpressible input. */
  buildRequest(
    request: ChatCompletionRequest,
    target: UpstreamTarget,
    stream: boolean,
  ): UpstreamRequest;
  /**
   * Translates a non-streaming success body (already JSON-parsed) into an OpenAI completion.
   * Throws {@link MalformedUpstreamError} when the body does not have the expected shape.
   * `request` is used to estimate input tokens when the upstream reports no usage.
   */
  parseResponse(
    body: unknown,
    context: TranslateContext,
    request: ChatCompletionRequest,
  ): ParsedCompletion;
  /** Starts translating a streaming response. `request` is used to estimate input tokens. */
  createStreamTranslator(
    request: ChatCompletionRequest,
    context: TranslateContext,
  ): StreamTranslator;
  /** Reads an upstream error body (any status >= 400). Never throws; `body` may be anything. */
  parseError(status: number, body: string): UpstreamErrorInfo;
}
