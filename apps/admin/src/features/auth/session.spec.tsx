import { afterEach, describe, expect, it } from '@jest/globals';
import { screen, waitFor } from '@testing-library/react';
import { session } from '../../testing/fixtures';
import { LocationProbe, mockApi, renderWithApp } from '../../testing/render';
import { RequireSession, useSession } from './session';

let restore = (): void => undefined;
afterEach(() => restore());

function Who() {
  const { session: s, canWrite } = useSession();
  return <p>{`${s.name} ${canWrite ? 'can write' : 'reads only'}`}</p>;
}

const routes = [
  { path: '/login', element: <LocationProbe /> },
  { element: <RequireSession />, children: [{ path: '/weights', element: <Who /> }] },
];

describe('RequireSession', () => {
  it('sends someone without a session to the login page, remembering where they were', async () => {
    restore = mockApi([
      {
        method: 'GET',
        path: '/admin/api/session',
        status: 401,
        body: { message: 'Log in.', code: 'unauthenticated' },
      },
    ]).restore;
    renderWithApp(<></>, { path: '/weights?route=chat', session: null, routes });
    await waitFor(() =>
      expect(screen.getByTestId('location').textContent).toBe(
        '/login?next=%2Fweights%3Froute%3Dchat',
      ),
    );
  });

  it('renders the page for a viewer, read-only', async () => {
    restore = mockApi([
      { method: 'GET', path: '/admin/api/session', body: session({ name: 'ro', role: 'viewer' }) },
    ]).restore;
    renderWithApp(<></>, { path: '/weights', session: null, routes });
    expect(await screen.findByText('ro reads only')).toBeTruthy();
  });

  it('shows other failures as an error with a retry', async () => {
    restore = mockApi([
      {
        method: 'GET',
        path: '/admin/api/session',
        status: 500,
        body: { message: 'Database down.', code: 'internal_error' },
      },
    ]).restore;
    renderWithApp(<></>, { path: '/weights', session: null, routes });
    expect((await screen.findByRole('alert')).textContent).toContain('Database down.');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});
