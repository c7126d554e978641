// A minimal client of Stilts' admin API (`/admin/api`, see libs/admin-contract) for benchmarks:
// bearer-token auth, JSON in and out, an error naming the endpoint and status (never the token).

/**
 * `{ get(path), post(path, body) }` against `<baseUrl>/admin/api`, authenticated with
 * `adminToken` (a secret: it is only ever sent in the Authorization header).
 */
export function adminApi(baseUrl, adminToken) {
  async function call(method, apiPath, body) {
    const response = await fetch(`${baseUrl}/admin/api${apiPath}`, {
      method,
      headers: {
        authorization: `Bearer ${adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`${method} /admin/api${apiPath}: ${response.status} ${text.slice(0, 300)}`);
    }
    return text ? JSON.parse(text) : undefined;
  }
  return {
    get: (apiPath) => call('GET', apiPath),
    post: (apiPath, body) => call('POST', apiPath, body),
  };
}
