import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { UpstreamClient } from '../providers/upstream-client.js';
import { AttemptAbort, CallerConnection } from './caller-connection.js';

describe('CallerConnection', () => {
  it('runs the listener once when the caller leaves', () => {
    const caller = new CallerConnection();
    const listener = jest.fn();
    caller.onLeave(listener);
    expect(caller.gone).toBe(false);
    caller.leave();
    caller.leave();
    expect(caller.gone).toBe(true);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('runs a listener at once when the caller already left', () => {
    const caller = new CallerConnection();
    caller.leave();
    const listener = jest.fn();
    caller.onLeave(listener);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('does not run an unlinked or replaced listener', () => {
    const caller = new CallerConnection();
    const first = jest.fn();
    const second = jest.fn();
    const third = jest.fn();
    caller.onLeave(first);
    const unlinkSecond = caller.onLeave(second);
    unlinkSecond();
    caller.onLeave(third)(); // unlinked at once
    caller.leave();
    expect(first).not.toHaveBeenCalled();
    expect(second).not.toHaveBeenCalled();
    expect(third).not.toHaveBeenCalled();
  });

  it('pause resolves true after the wait when the caller stays', async () => {
    const caller = new CallerConnection();
    const started = performance.now();
    await expect(caller.pause(30)).resolves.toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    // The pause's listener is gone: leaving later runs nothing of it.
    const listener = jest.fn();
    caller.onLeave(listener);
    caller.leave();
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('pause resolves false as soon as the caller leaves', async () => {
    const caller = new CallerConnection();
    const started = performance.now();
    setTimeout(() => caller.leave(), 10);
    await expect(caller.pause(5_000)).resolves.toBe(false);
    expect(performance.now() - started).toBeLessThan(4_000);
    await expect(caller.pause(5_000)).resolves.toBe(false);
  });
});

describe('AttemptAbort as an undici signal', () => {
  let server: Server;
  let url: URL;
  const client = new UpstreamClient();

  beforeAll(async () => {
    // Reads the request, never answers.
    server = createServer((request) => request.resume());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`);
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await client.onApplicationShutdown();
  });

  it('aborts a request in flight, which rejects with the reason', async () => {
    const abort = new AttemptAbort();
    const reason = Symbol('timeout');
    const pending = client.send({ url, headers: {}, body: '{}' }, abort);
    setTimeout(() => abort.abort(reason), 20);
    await expect(pending).rejects.toBe(reason);
    expect(abort.aborted).toBe(true);
    expect(abort.reason).toBe(reason);
  });

  it('refuses to send when already aborted, and keeps the first reason', async () => {
    const abort = new AttemptAbort();
    abort.abort('first');
    abort.abort('second');
    await expect(client.send({ url, headers: {}, body: '{}' }, abort)).rejects.toBe('first');
  });
});
