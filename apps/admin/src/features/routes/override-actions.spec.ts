import { describe, expect, it } from '@jest/globals';
import { override } from '../../testing/fixtures';
import type { DeploymentRow } from './deployment-rows';
import {
  actionTitle,
  buildCreateBody,
  initialForm,
  rowActions,
  type OverrideAction,
} from './override-actions';

const NOW = Date.UTC(2026, 10, 24, 10);
const pin: Extract<OverrideAction, { type: 'create' }> = {
  type: 'create',
  kind: 'pin_weight',
  route: 'chat',
  deploymentId: 'sim-a/m',
  currentWeight: 0.25,
};
const form = {
  reason: 'shift traffic for the test',
  weightPercent: '70',
  expiresInMinutes: '',
  scope: 'route' as const,
};

describe('buildCreateBody', () => {
  it('builds a pin with the weight as a fraction', () => {
    expect(buildCreateBody(pin, form, NOW)).toEqual({
      body: {
        kind: 'pin_weight',
        route: 'chat',
        deploymentId: 'sim-a/m',
        weight: 0.7,
        reason: 'shift traffic for the test',
      },
    });
  });
  it('adds an expiry', () => {
    const built = buildCreateBody(pin, { ...form, expiresInMinutes: '60' }, NOW);
    expect('body' in built && built.body.expiresAt).toBe(new Date(NOW + 3_600_000).toISOString());
  });
  it('refuses a missing reason and a weight outside 0..100 %', () => {
    expect(buildCreateBody(pin, { ...form, reason: ' x ', weightPercent: '120' }, NOW)).toEqual({
      errors: {
        reason: 'say why (at least 3 characters)',
        weight: 'Enter a share between 0 and 100 %.',
      },
    });
    expect(buildCreateBody(pin, { ...form, weightPercent: '' }, NOW)).toHaveProperty(
      'errors.weight',
    );
  });
  it('sends no route for breaker overrides, and none for a disable everywhere', () => {
    const open = buildCreateBody(
      { type: 'create', kind: 'force_breaker_open', route: 'chat', deploymentId: 'sim-a/m' },
      form,
      NOW,
    );
    expect(open).toEqual({
      body: { kind: 'force_breaker_open', deploymentId: 'sim-a/m', reason: form.reason },
    });
    const disable = {
      type: 'create' as const,
      kind: 'disable_deployment' as const,
      route: 'chat',
      deploymentId: 'sim-a/m',
    };
    expect(buildCreateBody(disable, form, NOW)).toEqual({
      body: {
        kind: 'disable_deployment',
        route: 'chat',
        deploymentId: 'sim-a/m',
        reason: form.reason,
      },
    });
    expect(buildCreateBody(disable, { ...form, scope: 'everywhere' }, NOW)).toEqual({
      body: { kind: 'disable_deployment', deploymentId: 'sim-a/m', reason: form.reason },
    });
  });
  it('freezes a route without a deployment', () => {
    expect(
      buildCreateBody(
        { type: 'create', kind: 'freeze_route', route: 'chat', deploymentId: null },
        form,
        NOW,
      ),
    ).toEqual({
      body: { kind: 'freeze_route', route: 'chat', reason: form.reason },
    });
  });
});

describe('initialForm', () => {
  it('starts a pin at the weight in force', () => {
    expect(initialForm(pin).weightPercent).toBe('25');
  });
});

function row(overrides: DeploymentRow['overrides']): DeploymentRow {
  return {
    route: 'chat',
    deploymentId: 'sim-a/m',
    providerId: 'sim-a',
    status: 'eligible',
    banditWeight: 0.5,
    effectiveWeight: 0.5,
    pinnedWeight: overrides.pin_weight?.weight ?? null,
    disabledByOverride: overrides.disable_deployment !== undefined,
    reason: '',
    breaker: { state: 'closed', openOn: 0, replicas: 1, retryAt: null },
    stats: undefined,
    overrides,
  };
}

describe('rowActions', () => {
  it('offers pin, disable and both forced states when nothing is in force', () => {
    expect(rowActions(row({})).map(actionTitle)).toEqual([
      'Pin weight',
      'Disable deployment',
      'Force breaker open',
      'Force breaker closed',
    ]);
  });
  it('offers to release what is in force', () => {
    const actions = rowActions(
      row({
        pin_weight: override({ id: '1' }),
        disable_deployment: override({ id: '2', kind: 'disable_deployment' }),
        force_breaker_open: override({ id: '3', kind: 'force_breaker_open', route: null }),
      }),
    );
    expect(actions.map(actionTitle)).toEqual([
      'Pin weight',
      'Release pin',
      'Enable deployment',
      'Force breaker closed',
      'Release forced breaker',
    ]);
    expect(
      actions.filter((a) => a.type === 'revoke').map((a) => a.type === 'revoke' && a.override.id),
    ).toEqual(['1', '2', '3']);
  });
});
