import { describe, expect, it } from '@jest/globals';
import { apiKey, team } from '../../testing/fixtures';
import { EMPTY_KEY_FORM, createKeyBody, keyToForm, updateKeyBody } from './key-form';

const NOW = Date.UTC(2026, 10, 24);

describe('createKeyBody', () => {
  it('builds a key with limits, routes and an expiry', () => {
    expect(
      createKeyBody(
        {
          ...EMPTY_KEY_FORM,
          teamId: team().id,
          name: 'billing',
          routes: ['chat-default'],
          requestsPerMinute: '600',
          tokensPerMinute: '1,000,000',
          expiresInDays: '30',
        },
        NOW,
      ),
    ).toEqual({
      body: {
        teamId: team().id,
        name: 'billing',
        allowedRoutes: ['chat-default'],
        requestsPerMinute: 600,
        tokensPerMinute: 1_000_000,
        expiresAt: new Date(NOW + 30 * 86_400_000).toISOString(),
      },
    });
  });

  it('means every route and no limit when left empty', () => {
    const built = createKeyBody({ ...EMPTY_KEY_FORM, teamId: team().id, name: 'dev' }, NOW);
    expect(built).toHaveProperty('body.allowedRoutes', null);
    expect(built).toHaveProperty('body.requestsPerMinute', null);
    expect(built).toHaveProperty('body.expiresAt', null);
  });

  it('refuses a missing team or name and a limit that is not a positive whole number', () => {
    const built = createKeyBody(
      { ...EMPTY_KEY_FORM, requestsPerMinute: '1.5', tokensPerMinute: '0' },
      NOW,
    );
    expect(built).toHaveProperty('errors.teamId', 'Choose a team.');
    expect(built).toHaveProperty('errors.name');
    expect(built).toHaveProperty('errors.requestsPerMinute');
    expect(built).toHaveProperty('errors.tokensPerMinute');
  });
});

describe('updateKeyBody', () => {
  it('keeps the expiry unless asked, and lifts limits with empty fields', () => {
    const form = keyToForm(apiKey({ requestsPerMinute: 60, allowedRoutes: ['chat-premium'] }));
    expect(updateKeyBody({ ...form, requestsPerMinute: '' }, NOW)).toEqual({
      body: {
        name: 'development',
        allowedRoutes: ['chat-premium'],
        requestsPerMinute: null,
        tokensPerMinute: null,
      },
    });
    expect(updateKeyBody({ ...form, expiresInDays: '' }, NOW)).toHaveProperty(
      'body.expiresAt',
      null,
    );
  });
});
