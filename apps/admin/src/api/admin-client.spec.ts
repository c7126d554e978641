import { describe, expect, it, jest } from '@jest/globals';
import { fakeResponse } from '../testing/render';
import { callAdmin, errorMessage, isAdminApiError, type FetchLike } from './admin-client';

describe('callAdmin', () => {
  it('sends the endpoint’s method, URL and JSON body with the session cookie', async () => {
    const fetch = jest.fn<FetchLike>(() => Promise.resolve(fakeResponse(201, { id: '1' })));
    const result = await callAdmin(
      'createOverride',
      { body: { kind: 'freeze_route', route: 'chat', reason: 'why not' } },
      { fetch },
    );
    expect(result).toEqual({ id: '1' });
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe('/admin/api/overrides');
    expect(init).toMatchObject({ method: 'POST', credentials: 'same-origin' });
    expect(init?.headers).toMatchObject({ 'content-type': 'application/json' });
    expect(JSON.parse(init?.body as string)).toEqual({
      kind: 'freeze_route',
      route: 'chat',
      reason: 'why not',
    });
  });

  it('encodes path parameters and the query', async () => {
    const fetch = jest.fn<FetchLike>(() => Promise.resolve(fakeResponse(200, {})));
    await callAdmin(
      'weightHistory',
      { params: { route: 'a/b' }, query: { from: 'x', to: 'y' } },
      { fetch },
    );
    expect(fetch.mock.calls[0]?.[0]).toBe('/admin/api/weights/a%2Fb/history?from=x&to=y');
  });

  it('throws the API’s error with its code, field errors and request id', async () => {
    const fetch = jest.fn<FetchLike>(() =>
      Promise.resolve(
        fakeResponse(400, {
          message: 'Invalid override.',
          code: 'validation_failed',
          errors: [{ path: 'reason', message: 'too short' }],
        }),
      ),
    );
    const error: unknown = await callAdmin('listWeights', {}, { fetch }).catch((e: unknown) => e);
    expect(isAdminApiError(error)).toBe(true);
    expect(error).toMatchObject({ status: 400, code: 'validation_failed', requestId: 'req-test' });
    expect(errorMessage(error)).toBe('Invalid override. (reason: too short)');
  });

  it('reports a non-JSON failure and a network failure as errors too', async () => {
    const broken = jest.fn<FetchLike>(() => Promise.resolve(fakeResponse(502, 'Bad gateway')));
    await expect(callAdmin('live', {}, { fetch: broken })).rejects.toMatchObject({
      status: 502,
      code: 'internal_error',
    });
    const offline = jest.fn<FetchLike>(() => Promise.reject(new TypeError('Failed to fetch')));
    await expect(callAdmin('live', {}, { fetch: offline })).rejects.toMatchObject({
      status: 0,
      code: 'network_error',
    });
  });

  it('answers null for 204', async () => {
    const fetch = jest.fn<FetchLike>(() => Promise.resolve(fakeResponse(204, null)));
    await expect(callAdmin('logout', {}, { fetch })).resolves.toBeNull();
  });
});
