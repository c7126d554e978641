import type { ApiKeyRecord } from './api-key.types.js';

/**
 * Identifies `/v1/*` callers by their API key. Throws a 401 `GatewayError` for a missing,
 * malformed, unknown, revoked or expired key. Reads memory only: it runs on every request.
 */
export interface ApiKeyAuthenticator {
  /** The caller's key, or null when keys are not enforced (tests of the HTTP surface only). */
  authenticate(authorization: string | undefined): ApiKeyRecord | null;
}

export const API_KEY_AUTH = Symbol('API_KEY_AUTH');

/** No keys: every caller is anonymous. Only for memory-mode tests; production always checks. */
export const NO_API_KEY_AUTH: ApiKeyAuthenticator = { authenticate: () => null };
