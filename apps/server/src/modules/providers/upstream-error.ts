import { isJsonObject, stringOr } from './json-value.js';
import type { UpstreamErrorInfo } from './provider-adapter.js';

/** Longest upstream error message passed on to callers and logs. */
export const MAX_ERROR_MESSAGE_CHARS = 500;

/**
 * Scrubbing looks at this much of a body at most. A key cut at this boundary cannot leak: the
 * message shown is truncated to {@link MAX_ERROR_MESSAGE_CHARS} long before it.
 */
const MAX_SCRUB_INPUT_CHARS = 4000;

const REDACTED = '[redacted]';

/** Characters of base64, base64url and hex tokens. */
const TOKEN_CHAR = '[A-Za-z0-9_+/=-]';

/**
 * Patterns of credentials that providers echo in error messages (OpenAI's "Incorrect API key
 * provided: sk-proj-****abcd"), compiled once. Order matters: specific shapes first, then the
 * catch-all for long opaque tokens.
 */
const SECRET_PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/\b(Bearer\s+)[^\s"',;]+/gi, `$1${REDACTED}`],
  // OpenAI (sk-, sk-proj-) and Anthropic (sk-ant-) keys, also masked ones such as sk-ab***cd.
  [/\bsk-[A-Za-z0-9_*-]+(?:\.+[A-Za-z0-9_*-]+)*/g, REDACTED],
  // Google API keys.
  [/\bAIza[0-9A-Za-z_-]{8,}/g, REDACTED],
  [/([?&](?:key|api[_-]?key|access_token|token)=)[^&\s"']+/gi, `$1${REDACTED}`],
  // Any run of 32+ token characters with at least one digit and one letter: hex and base64
  // secrets of any provider. Prose and URLs do not match (no digits, or broken up by dots);
  // the occasional UUID or long identifier is redacted too, which is the safe failure.
  [
    new RegExp(
      `(?<!${TOKEN_CHAR})(?=${TOKEN_CHAR}*\\d)(?=${TOKEN_CHAR}*[A-Za-z])${TOKEN_CHAR}{32,}`,
      'g',
    ),
    REDACTED,
  ],
];

const HTML_TAG = /<[^>]*>/g;
const WHITESPACE_RUN = /\s+/g;

/** Replaces anything that looks like a credential with `[redacted]`. */
export function scrubSecrets(text: string): string {
  let out = text.length > MAX_SCRUB_INPUT_CHARS ? text.slice(0, MAX_SCRUB_INPUT_CHARS) : text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Scrubs and shortens a message to at most {@link MAX_ERROR_MESSAGE_CHARS} characters. */
export function safeMessage(text: string): string {
  const scrubbed = scrubSecrets(text);
  return scrubbed.length > MAX_ERROR_MESSAGE_CHARS
    ? `${scrubbed.slice(0, MAX_ERROR_MESSAGE_CHARS - 1)}…`
    : scrubbed;
}

/** The message and type of a JSON error body in any of the shapes providers use, if found. */
function fromJson(value: unknown): { message: string; type: string | null } | undefined {
  // Gemini's streamGenerateContent without alt=sse wraps errors in an array.
  const body = Array.isArray(value) ? (value[0] as unknown) : value;
  if (!isJsonObject(body)) return undefined;
  const error = body.error;
  if (isJsonObject(error)) {
    // OpenAI {error:{message,type,code}}, Anthropic {type:'error',error:{type,message}},
    // Gemini {error:{code,message,status}}.
    const message = stringOr(error.message);
    if (message === undefined) return undefined;
    const type = stringOr(error.type) ?? stringOr(error.status) ?? stringOr(error.code) ?? null;
    return { message, type };
  }
  // Ollama and other OpenAI-compatible servers: {error:"..."}.
  if (typeof error === 'string') return { message: error, type: null };
  // vLLM {object:'error',message,type} and FastAPI {detail:"..."}.
  const message = stringOr(body.message) ?? stringOr(body.detail);
  if (message !== undefined) return { message, type: stringOr(body.type) ?? null };
  return undefined;
}

/**
 * Reads an upstream error body of any status into a message fit for callers: the provider's
 * message when the body is a known JSON error shape, else the body as plain text (HTML tags
 * removed). Always scrubbed of credentials and at most 500 characters. Never throws.
 */
export function parseUpstreamError(status: number, body: string): UpstreamErrorInfo {
  const text = body.trim();
  const first = text.charCodeAt(0);
  if (first === 123 /* { */ || first === 91 /* [ */) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const found = fromJson(parsed);
    if (found && found.message.trim().length > 0) {
      return { message: safeMessage(found.message.trim()), type: found.type };
    }
  }
  const plain = (text.length > MAX_SCRUB_INPUT_CHARS ? text.slice(0, MAX_SCRUB_INPUT_CHARS) : text)
    .replace(HTML_TAG, ' ')
    .replace(WHITESPACE_RUN, ' ')
    .trim();
  return { message: plain.length > 0 ? safeMessage(plain) : `HTTP ${status}`, type: null };
}
