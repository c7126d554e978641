import { afterEach, describe, expect, it } from '@jest/globals';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { budget, team } from '../../testing/fixtures';
import { mockApi, renderWithApp, type ApiRoute } from '../../testing/render';
import { BudgetFormView } from './budget-dialog';
import { BudgetsPage } from './budgets.page';

let restore = (): void => undefined;
afterEach(() => restore());

const lists: ApiRoute[] = [
  {
    method: 'GET',
    path: '/admin/api/teams',
    body: { items: [team({ name: 'search' })], nextCursor: null },
  },
  { method: 'GET', path: '/admin/api/keys', body: { items: [], nextCursor: null } },
];

describe('BudgetsPage', () => {
  it('shows spend, burn rate and the projection of each budget', async () => {
    restore = mockApi([
      ...lists,
      {
        method: 'GET',
        path: '/admin/api/budgets',
        body: {
          items: [
            budget(),
            budget({
              id: 'b2',
              name: 'Search team',
              scope: 'team',
              scopeRef: team().id,
              period: 'month',
            }),
          ],
          nextCursor: null,
        },
      },
    ]).restore;
    renderWithApp(<BudgetsPage />);
    const panel = await screen.findByRole('region', { name: 'Global daily' });
    expect(panel.textContent).toContain('$2.50 of $10.00');
    expect(panel.textContent).toContain('$0.25/h');
    expect(panel.textContent).toContain('$5.50 (55 %)');
    expect(within(panel).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('25');
    await waitFor(() =>
      expect(screen.getByRole('region', { name: 'Search team' }).textContent).toContain(
        'team search',
      ),
    );
  });

  it('says when there are none, and hides editing from a viewer', async () => {
    restore = mockApi([
      ...lists,
      { method: 'GET', path: '/admin/api/budgets', body: { items: [], nextCursor: null } },
    ]).restore;
    renderWithApp(<BudgetsPage />, { session: { role: 'viewer' } });
    expect(await screen.findByText('No budgets')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'New budget' })).toBeNull();
  });
});

describe('BudgetFormView', () => {
  it('creates a budget in micro-USD and shows the server’s field errors by their fields', async () => {
    let attempts = 0;
    const api = mockApi([
      ...lists,
      {
        method: 'POST',
        path: '/admin/api/budgets',
        respond: () =>
          ++attempts === 1
            ? {
                status: 400,
                body: {
                  message: 'Invalid budget.',
                  code: 'validation_failed',
                  errors: [{ path: 'amountMicroUsd', message: 'too large' }],
                },
              }
            : { status: 201, body: budget({ name: 'Search' }) },
      },
    ]);
    restore = api.restore;
    let done = false;
    renderWithApp(<BudgetFormView budget={null} onDone={() => (done = true)} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Name'), 'Search');
    await user.selectOptions(screen.getByLabelText('Covers'), 'team');
    await user.type(screen.getByLabelText('Amount (USD)'), '12.5');
    await user.click(screen.getByRole('button', { name: 'Create budget' }));
    expect(screen.getByText('required for scope team')).toBeTruthy();

    await user.selectOptions(await screen.findByLabelText('Which team'), team().id);
    await user.click(screen.getByRole('button', { name: 'Create budget' }));
    expect(await screen.findByText('too large')).toBeTruthy();
    expect(screen.getByLabelText('Amount (USD)').getAttribute('aria-invalid')).toBe('true');

    await user.click(screen.getByRole('button', { name: 'Create budget' }));
    await waitFor(() => expect(done).toBe(true));
    expect(api.calls.filter((c) => c.method === 'POST')[1]?.body).toEqual({
      name: 'Search',
      scope: 'team',
      scopeRef: team().id,
      period: 'day',
      amountMicroUsd: 12_500_000,
      action: 'block',
      degradeMaxPricePerMillionMicroUsd: null,
      enabled: true,
    });
  });
});
