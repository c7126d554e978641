import type { ApiKey, ApiKeyState, Team as TeamDto } from '@stilts/admin-contract';
import type { Team } from '../../keys/api-key.types.js';
import type { KeyPosition } from '../../keys/keys.repository.js';
import type { ApiKeyView } from '../../keys/keys.service.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** A team as the admin API answers it. */
export function teamDto(team: Team): TeamDto {
  return { id: team.id, name: team.name, createdAt: new Date(team.createdAt).toISOString() };
}

/** Where a key stands at `nowMs`: revocation wins over expiry (as in the key store). */
export function apiKeyState(
  key: Pick<ApiKeyView, 'revokedAt' | 'expiresAt'>,
  nowMs: number,
): ApiKeyState {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== null && key.expiresAt <= nowMs) return 'expired';
  return 'active';
}

/**
 * A key as the admin API answers it. Built field by field, so nothing the domain object might
 * carry beyond these (a hash, say) can reach a response.
 */
export function apiKeyDto(key: ApiKeyView, nowMs: number): ApiKey {
  return {
    id: key.id,
    teamId: key.teamId,
    name: key.name,
    prefix: key.prefix,
    allowedRoutes: key.allowedRoutes === null ? null : [...key.allowedRoutes],
    requestsPerMinute: key.requestsPerMinute,
    tokensPerMinute: key.tokensPerMinute,
    expiresAt: iso(key.expiresAt),
    revokedAt: iso(key.revokedAt),
    createdAt: new Date(key.createdAt).toISOString(),
    state: apiKeyState(key, nowMs),
  };
}

/** The opaque cursor of a key's position in the newest-first listing. */
export function keyCursor(position: KeyPosition): string {
  return encodeCursor([position.createdUs, position.id]);
}

/** The position a {@link keyCursor} encodes (400 on `cursor` for anything else). */
export function keyPosition(cursor: string): KeyPosition {
  const [createdUs, id] = decodeCursor(cursor, ['number', 'string']);
  return { createdUs, id };
}
