import type { ChatCompletionRequest } from '../../common/openai/chat-completion.schema.js';
import type {
  ChatCompletionChunk,
  ChatCompletionChunkDelta,
  CompletionUsage,
  FinishReason,
} from '../../common/openai/chat-completion.types.js';
import type {
  SseEvent,
  StreamTranslator,
  TokenUsage,
  TranslateContext,
} from './provider-adapter.js';
import { MalformedUpstreamError } from './provider-adapter.js';
import { estimateRequestInputTokens } from './token-estimate.js';

/** OpenAI's usage object for a provider-neutral usage. */
export function toCompletionUsage(usage: TokenUsage, reasoningTokens?: number): CompletionUsage {
  const out: CompletionUsage = {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
  if (usage.cachedInputTokens !== undefined) {
    out.prompt_tokens_details = { cached_tokens: usage.cachedInputTokens };
  }
  if (reasoningTokens !== undefined) {
    out.completion_tokens_details = { reasoning_tokens: reasoningTokens };
  }
  return out;
}

/** Parses one SSE data field; anything but JSON is a broken upstream. */
export function parseEventJson(event: SseEvent, provider: string): unknown {
  try {
    return JSON.parse(event.data);
  } catch {
    throw new MalformedUpstreamError(`${provider} stream event is not JSON`);
  }
}

/**
 * State and chunk building shared by the stream translators: the done flag, the finish reason,
 * the output delivered so far (for billing a cut stream) and the upstream's usage report.
 */
export abstract class StreamTranslatorBase implements StreamTranslator {
  protected ended = false;
  protected finish: FinishReason | null = null;
  /** Characters of content, tool names and arguments forwarded to the caller. */
  protected deliveredChars = 0;
  /** The model reported to the caller: the upstream's when it names one. */
  protected model: string;
  /** The caller's `stream_options.include_usage`: whether they get a final usage chunk. */
  protected readonly includeUsage: boolean;
  private reported: TokenUsage | undefined;
  private reportFinal = false;
  private reasoningTokens: number | undefined;
  private roleSent = false;
  private inputEstimate: number | undefined;

  constructor(
    private readonly request: ChatCompletionRequest,
    protected readonly context: TranslateContext,
  ) {
    this.model = context.model;
    this.includeUsage = request.stream_options?.include_usage === true;
  }

  abstract push(event: SseEvent): ChatCompletionChunk[];

  get done(): boolean {
    return this.ended;
  }

  get finishReason(): FinishReason | null {
    return this.finish;
  }

  /**
   * The upstream's report when it sent one for the whole call (`reported: true`). Otherwise,
   * for a stream cut short: the input from a partial report or the request estimate, and the
   * output as the larger of a partial report and ceil(delivered chars / 4), so what the caller
   * received is never billed as zero.
   */
  usage(): TokenUsage & { reported: boolean } {
    const estimatedOutput = Math.ceil(this.deliveredChars / 4);
    const reported = this.reported;
    if (reported && this.reportFinal) {
      const outputTokens = reported.outputTokens > 0 ? reported.outputTokens : estimatedOutput;
      return { ...reported, outputTokens, reported: true };
    }
    const usage: TokenUsage & { reported: boolean } = {
      inputTokens: reported?.inputTokens ?? this.estimatedInput(),
      outputTokens: Math.max(reported?.outputTokens ?? 0, estimatedOutput),
      reported: false,
    };
    if (reported?.cachedInputTokens !== undefined) {
      usage.cachedInputTokens = reported.cachedInputTokens;
    }
    return usage;
  }

  /** Records the upstream's usage; `final` when it covers the whole call. */
  protected reportUsage(usage: TokenUsage, final: boolean, reasoningTokens?: number): void {
    this.reported = usage;
    this.reportFinal = final;
    if (reasoningTokens !== undefined) this.reasoningTokens = reasoningTokens;
  }

  protected estimatedInput(): number {
    this.inputEstimate ??= estimateRequestInputTokens(this.request);
    return this.inputEstimate;
  }

  /** A chunk with one choice; the first one sent also carries `role: 'assistant'`. */
  protected chunk(
    delta: ChatCompletionChunkDelta,
    finishReason: FinishReason | null = null,
  ): ChatCompletionChunk {
    if (!this.roleSent) {
      this.roleSent = true;
      delta = { role: 'assistant', ...delta };
    }
    const chunk: ChatCompletionChunk = {
      id: this.context.id,
      object: 'chat.completion.chunk',
      created: this.context.created,
      model: this.model,
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    };
    // OpenAI sends `usage: null` on every chunk but the last when usage was asked for.
    if (this.includeUsage) chunk.usage = null;
    return chunk;
  }

  /** The content delta chunk for `text`, counted as delivered. */
  protected contentChunk(text: string): ChatCompletionChunk {
    this.deliveredChars += text.length;
    return this.chunk({ content: text });
  }

  /** Sets the finish reason and returns its chunk. */
  protected finishChunk(reason: FinishReason): ChatCompletionChunk {
    this.finish = reason;
    return this.chunk({}, reason);
  }

  /** OpenAI's final usage chunk (empty `choices`), sent only when the caller asked for it. */
  protected usageChunk(): ChatCompletionChunk {
    return {
      id: this.context.id,
      object: 'chat.completion.chunk',
      created: this.context.created,
      model: this.model,
      choices: [],
      usage: toCompletionUsage(this.usage(), this.reasoningTokens),
    };
  }
}
