import { afterEach, describe, expect, it } from '@jest/globals';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { budget, metricsPoint, metricsResponse, metricsSeries } from '../../testing/fixtures';
import { mockApi, renderWithApp } from '../../testing/render';
import { OverviewPage } from './overview.page';

let restore = (): void => undefined;
afterEach(() => restore());

const T = '2026-11-24T10:00:00.000Z';

describe('OverviewPage', () => {
  it('shows the headline numbers and asks for the range in the URL', async () => {
    const api = mockApi([
      {
        method: 'GET',
        path: '/admin/api/metrics',
        respond: ({ url }) => ({
          body: metricsResponse({
            from: T,
            to: '2026-11-24T11:00:00.000Z',
            groupBy: url.searchParams.get('groupBy') === 'none' ? 'none' : 'deployment',
            series: [
              metricsSeries(url.searchParams.get('groupBy') === 'none' ? null : 'sim-a/m', [
                metricsPoint(T, {
                  attempts: 130,
                  requests: 120,
                  successes: 119,
                  latencyP95Ms: 1_450,
                  costMicroUsd: 2_500_000,
                }),
              ]),
            ],
          }),
        }),
      },
      { method: 'GET', path: '/admin/api/deployments', body: { items: [], nextCursor: null } },
      {
        method: 'GET',
        path: '/admin/api/budgets',
        body: {
          items: [
            budget({ scope: 'team', scopeRef: 'x' }),
            budget({ id: 'g', amountMicroUsd: 20_000_000 }),
          ],
          nextCursor: null,
        },
      },
    ]);
    restore = api.restore;
    renderWithApp(<OverviewPage />, { path: '/?range=24h&refresh=off' });
    await waitFor(() => expect(screen.getByText('2')).toBeTruthy());
    expect(screen.getByText('99.17 %')).toBeTruthy();
    expect(screen.getByText('1.45 s')).toBeTruthy();
    expect(screen.getByText('$2.50')).toBeTruthy();
    await waitFor(() => expect(screen.getByText('of $20.00 daily budget')).toBeTruthy());
    const metricsCalls = api.calls.filter((c) => c.url.pathname === '/admin/api/metrics');
    const grouped = metricsCalls.find((c) => c.url.searchParams.get('groupBy') === 'deployment')
      ?.url.searchParams;
    expect(grouped?.get('resolution')).toBe('hour');
    expect(Date.parse(grouped?.get('to') ?? '') - Date.parse(grouped?.get('from') ?? '')).toBe(
      86_400_000,
    );

    await userEvent.setup().click(screen.getByRole('button', { name: '1h' }));
    await waitFor(() =>
      expect(screen.getByTestId('location').textContent).toBe('/?range=1h&refresh=off'),
    );
  });

  it('shows an error with a retry when the metrics fail', async () => {
    restore = mockApi([
      {
        method: 'GET',
        path: '/admin/api/metrics',
        status: 500,
        body: { message: 'Rollups unavailable.', code: 'internal_error' },
      },
      { method: 'GET', path: '/admin/api/deployments', body: { items: [], nextCursor: null } },
    ]).restore;
    renderWithApp(<OverviewPage />, { path: '/?refresh=off' });
    expect((await screen.findAllByText('Rollups unavailable.')).length).toBeGreaterThan(0);
    expect(screen.getAllByRole('button', { name: 'Try again' }).length).toBeGreaterThan(0);
  });
});
