import { afterEach, describe, expect, it } from '@jest/globals';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { session } from '../../testing/fixtures';
import { LocationProbe, mockApi, renderWithApp } from '../../testing/render';
import { LoginPage } from './login.page';
import { safeNextPath } from './session';

let restore = (): void => undefined;
afterEach(() => restore());

function renderLogin(path: string) {
  return renderWithApp(<LoginPage />, {
    path,
    session: null,
    routes: [
      { path: '/login', element: <LoginPage /> },
      { path: '*', element: <LocationProbe /> },
    ],
  });
}

describe('LoginPage', () => {
  it('posts the token once, keeps nothing in storage, and goes where it was sent from', async () => {
    const api = mockApi([{ method: 'POST', path: '/admin/api/session', body: session() }]);
    restore = api.restore;
    renderLogin('/login?next=%2Fcalls%3Frange%3D24h');
    const user = userEvent.setup();
    const field = screen.getByLabelText('Admin token');
    expect(field.getAttribute('type')).toBe('password');
    await user.type(field, 'st-admin-secret');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() =>
      expect(screen.getByTestId('location').textContent).toBe('/calls?range=24h'),
    );
    expect(api.calls[0]?.body).toEqual({ token: 'st-admin-secret' });
    expect(window.localStorage.length).toBe(0);
    expect(window.sessionStorage.length).toBe(0);
  });

  it('says when the token is refused', async () => {
    const api = mockApi([
      {
        method: 'POST',
        path: '/admin/api/session',
        status: 401,
        body: { message: 'Invalid token.', code: 'unauthenticated' },
      },
    ]);
    restore = api.restore;
    renderLogin('/login');
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Admin token'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/not accepted/);
    expect(screen.getByLabelText('Admin token').getAttribute('aria-invalid')).toBe('true');
  });

  it('asks for a token before calling the server', async () => {
    const api = mockApi([]);
    restore = api.restore;
    renderLogin('/login');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByRole('alert').textContent).toBe('Paste an admin token.');
    expect(api.calls).toHaveLength(0);
  });
});

describe('safeNextPath', () => {
  it('only follows paths of this app', () => {
    expect(safeNextPath('/weights?route=chat')).toBe('/weights?route=chat');
    expect(safeNextPath('//evil.example')).toBe('/');
    expect(safeNextPath('https://evil.example')).toBe('/');
    expect(safeNextPath(null)).toBe('/');
  });
});
