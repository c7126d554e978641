import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { spawnStilts, type StiltsProcess } from './support/spawn-stilts.js';
import { dropSchema } from './support/test-database.js';

const SLOW_STREAMS = {
  providers: Object.fromEntries(
    ['sim-openai', 'sim-anthropic', 'sim-gemini', 'sim-local'].map((id) => [
      id,
      {
        ...(id === 'sim-local' ? {} : { apiKey: `sim-key-${id.slice(4)}` }),
        behaviour: {
          latency: { kind: 'fixed', ms: 0 },
          outputTokens: 40,
          chunkTokens: 1,
          interChunkMs: 40,
        },
      },
    ]),
  ),
};

let server: StiltsProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
  if (server) await dropSchema(server.databaseUrl, server.schema);
  server = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the server process', () => {
  it('serves the demo on the built-in simulator when no provider is configured', async () => {
    server = await spawnStilts({ STILTS_SIMULATOR: 'auto' });
    const client = new OpenAI({
      baseURL: `${server.url}/v1`,
      apiKey: server.apiKey,
      maxRetries: 2,
    });
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('chat-default');
    const { data, response } = await client.chat.completions
      .create({ model: 'chat-default', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(response.headers.get('x-provider')).toMatch(/^sim-/);
    expect(data.choices[0]?.message.content).toEqual(expect.any(String));
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('on SIGTERM finishes the in-flight stream, refuses new connections, and exits 0', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'stilts-'));
    const scenario = path.join(dir, 'slow.json');
    await writeFile(scenario, JSON.stringify(SLOW_STREAMS));
    server = await spawnStilts({ STILTS_SIMULATOR: 'on', SIM_SCENARIO: scenario });
    const client = new OpenAI({
      baseURL: `${server.url}/v1`,
      apiKey: server.apiKey,
      maxRetries: 0,
    });
    const stream = await client.chat.completions.create({
      model: 'chat-default',
      stream: true,
      messages: [{ role: 'user', content: 'a long answer please' }],
    });
    let text = '';
    let finish: string | null = null;
    let signalled = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (!signalled) {
        signalled = true;
        server.child.kill('SIGTERM');
        await server.waitForLine(/shutting down/);
        await expect(
          fetch(`${server.url}/v1/models`, {
            headers: { authorization: `Bearer ${server.apiKey}` },
          }),
        ).rejects.toThrow();
      }
    }
    expect(finish).toBe('stop');
    expect(text.split(' ').length).toBeGreaterThan(20);
    expect(await server.exited).toBe(0);
  });
});
