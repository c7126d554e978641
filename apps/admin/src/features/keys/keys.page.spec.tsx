import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { CreatedAdminToken } from '@stilts/admin-contract';
import { apiKey, team } from '../../testing/fixtures';
import { mockApi, renderWithApp, type ApiRoute } from '../../testing/render';
import { KeyFormView } from './api-keys';
import { CreateTokenForm } from './admin-tokens';
import { KeysPage } from './keys.page';
import { expiryFromDays } from './token-expiry';

let restore = (): void => undefined;
afterEach(() => restore());

const created: CreatedAdminToken = {
  token: {
    id: '7',
    name: 'on-call',
    role: 'viewer',
    prefix: 'st-admin-Zz9y',
    createdAt: '2026-11-24T10:00:00.000Z',
    createdBy: 'ops',
    lastUsedAt: null,
    expiresAt: null,
    revokedAt: null,
  },
  secret: 'st-admin-Zz9y-secret',
};

describe('CreateTokenForm', () => {
  it('validates with the contract and creates the token', async () => {
    const api = mockApi([
      { method: 'POST', path: '/admin/api/tokens', status: 201, body: created },
    ]);
    restore = api.restore;
    const onCreated = jest.fn();
    renderWithApp(<CreateTokenForm onCreated={onCreated} onCancel={() => undefined} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    expect(screen.getByRole('alert').textContent).toMatch(/^name:/);
    expect(api.calls).toHaveLength(0);

    await user.type(screen.getByLabelText('Name'), 'on-call');
    await user.selectOptions(screen.getByLabelText('Expires'), '7');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith(created));
    expect(api.calls[0]?.body).toMatchObject({ name: 'on-call', role: 'viewer' });
    expect(typeof (api.calls[0]?.body as { expiresAt?: unknown }).expiresAt).toBe('string');
  });
});

const keysApi: ApiRoute[] = [
  { method: 'GET', path: '/admin/api/teams', body: { items: [team()], nextCursor: null } },
  {
    method: 'GET',
    path: '/admin/api/keys',
    body: {
      items: [apiKey(), apiKey({ id: 'k2', name: 'old', state: 'revoked' })],
      nextCursor: null,
    },
  },
  { method: 'GET', path: '/admin/api/routes', body: { items: [], nextCursor: null } },
];

describe('KeysPage', () => {
  it('shows a viewer the keys and teams, without write actions or admin tokens', async () => {
    restore = mockApi(keysApi).restore;
    renderWithApp(<KeysPage />, { session: { role: 'viewer' } });
    const table = await screen.findByRole('table', { name: 'API keys' });
    expect(table.textContent).toContain('sk-stilts-AbC123');
    expect(table.textContent).toContain('default');
    expect(screen.getByText('Admins only')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'New API key' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Revoke key/ })).toBeNull();
  });

  it('offers an admin to change active keys only', async () => {
    restore = mockApi([
      ...keysApi,
      { method: 'GET', path: '/admin/api/tokens', body: { items: [], nextCursor: null } },
    ]).restore;
    renderWithApp(<KeysPage />);
    expect(await screen.findByRole('button', { name: 'Revoke key development' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Revoke key old' })).toBeNull();
  });

  it('lists tokens, never offering to revoke one’s own', async () => {
    restore = mockApi([
      {
        method: 'GET',
        path: '/admin/api/tokens',
        body: {
          items: [created.token, { ...created.token, id: '1', name: 'me' }],
          nextCursor: null,
        },
      },
      ...keysApi,
    ]).restore;
    renderWithApp(<KeysPage />, { session: { tokenId: '1' } });
    expect(await screen.findByRole('button', { name: 'Revoke token on-call' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Revoke token me' })).toBeNull();
  });
});

describe('expiryFromDays', () => {
  it('is null for never', () => {
    expect(expiryFromDays('', 0)).toBeNull();
    expect(expiryFromDays('1', 0)).toBe(new Date(86_400_000).toISOString());
  });
});

describe('KeyFormView', () => {
  it('creates a key limited to a route, and hands over the secret', async () => {
    const api = mockApi([
      {
        method: 'GET',
        path: '/admin/api/routes',
        body: { items: [{ name: 'chat-default' }, { name: 'chat-premium' }], nextCursor: null },
      },
      {
        method: 'POST',
        path: '/admin/api/keys',
        status: 201,
        body: { key: apiKey({ name: 'billing' }), secret: 'sk-stilts-secret' },
      },
    ]);
    restore = api.restore;
    const onCreated = jest.fn();
    renderWithApp(
      <KeyFormView apiKey={null} teams={[team()]} onCreated={onCreated} onDone={() => undefined} />,
    );
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Name'), 'billing');
    await user.click(await screen.findByRole('checkbox', { name: 'chat-default' }));
    await user.type(screen.getByLabelText('Requests / min'), 'many');
    await user.click(screen.getByRole('button', { name: 'Create key' }));
    expect(screen.getByText('A whole number above 0, or empty for no limit.')).toBeTruthy();
    expect(api.calls.filter((c) => c.method === 'POST')).toHaveLength(0);

    await user.clear(screen.getByLabelText('Requests / min'));
    await user.type(screen.getByLabelText('Requests / min'), '120');
    await user.click(screen.getByRole('button', { name: 'Create key' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalledTimes(1));
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({
      teamId: team().id,
      name: 'billing',
      allowedRoutes: ['chat-default'],
      requestsPerMinute: 120,
      tokensPerMinute: null,
      expiresAt: null,
    });
  });
});
