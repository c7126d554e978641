import { isJsonObject, type JsonObject } from './json-value.js';
import { UnsupportedRequestError } from './provider-adapter.js';

/** Text content of a message: a string, or parts of which only the text ones count. */
export type TextContent = string | readonly { type: string; text?: string }[];

/** The text of a message's content; text parts are concatenated as OpenAI does. */
export function textOf(content: TextContent | null | undefined): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  if (content.length === 1) return content[0]?.text ?? '';
  let text = '';
  for (const part of content) if (part.text !== undefined) text += part.text;
  return text;
}

/** A decoded `data:<media type>;base64,<data>` URL. */
export interface DataUrl {
  /** e.g. `image/png`, without parameters. */
  mediaType: string;
  /** The base64 payload, as sent. */
  data: string;
}

/**
 * Splits a base64 data URL without copying its payload (a slice of a large string shares its
 * memory in V8). Returns undefined for other URLs and for data URLs that are not base64.
 */
export function parseDataUrl(url: string): DataUrl | undefined {
  if (!url.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  if (comma === -1) return undefined;
  const header = url.slice(5, comma);
  if (!header.endsWith(';base64')) return undefined;
  const semicolon = header.indexOf(';');
  const mediaType = header.slice(0, semicolon).trim().toLowerCase();
  if (mediaType.length === 0) return undefined;
  return { mediaType, data: url.slice(comma + 1) };
}

/** True for `http:` and `https:` URLs. */
export function isHttpUrl(url: string): boolean {
  return url.startsWith('https://') || url.startsWith('http://');
}

const ONLY_WHITESPACE = /^\s*$/;

/**
 * Parses an assistant tool call's `arguments` for providers that take them as a JSON object
 * (Anthropic's `input`, Gemini's `args`). An empty string means no arguments, as some models
 * emit it for parameterless tools.
 *
 * Invalid JSON is the caller's error, but it is reported as {@link UnsupportedRequestError}
 * (a 400 naming the field when no deployment can take the request): an OpenAI-compatible
 * deployment of the same route can still pass the string through verbatim.
 */
export function parseToolArguments(args: string, param: string, provider: string): JsonObject {
  if (ONLY_WHITESPACE.test(args)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    throw new UnsupportedRequestError(
      `Tool call arguments are not valid JSON; ${provider} needs them as a JSON object.`,
      param,
    );
  }
  if (!isJsonObject(parsed)) {
    throw new UnsupportedRequestError(
      `Tool call arguments must be a JSON object for ${provider}.`,
      param,
    );
  }
  return parsed;
}
