import { afterEach, describe, expect, it } from '@jest/globals';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  deploymentWeight,
  liveState,
  metricsPoint,
  metricsResponse,
  metricsSeries,
  override,
  routeWeights,
} from '../../testing/fixtures';
import { mockApi, renderWithApp, type ApiRoute } from '../../testing/render';
import { RoutesPage } from './routes.page';

let restore = (): void => undefined;
afterEach(() => restore());

const api: ApiRoute[] = [
  {
    method: 'GET',
    path: '/admin/api/weights',
    body: {
      items: [
        routeWeights('chat', [
          deploymentWeight('sim-a/m', { weight: 0.6, effectiveWeight: 0.7, pinnedWeight: 0.7 }),
          deploymentWeight('sim-b/n', { weight: 0.4, effectiveWeight: 0.3 }),
        ]),
      ],
    },
  },
  {
    method: 'GET',
    path: '/admin/api/live',
    body: liveState([
      { id: 'r1', states: [{ deploymentId: 'sim-b/n', state: 'closed', forced: 'open' }] },
    ]),
  },
  {
    method: 'GET',
    path: '/admin/api/overrides',
    body: { items: [override({ id: '5', weight: 0.7 })], nextCursor: null },
  },
  { method: 'GET', path: '/admin/api/deployments', body: { items: [], nextCursor: null } },
  { method: 'GET', path: '/admin/api/providers', body: { items: [], nextCursor: null } },
  {
    method: 'GET',
    path: '/admin/api/metrics',
    body: metricsResponse({
      series: [
        metricsSeries('sim-a/m', [
          metricsPoint('2026-11-24T10:00:00.000Z', {
            attempts: 200,
            requests: 200,
            successes: 199,
            latencyP95Ms: 950,
            costMicroUsd: 400_000,
          }),
        ]),
      ],
    }),
  },
];

describe('RoutesPage', () => {
  it('shows bandit, effective and pinned weights, breakers and health per deployment', async () => {
    restore = mockApi(api).restore;
    renderWithApp(<RoutesPage />, { path: '/routes' });
    const table = await screen.findByRole('table', { name: 'Deployments of chat' });
    await waitFor(() => expect(within(table).getAllByText('forced open')).toHaveLength(1));
    const rowA = within(table)
      .getAllByRole('row')
      .find((r) => r.textContent?.includes('sim-a/m'));
    expect(rowA).toBeDefined();
    const cells = within(rowA as HTMLElement);
    expect(cells.getByRole('meter', { name: 'bandit weight' }).getAttribute('aria-valuetext')).toBe(
      '60 %',
    );
    expect(
      cells.getByRole('meter', { name: 'effective weight' }).getAttribute('aria-valuetext'),
    ).toBe('70 %');
    await waitFor(() => expect(cells.getByText('99.5 %')).toBeTruthy());
    expect(cells.getByText('950 ms')).toBeTruthy();
    expect(cells.getByText('$2.00')).toBeTruthy();
    expect(screen.getByRole('table', { name: 'Overrides in force' }).textContent).toContain(
      'pin sim-a/m 70 %',
    );
  });

  it('offers the overrides of a deployment to an admin', async () => {
    restore = mockApi(api).restore;
    renderWithApp(<RoutesPage />, { path: '/routes' });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Manage sim-a/m in chat' }));
    const drawer = screen.getByRole('dialog', { name: 'sim-a/m' });
    expect(
      within(drawer)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual([
      '×',
      'Pin weight',
      'Release pin',
      'Disable deployment',
      'Force breaker open',
      'Force breaker closed',
    ]);
    await user.click(within(drawer).getByRole('button', { name: 'Force breaker open' }));
    expect(screen.getByRole('dialog', { name: 'Force breaker open' })).toBeTruthy();
  });

  it('hides every write action from a viewer', async () => {
    restore = mockApi(api).restore;
    renderWithApp(<RoutesPage />, { path: '/routes', session: { role: 'viewer' } });
    const user = userEvent.setup();
    await screen.findByRole('table', { name: 'Deployments of chat' });
    expect(screen.queryByRole('button', { name: 'Freeze' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Revoke/ })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Details of sim-a/m in chat' }));
    const drawer = screen.getByRole('dialog', { name: 'sim-a/m' });
    expect(within(drawer).queryByRole('button', { name: 'Pin weight' })).toBeNull();
    expect(drawer.textContent).toContain('Your role is viewer');
  });

  it('says so when there are no routes, and when loading fails', async () => {
    restore = mockApi([{ ...api[0]!, body: { items: [] } }, ...api.slice(1)]).restore;
    const { unmount } = renderWithApp(<RoutesPage />, { path: '/routes' });
    expect(await screen.findByText('No routes yet')).toBeTruthy();
    unmount();
    restore();
    restore = mockApi([
      {
        ...api[0]!,
        status: 503,
        body: { message: 'Database unavailable.', code: 'internal_error' },
      },
      ...api.slice(1),
    ]).restore;
    renderWithApp(<RoutesPage />, { path: '/routes' });
    expect(
      (await screen.findByText('Database unavailable.')).closest('[role="alert"]'),
    ).not.toBeNull();
  });
});
