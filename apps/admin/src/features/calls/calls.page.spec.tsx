import { afterEach, describe, expect, it } from '@jest/globals';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { callAttempt, callDetail } from '../../testing/fixtures';
import { mockApi, renderWithApp } from '../../testing/render';
import { CallsPage } from './calls.page';

let restore = (): void => undefined;
afterEach(() => restore());

const detail = callDetail({
  outcome: 'success',
  attempts: [
    callAttempt({
      attempt: 1,
      deploymentId: 'sim-b/n',
      outcome: 'server_error',
      httpStatus: 503,
      errorType: 'upstream 503',
      costMicroUsd: 0,
    }),
    callAttempt({ attempt: 2, deploymentId: 'sim-a/m' }),
  ],
  decisions: [
    {
      deploymentId: 'sim-b/n',
      decision: 'failed',
      reason: 'server_error',
      position: 1,
      weight: 0.6,
      probability: 0.6,
      attempts: [1],
    },
    {
      deploymentId: 'sim-a/m',
      decision: 'answered',
      reason: null,
      position: 2,
      weight: 0.3,
      probability: 0.75,
      attempts: [2],
    },
    {
      deploymentId: 'sim-c/o',
      decision: 'excluded',
      reason: 'circuit-open',
      position: null,
      weight: null,
      probability: null,
      attempts: [],
    },
  ],
});

describe('CallsPage', () => {
  it('filters through the URL and opens a request’s decisions', async () => {
    const api = mockApi([
      { method: 'GET', path: '/admin/api/routes', body: { items: [], nextCursor: null } },
      { method: 'GET', path: '/admin/api/deployments', body: { items: [], nextCursor: null } },
      {
        method: 'GET',
        path: '/admin/api/calls',
        body: { items: [callAttempt({ attempt: 2 })], nextCursor: null },
      },
      { method: 'GET', path: '/admin/api/calls/req-1', body: detail },
    ]);
    restore = api.restore;
    renderWithApp(<CallsPage />, { path: '/calls?outcome=failures' });
    const user = userEvent.setup();
    const table = await screen.findByRole('table', { name: 'Calls' });
    const search = api.calls.find((c) => c.url.pathname === '/admin/api/calls')?.url.searchParams;
    expect(search?.get('outcome')?.split(',')).toContain('timeout');
    expect(search?.get('outcome')?.split(',')).not.toContain('success');

    await user.click(within(table).getByRole('row', { name: /Request req-1, attempt 2/ }));
    await waitFor(() => expect(screen.getByTestId('location').textContent).toContain('call=req-1'));
    const drawer = await screen.findByRole('dialog', { name: 'Request' });
    await within(drawer).findByText('Why these deployments');
    expect(
      within(drawer).getByRole('table', { name: 'Attempts of request req-1' }).textContent,
    ).toContain('server error 503');
    expect(drawer.textContent).toContain('#1 in the drawn order · weight 60 % · pick chance 60 %');
    expect(drawer.textContent).toContain('circuit-open');
    expect(drawer.textContent).toContain('Attempt 1: upstream 503');

    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.getByTestId('location').textContent).not.toContain('call='));
  });

  it('says when nothing matches', async () => {
    restore = mockApi([
      { method: 'GET', path: '/admin/api/routes', body: { items: [], nextCursor: null } },
      { method: 'GET', path: '/admin/api/deployments', body: { items: [], nextCursor: null } },
      { method: 'GET', path: '/admin/api/calls', body: { items: [], nextCursor: null } },
    ]).restore;
    renderWithApp(<CallsPage />, { path: '/calls' });
    expect(await screen.findByText('No calls match')).toBeTruthy();
  });
});
