import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AttemptAbort } from '../gateway/caller-connection.js';
import { MalformedUpstreamError } from './provider-adapter.js';
import { UpstreamClient } from './upstream-client.js';

describe('UpstreamClient.sendBuffered', () => {
  let server: Server;
  let base: string;
  const seen: { path: string; body: string }[] = [];
  const client = new UpstreamClient();

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '';
        seen.push({ path, body: Buffer.concat(chunks).toString('utf8') });
        if (path === '/chunked') {
          // Three writes, one multi-byte character split across two of them.
          const bytes = Buffer.from('{"text":"héllo wörld"}');
          response.writeHead(200, { 'content-type': 'application/json', 'X-Upstream': 'sim' });
          response.write(bytes.subarray(0, 11));
          setTimeout(() => {
            response.write(bytes.subarray(11, 17));
            setTimeout(() => response.end(bytes.subarray(17)), 5);
          }, 5);
        } else if (path === '/limited') {
          response.writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' });
          response.end('{"error":{"message":"slow down"}}');
        } else if (path === '/big') {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.write(Buffer.alloc(600, 'a'));
          response.end(Buffer.alloc(600, 'b'));
        }
        // '/hang': never answers.
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await client.onApplicationShutdown();
  });

  const request = (path: string, body = '{"q":1}') => ({
    url: new URL(`${base}${path}`),
    headers: { 'content-type': 'application/json' },
    body,
  });

  it('resolves with the status, lower-case headers and the whole body, and leaves no listener', async () => {
    const abort = new AttemptAbort();
    const response = await client.sendBuffered(request('/chunked', '{"model":"m"}'), abort);
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-upstream']).toBe('sim');
    expect(JSON.parse(response.body.toString('utf8'))).toEqual({ text: 'héllo wörld' });
    expect(seen.at(-1)).toEqual({ path: '/chunked', body: '{"model":"m"}' });
    expect(abort.listenerCount('abort')).toBe(0);
    abort.abort('late'); // after the answer: nothing to abort, nothing thrown
  });

  it('resolves an error status with its headers and body (the caller classifies it)', async () => {
    const response = await client.sendBuffered(request('/limited'), new AttemptAbort());
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
    expect(response.body.toString('utf8')).toBe('{"error":{"message":"slow down"}}');
  });

  it('aborts a request in flight, rejecting with the reason', async () => {
    const abort = new AttemptAbort();
    const reason = Symbol('timeout');
    const pending = client.sendBuffered(request('/hang'), abort);
    setTimeout(() => abort.abort(reason), 20);
    await expect(pending).rejects.toBe(reason);
    expect(abort.listenerCount('abort')).toBe(0);
  });

  it('sends nothing when the signal was already aborted', async () => {
    const before = seen.length;
    const abort = new AttemptAbort();
    abort.abort('first');
    await expect(client.sendBuffered(request('/chunked'), abort)).rejects.toBe('first');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(seen.length).toBe(before);
  });

  it('rejects a body larger than the limit as malformed', async () => {
    const abort = new AttemptAbort();
    const pending = client.sendBuffered(request('/big'), abort, 1_000);
    await expect(pending).rejects.toBeInstanceOf(MalformedUpstreamError);
    await expect(pending).rejects.toThrow('upstream body exceeds 1000 bytes');
    expect(abort.listenerCount('abort')).toBe(0);
    // The limit is on the body, not the sum of all answers: the same client reads a body under it.
    const small = await client.sendBuffered(request('/big'), new AttemptAbort(), 1_200);
    expect(small.body.length).toBe(1_200);
  });

  it('rejects with a coded network error when nothing listens', async () => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as AddressInfo).port;
    probe.close();
    await once(probe, 'close');
    const error = await client
      .sendBuffered(
        { url: new URL(`http://127.0.0.1:${port}/v1`), headers: {}, body: '{}' },
        new AttemptAbort(),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((error as { code?: string }).code).toBe('ECONNREFUSED');
  });
});
