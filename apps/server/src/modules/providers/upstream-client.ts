import type { EventEmitter } from 'node:events';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Agent, type Dispatcher } from 'undici';
import type { UpstreamRequest } from './provider-adapter.js';

export type UpstreamResponse = Dispatcher.ResponseData;

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

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }
}

/** Reads one header from undici's header record (names are lower-case there). */
export function headerValue(
  headers: UpstreamResponse['headers'],
  name: string,
): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
