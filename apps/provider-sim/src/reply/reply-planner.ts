import type { Rng } from '@stilts/routing';
import { sampleInt } from '../faults/fault-plan.js';
import type { ResolvedBehaviour } from '../scenario/behaviour-timeline.js';
import { synthesiseArguments } from './tool-arguments.js';

/** The marker that switches a request to echo mode. */
export const ECHO_MARKER = '[[echo]]';

/** A chat request reduced to what the simulator needs, whatever wire format it came in. */
export interface ChatRequest {
  model: string;
  stream: boolean;
  /** OpenAI `stream_options.include_usage`: add a final usage chunk to the stream. */
  includeUsage: boolean;
  /** The request's output cap (max_tokens, max_completion_tokens, maxOutputTokens). */
  maxTokens: number | undefined;
  /** Characters of all message text, system prompt included, for the ceil(chars / 4) estimate. */
  promptChars: number;
  /** Some message contains {@link ECHO_MARKER}. */
  echo: boolean;
  /** Text of the last user message (for echo mode). */
  lastUserText: string;
  /** The tool to call: set when tools are offered, not disabled, and the user spoke last. */
  toolToCall: { name: string; parameters: unknown } | undefined;
  /** The tool result's text when the last message is a tool result. */
  toolResult: string | undefined;
}

/** Token counts reported in `usage`. */
export interface ReplyUsage {
  inputTokens: number;
  outputTokens: number;
}

/** The answer, independent of wire format. */
export type Reply =
  | {
      kind: 'text';
      /** One string per output token; joined they are the reply text. */
      pieces: readonly string[];
      /** `length` when the request's max tokens cut the reply short. */
      finish: 'stop' | 'length';
      usage: ReplyUsage;
      /** Random, URL-safe: the formats build response ids from it. */
      token: string;
    }
  | {
      kind: 'tool_call';
      name: string;
      arguments: Record<string, unknown>;
      argumentsJson: string;
      usage: ReplyUsage;
      token: string;
      callToken: string;
    };

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random base-62 string of `length` characters. */
export function randomToken(rng: Rng, length = 24): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(rng.next() * 62)] ?? 'A';
  return out;
}

const WORDS = [
  'the',
  'gateway',
  'routes',
  'each',
  'request',
  'to',
  'a',
  'provider',
  'that',
  'answers',
  'quickly',
  'and',
  'reliably',
  'while',
  'budgets',
  'stay',
  'within',
  'their',
  'limits',
  'so',
  'every',
  'team',
  'can',
  'ship',
  'with',
  'confidence',
  'latency',
  'remains',
  'low',
  'under',
  'load',
  'retries',
  'honour',
  'backoff',
  'circuits',
  'recover',
  'after',
  'failures',
  'tokens',
  'are',
  'counted',
  'precisely',
  'simulated',
  'responses',
  'look',
  'real',
  'enough',
  'for',
  'tests',
  'streams',
  'arrive',
  'in',
  'order',
  'on',
  'time',
  'models',
  'learn',
  'weights',
  'shift',
  'towards',
  'healthy',
  'cheap',
  'fast',
  'routes',
] as const;

/** Splits text into token-sized pieces (optional whitespace + up to 4 characters); lossless. */
export function tokenise(text: string): string[] {
  return text.match(/\s*\S{1,4}|\s+/g) ?? [];
}

/** The estimated token count of `chars` characters of text: ceil(chars / 4), at least 1. */
export function estimateTokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

function generatedPieces(
  providerId: string,
  target: number,
  toolResult: string | undefined,
  rng: Rng,
): string[] {
  const pieces = ['Hello', ' from', ` ${providerId}:`];
  if (toolResult !== undefined) {
    const snippet = toolResult.replace(/\s+/g, ' ').trim().slice(0, 160);
    pieces.push(' the', ' tool', ' returned', ...tokenise(` ${snippet}`), '.');
  }
  while (pieces.length < target) {
    pieces.push(` ${WORDS[Math.floor(rng.next() * WORDS.length)] ?? 'the'}`);
  }
  // A plain reply is exactly `target` tokens; one that quotes a tool result may be longer.
  return toolResult === undefined ? pieces.slice(0, target) : pieces;
}

/**
 * Decides the reply to a valid request: a call to the requested tool, an echo of the user, or
 * text of the scenario's output size ("Hello from <provider>: ...", mentioning the tool result
 * when there is one), capped by the request's max tokens.
 */
export function planReply(
  request: ChatRequest,
  behaviour: ResolvedBehaviour,
  providerId: string,
  rng: Rng,
): Reply {
  const token = randomToken(rng);
  const target = sampleInt(behaviour.outputTokens.min, behaviour.outputTokens.max, rng);
  const inputTokens = behaviour.inputTokens ?? estimateTokens(request.promptChars);

  if (!request.echo && request.toolToCall !== undefined) {
    const args = synthesiseArguments(request.toolToCall.parameters);
    const argumentsJson = JSON.stringify(args);
    return {
      kind: 'tool_call',
      name: request.toolToCall.name,
      arguments: args,
      argumentsJson,
      usage: {
        inputTokens,
        // Never report more than the request allowed: the gateway's budget reservation relies on it.
        outputTokens: Math.min(
          estimateTokens(request.toolToCall.name.length + argumentsJson.length),
          request.maxTokens ?? Number.POSITIVE_INFINITY,
        ),
      },
      token,
      callToken: randomToken(rng),
    };
  }

  let pieces = request.echo
    ? tokenise(request.lastUserText)
    : generatedPieces(providerId, target, request.toolResult, rng);
  let finish: 'stop' | 'length' = 'stop';
  if (request.maxTokens !== undefined && pieces.length > request.maxTokens) {
    pieces = pieces.slice(0, request.maxTokens);
    finish = 'length';
  }
  return {
    kind: 'text',
    pieces,
    finish,
    usage: { inputTokens, outputTokens: pieces.length },
    token,
  };
}

/** Groups pieces into stream chunks of `size` tokens each. */
export function groupPieces(pieces: readonly string[], size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < pieces.length; i += size) out.push(pieces.slice(i, i + size).join(''));
  return out;
}

/** Splits a string into parts of at most `size` characters (tool arguments in a stream). */
export function splitEvery(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
