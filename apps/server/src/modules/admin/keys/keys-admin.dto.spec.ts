import { describe, expect, it } from '@jest/globals';
import { apiKeySchema } from '@stilts/admin-contract';
import { isDomainError } from '../../../common/errors/domain-error.js';
import type { ApiKeyRecord } from '../../keys/api-key.types.js';
import { apiKeyDto, apiKeyState, keyCursor, keyPosition, teamDto } from './keys-admin.dto.js';

const NOW = Date.UTC(2026, 10, 24, 12);

function record(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: '4f1c0f5e-8a4b-4a7e-9d38-0a5d8e0c1b2a',
    teamId: '0b6c7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d0e',
    name: 'ci',
    prefix: 'sk-stilts-AbC123',
    hash: 'a'.repeat(64),
    allowedRoutes: ['chat'],
    requestsPerMinute: 60,
    tokensPerMinute: null,
    expiresAt: null,
    revokedAt: null,
    createdAt: NOW - 60_000,
    ...overrides,
  };
}

describe('apiKeyDto', () => {
  it('answers the contract shape with ISO instants and never the hash, even when handed one', () => {
    const dto = apiKeyDto(record({ expiresAt: NOW + 1_000 }), NOW);
    expect(apiKeySchema.strict().parse(dto)).toEqual(dto);
    expect(dto).toEqual({
      id: '4f1c0f5e-8a4b-4a7e-9d38-0a5d8e0c1b2a',
      teamId: '0b6c7d8e-1f2a-4b3c-8d4e-5f6a7b8c9d0e',
      name: 'ci',
      prefix: 'sk-stilts-AbC123',
      allowedRoutes: ['chat'],
      requestsPerMinute: 60,
      tokensPerMinute: null,
      expiresAt: '2026-11-24T12:00:01.000Z',
      revokedAt: null,
      createdAt: '2026-11-24T11:59:00.000Z',
      state: 'active',
    });
    expect(JSON.stringify(dto)).not.toContain('a'.repeat(64));
  });
});

describe('apiKeyState', () => {
  it.each([
    ['active without expiry', { revokedAt: null, expiresAt: null }, 'active'],
    ['active before its expiry', { revokedAt: null, expiresAt: NOW + 1 }, 'active'],
    ['expired at its expiry', { revokedAt: null, expiresAt: NOW }, 'expired'],
    ['revoked, even when also expired', { revokedAt: NOW - 5, expiresAt: NOW - 10 }, 'revoked'],
  ] as const)('%s', (_label, key, state) => {
    expect(apiKeyState(key, NOW)).toBe(state);
  });
});

describe('key cursors', () => {
  it('round-trips a position, microseconds included', () => {
    const position = { createdUs: 1_795_500_000_123_456, id: record().id };
    expect(keyPosition(keyCursor(position))).toEqual(position);
  });

  it('refuses what is not a key cursor with a 400 on cursor', () => {
    for (const cursor of ['garbage', Buffer.from('["x",1]').toString('base64url')]) {
      let error: unknown;
      try {
        keyPosition(cursor);
      } catch (e) {
        error = e;
      }
      expect(isDomainError(error) && error.status === 400 && error.errors?.[0]?.path).toBe(
        'cursor',
      );
    }
  });
});

it('teamDto answers ISO instants', () => {
  expect(teamDto({ id: 't', name: 'ml', createdAt: NOW })).toEqual({
    id: 't',
    name: 'ml',
    createdAt: '2026-11-24T12:00:00.000Z',
  });
});
