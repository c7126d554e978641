import type { EventEmitter } from 'node:events';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Agent, type Dispatcher } from 'undici';
import { MalformedUpstreamError, type UpstreamRequest } from './provider-adapter.js';

/** A response whose body streams in (server-sent events). */
export type UpstreamResponse = Dispatcher.ResponseData;

/** A response read whole: status, headers (names lower-case) and body. */
export interface BufferedUpstreamResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** Upstream bodies read whole (non-streamed answers, error bodies) stop at this size. */
export const MAX_BUFFERED_BODY_BYTES = 32 * 1024 * 1024;

/**
 * Sends upstream requests over pooled keep-alive connections (one undici pool per origin).
 * Timeouts are enforced by the caller's abort signal, so one mechanism governs them all.
 */
@Injectable()
export class UpstreamClient implements OnApplicationShutdown {
  private readonly agent = new Agent({
    connections: 512,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    connect: { timeout: 10_000 },
    headersTimeout: 0,
    bodyTimeout: 0,
  });

  /**
   * Sends `request`; `signal` aborts it (an AbortSignal, or an EventEmitter with `aborted` and
   * `reason` that emits 'abort', which undici also takes and which is cheaper to create).
   */
  send(request: UpstreamRequest, signal: AbortSignal | EventEmitter): Promise<UpstreamResponse> {
    return this.agent.request({
      origin: request.url.origin,
      path: request.url.pathname + request.url.search,
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal,
    });
  }

  /**
   * Sends `request` and reads the whole answer, for non-streamed calls, where nothing is passed
   * on before the body is complete. It takes undici's handler interface rather than `request()`,
   * so no Readable stream or async resource is made per call (a small saving, within the noise
   * of the benchmarks), and it bounds what an upstream can make Stilts hold: a body over
   * `maxBodyBytes` aborts the request with a {@link MalformedUpstreamError}.
   */
  sendBuffered(
    request: UpstreamRequest,
    signal: EventEmitter & { readonly aborted: boolean; readonly reason: unknown },
    maxBodyBytes = MAX_BUFFERED_BODY_BYTES,
  ): Promise<BufferedUpstreamResponse> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        // As with undici's request(): an aborted call rejects with the abort's reason.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(signal.reason);
        return;
      }
      const handler = new BufferingHandler(signal, maxBodyBytes, resolve, reject);
      this.agent.dispatch(
        {
          origin: request.url.origin,
          path: request.url.pathname + request.url.search,
          method: 'POST',
          headers: request.headers,
          body: request.body,
        },
        handler,
      );
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }
}

/**
 * Collects one response for {@link UpstreamClient.sendBuffered}. Settles exactly once: with the
 * response at its end, or with the error (the abort's reason when `signal` fired).
 */
class BufferingHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private statusCode = 0;
  private headers: BufferedUpstreamResponse['headers'] = {};
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  private settled = false;
  private readonly onAbort: () => void;

  constructor(
    private readonly signal: EventEmitter & { readonly aborted: boolean; readonly reason: unknown },
    private readonly maxBodyBytes: number,
    private readonly resolve: (response: BufferedUpstreamResponse) => void,
    private readonly reject: (error: unknown) => void,
  ) {
    this.onAbort = () => {
      if (this.controller) this.controller.abort(signal.reason as Error);
      else this.fail(signal.reason);
    };
    signal.once('abort', this.onAbort);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.settled) controller.abort(this.signal.reason as Error);
    else this.controller = controller;
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.statusCode = statusCode;
    this.headers = headers;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBodyBytes) {
      controller.abort(
        new MalformedUpstreamError(`upstream body exceeds ${this.maxBodyBytes} bytes`),
      );
      return;
    }
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settled = true;
    this.signal.off('abort', this.onAbort);
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.resolve({ statusCode: this.statusCode, headers: this.headers, body });
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    this.fail(error);
  }

  private fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.signal.off('abort', this.onAbort);
    this.reject(error);
  }
}

/** Reads one header from undici's header record (names are lower-case there). */
export function headerValue(
  headers: UpstreamResponse['headers'] | BufferedUpstreamResponse['headers'],
  name: string,
): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
