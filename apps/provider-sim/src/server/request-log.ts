import type { IncomingHttpHeaders } from 'node:http';
import type { WireFormatName } from '../formats/wire-format.js';
import type { SimOutcome } from './sim-stats.js';

/** One received request as kept for assertions; credentials are already redacted. */
export interface RecordedRequest {
  /** Arrival order across the whole simulator, from 1. */
  seq: number;
  /** Simulator clock (ms) at arrival. */
  receivedAt: number;
  /** The provider id from the path, or `undefined` for control and unknown paths. */
  providerId: string | undefined;
  format: WireFormatName | undefined;
  method: string;
  /** Path and query, with any `key=` query parameter redacted. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body; the raw text when it was not JSON; `undefined` when empty. */
  body: unknown;
  /** Set once the simulator has decided the answer. */
  outcome: SimOutcome | undefined;
  /** HTTP status sent; 0 when the socket was destroyed instead. */
  status: number | undefined;
}

/** Internal entry: headers are kept as received and redacted only when read. */
export interface RequestLogEntry extends Omit<RecordedRequest, 'headers' | 'url'> {
  rawHeaders: IncomingHttpHeaders;
  rawUrl: string;
}

const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'x-goog-api-key',
  'api-key',
  'cookie',
]);

/** The redaction placeholder. */
export const REDACTED = '[redacted]';

/** Copies headers with every credential-bearing value replaced by {@link REDACTED}. */
export function redactHeaders(
  headers: IncomingHttpHeaders,
): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) && value !== undefined ? REDACTED : value;
  }
  return out;
}

/** Replaces the value of any `key=` query parameter (Gemini's API key) with {@link REDACTED}. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((part) => (part === 'key' || part.startsWith('key=') ? `key=${REDACTED}` : part))
    .join('&');
  return `${url.slice(0, q)}?${query}`;
}

/**
 * A bounded ring buffer of the last `capacity` requests. Pushing is O(1) and copies nothing;
 * redaction happens on read, so the hot path pays only for storing a reference.
 */
export class RequestLog {
  private readonly entries: (RequestLogEntry | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.entries = new Array<RequestLogEntry | undefined>(Math.max(0, capacity));
  }

  push(entry: RequestLogEntry): void {
    if (this.capacity <= 0) return;
    this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  clear(): void {
    this.entries.fill(undefined);
    this.next = 0;
    this.count = 0;
  }

  /** Oldest first, redacted, optionally only those for `providerId`. */
  list(providerId?: string): RecordedRequest[] {
    const out: RecordedRequest[] = [];
    const start = (this.next - this.count + this.capacity) % Math.max(1, this.capacity);
    for (let i = 0; i < this.count; i++) {
      const entry = this.entries[(start + i) % this.capacity];
      if (entry === undefined) continue;
      if (providerId !== undefined && entry.providerId !== providerId) continue;
      const { rawHeaders, rawUrl, ...rest } = entry;
      out.push({ ...rest, url: redactUrl(rawUrl), headers: redactHeaders(rawHeaders) });
    }
    return out;
  }
}
