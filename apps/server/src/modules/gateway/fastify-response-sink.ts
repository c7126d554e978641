import type { FastifyReply } from 'fastify';
import type { ResponseSink } from './response-sink.js';

/** Writes the gateway's answer to a Fastify reply; streams go straight to the socket. */
export class FastifyResponseSink implements ResponseSink {
  private corked = false;

  constructor(private readonly reply: FastifyReply) {}

  /**
   * Holds this tick's writes on the socket and sends them as one at the end of the tick: the
   * events translated from one upstream read (often a dozen) leave in one syscall, not one each.
   */
  private batchWrites(): void {
    if (this.corked) return;
    const raw = this.reply.raw;
    this.corked = true;
    raw.cork();
    process.nextTick(() => {
      this.corked = false;
      raw.uncork();
    });
  }

  sendJson(status: number, headers: Readonly<Record<string, string>>, body: string): void {
    void this.reply.code(status).headers(headers).send(body);
  }

  startStream(headers: Readonly<Record<string, string>>, trailers: readonly string[]): void {
    // Headers set on the reply before (rate limits) are not sent by a hijacked reply: merge them.
    const earlier: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.reply.getHeaders())) {
      if (value !== undefined)
        earlier[name] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    this.reply.hijack();
    const raw = this.reply.raw;
    this.batchWrites();
    raw.writeHead(200, {
      ...earlier,
      ...headers,
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...(trailers.length > 0 ? { trailer: trailers.join(', ') } : {}),
    });
    raw.flushHeaders();
  }

  write(data: string): Promise<void> | void {
    const raw = this.reply.raw;
    if (raw.destroyed || raw.writableEnded) return;
    this.batchWrites();
    if (raw.write(data)) return;
    return new Promise((resolve) => {
      const done = (): void => {
        raw.off('drain', done);
        raw.off('close', done);
        resolve();
      };
      raw.on('drain', done);
      raw.on('close', done);
    });
  }

  end(trailers?: Readonly<Record<string, string>>): void {
    const raw = this.reply.raw;
    if (raw.writableEnded) return;
    if (trailers && !raw.destroyed) raw.addTrailers(trailers);
    raw.end();
  }
}
