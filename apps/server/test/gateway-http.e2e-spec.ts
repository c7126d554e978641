import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startGatewayHarness, type GatewayHarness } from './support/gateway-harness.js';
import { scenarioOf, simCatalog } from './support/sim-fixtures.js';

let harness: GatewayHarness;
beforeAll(async () => {
  harness = await startGatewayHarness({
    scenario: scenarioOf({ a: {} }),
    catalog: (sim) => simCatalog(sim, { name: 'chat-default', members: [{ id: 'a' }] }),
    env: { BODY_LIMIT_BYTES: '65536' },
  });
});
afterAll(async () => {
  await harness.close();
});

function post(body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${harness.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

async function openAiError(
  response: Response,
): Promise<{ message: string; type: string; code: string; param: string | null }> {
  const json = (await response.json()) as {
    error: { message: string; type: string; code: string; param: string | null };
  };
  expect(Object.keys(json)).toEqual(['error']);
  expect(Object.keys(json.error).sort()).toEqual(
    expect.arrayContaining(['code', 'message', 'param', 'type']),
  );
  return json.error;
}

describe('HTTP surface', () => {
  it('lists the routes as models', async () => {
    const models = await harness.client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['chat-default']);
    expect(models.data[0]?.object).toBe('model');
  });

  it('answers an unknown model with 404 model_not_found naming the param', async () => {
    const response = await post(
      JSON.stringify({ model: 'gpt-nope', messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(response.status).toBe(404);
    const error = await openAiError(response);
    expect(error).toMatchObject({
      code: 'model_not_found',
      param: 'model',
      type: 'invalid_request_error',
    });
    expect(error.message).toContain('gpt-nope');
  });

  it('answers invalid JSON with 400 invalid_json', async () => {
    const response = await post('{"model": "chat-default", "messages": [');
    expect(response.status).toBe(400);
    expect((await openAiError(response)).code).toBe('invalid_json');
    expect(response.headers.get('x-request-id')).toEqual(expect.any(String));
  });

  it('answers a schema violation with 400 naming the field', async () => {
    const response = await post(
      JSON.stringify({ model: 'chat-default', messages: [{ role: 'user' }] }),
    );
    expect(response.status).toBe(400);
    const error = await openAiError(response);
    expect(error.param).toBe('messages[0].content');
  });

  it('answers a body over the limit with 413', async () => {
    const big = 'x'.repeat(70_000);
    const response = await post(
      JSON.stringify({ model: 'chat-default', messages: [{ role: 'user', content: big }] }),
    );
    expect(response.status).toBe(413);
    expect((await openAiError(response)).code).toBe('request_too_large');
  });

  it('answers a non-JSON content type with 415', async () => {
    const response = await post('model=chat-default', { 'content-type': 'text/plain' });
    expect(response.status).toBe(415);
    expect((await openAiError(response)).code).toBe('unsupported_content_type');
  });

  it('answers an unknown /v1 path with 404 in the OpenAI shape', async () => {
    const response = await fetch(`${harness.url}/v1/embeddings-nope`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect((await openAiError(response)).code).toBe('not_found');
  });

  it("echoes a caller's safe X-Request-Id and replaces an unsafe one", async () => {
    const body = JSON.stringify({
      model: 'chat-default',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const kept = await post(body, { 'x-request-id': 'trace-123.abc' });
    expect(kept.headers.get('x-request-id')).toBe('trace-123.abc');
    expect(harness.recorder.forRequest('trace-123.abc')).toHaveLength(1);
    const replaced = await post(body, { 'x-request-id': 'bad id with spaces' });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
