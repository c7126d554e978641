import { afterEach, describe, expect, it } from '@jest/globals';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { override } from '../../testing/fixtures';
import { mockApi, renderWithApp } from '../../testing/render';
import { OverrideDialog } from './override-dialog';
import type { OverrideAction } from './override-actions';

let restore = (): void => undefined;
afterEach(() => restore());

const pin: OverrideAction = {
  type: 'create',
  kind: 'pin_weight',
  route: 'chat',
  deploymentId: 'sim-a/m',
  currentWeight: 0.25,
};

describe('OverrideDialog', () => {
  it('asks for a reason before pinning, then posts the override', async () => {
    const api = mockApi([
      { method: 'POST', path: '/admin/api/overrides', status: 201, body: override() },
    ]);
    restore = api.restore;
    let closed = 0;
    renderWithApp(<OverrideDialog action={pin} onClose={() => closed++} />);
    const user = userEvent.setup();
    const dialog = screen.getByRole('dialog', { name: 'Pin weight' });
    expect(dialog.textContent).toContain("Fixes sim-a/m's share of chat's first picks");
    const weight = screen.getByLabelText('Share of first picks (%)');
    expect((weight as HTMLInputElement).value).toBe('25');

    await user.click(screen.getByRole('button', { name: 'Pin weight' }));
    expect(screen.getByText('say why (at least 3 characters)')).toBeTruthy();
    expect(api.calls).toHaveLength(0);

    await user.clear(weight);
    await user.type(weight, '70');
    await user.type(screen.getByLabelText(/Reason/), 'move traffic off the slow one');
    await user.selectOptions(screen.getByLabelText('Expires'), '60');
    await user.click(screen.getByRole('button', { name: 'Pin weight' }));

    await waitFor(() => expect(closed).toBe(1));
    expect(api.calls).toHaveLength(1);
    expect(api.calls[0]?.body).toMatchObject({
      kind: 'pin_weight',
      route: 'chat',
      deploymentId: 'sim-a/m',
      weight: 0.7,
      reason: 'move traffic off the slow one',
    });
    expect(api.calls[0]?.body).toHaveProperty('expiresAt');
    expect(await screen.findByText('Pin weight: done.')).toBeTruthy();
  });

  it('shows the server’s field errors and stays open', async () => {
    const api = mockApi([
      {
        method: 'POST',
        path: '/admin/api/overrides',
        status: 400,
        body: {
          message: 'Invalid override.',
          code: 'validation_failed',
          errors: [{ path: 'deploymentId', message: 'no such deployment' }],
        },
      },
    ]);
    restore = api.restore;
    renderWithApp(
      <OverrideDialog
        action={{ type: 'create', kind: 'force_breaker_open', route: null, deploymentId: 'gone/x' }}
        onClose={() => undefined}
      />,
    );
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/Reason/), 'provider incident');
    await user.click(screen.getByRole('button', { name: 'Force breaker open' }));
    expect((await screen.findByRole('alert')).textContent).toBe('deploymentId: no such deployment');
    expect(screen.getByRole('dialog')).toBeTruthy();
  });

  it('revokes an override with a reason', async () => {
    const api = mockApi([
      {
        method: 'POST',
        path: '/admin/api/overrides/42/revoke',
        body: override({ id: '42', active: false }),
      },
    ]);
    restore = api.restore;
    let closed = false;
    renderWithApp(
      <OverrideDialog
        action={{ type: 'revoke', override: override({ id: '42', weight: 0.8 }) }}
        onClose={() => (closed = true)}
      />,
    );
    const user = userEvent.setup();
    expect(screen.getByRole('dialog', { name: 'Release pin' }).textContent).toContain(
      'pin sim-a/m 80 %',
    );
    expect(document.activeElement).toBe(screen.getByLabelText(/Reason/));
    await user.type(screen.getByLabelText(/Reason/), 'incident over');
    await user.click(screen.getByRole('button', { name: 'Release pin' }));
    await waitFor(() => expect(closed).toBe(true));
    expect(api.calls[0]?.body).toEqual({ reason: 'incident over' });
  });
});
