import type { Override, OverrideKind, WeightHistory } from '@stilts/admin-contract';
import type { ChartData, ChartMarker, ChartRow, ChartSeries } from './chart-types';
import { formatPercent } from './format';
import { colorsFor } from './palette';

/** The row field of lambda in a weights chart (deployment fields are `s0, s1, ...`). */
export const LAMBDA_KEY = 'lambda';

const MARKER_COLORS: Readonly<Record<OverrideKind | 'released', string>> = {
  pin_weight: '#7c3aed',
  disable_deployment: '#dc2626',
  force_breaker_open: '#b45309',
  force_breaker_closed: '#059669',
  freeze_route: '#0891b2',
  released: '#64748b',
};

/** One line naming an override, e.g. `pin sim-fast/m 80 %`. */
export function describeOverride(o: Override): string {
  const target = o.deploymentId ?? o.route ?? '';
  switch (o.kind) {
    case 'pin_weight':
      return `pin ${target} ${formatPercent(o.weight ?? 0, 1)}`;
    case 'disable_deployment':
      return `disable ${target}`;
    case 'force_breaker_open':
      return `force open ${target}`;
    case 'force_breaker_closed':
      return `force closed ${target}`;
    case 'freeze_route':
      return `freeze ${target}`;
  }
}

/**
 * Whether an override acts on `route`: it names the route, or it names no route and targets
 * one of the route's deployments (a disable everywhere, a forced breaker).
 */
export function overrideAffectsRoute(
  o: Override,
  route: string,
  members: ReadonlySet<string>,
): boolean {
  if (o.route !== null) return o.route === route;
  return o.deploymentId !== null && members.has(o.deploymentId);
}

/**
 * Markers where the route's overrides began and ended inside `[from, to]`: creation, revocation,
 * or expiry (an override that lapsed without being revoked; pass `to <= now` so that an expiry
 * still ahead is not drawn). Sorted by time.
 */
export function overrideMarkers(
  overrides: readonly Override[],
  route: string,
  members: ReadonlySet<string>,
  from: number,
  to: number,
): ChartMarker[] {
  const markers: ChartMarker[] = [];
  const inRange = (t: number): boolean => Number.isFinite(t) && t >= from && t <= to;
  for (const o of overrides) {
    if (!overrideAffectsRoute(o, route, members)) continue;
    const label = describeOverride(o);
    const created = Date.parse(o.createdAt);
    if (inRange(created)) markers.push({ t: created, label, color: MARKER_COLORS[o.kind] });
    const ended = Date.parse(o.revokedAt ?? o.expiresAt ?? '');
    if (inRange(ended)) {
      markers.push({
        t: ended,
        label: `${o.revokedAt ? 'released' : 'expired'}: ${label}`,
        color: MARKER_COLORS.released,
      });
    }
  }
  return markers.sort((a, b) => a.t - b.t);
}

/**
 * A route's weight history as a stacked area chart: one band per deployment (in the order of
 * `members`, then any others the history names), lambda as a line on the second axis. A
 * snapshot holds until the next one, so the bands step, and the last one is carried on to
 * `min(to, now)`; a deployment missing from a snapshot has weight 0 there.
 */
export function weightHistoryChart(
  history: WeightHistory,
  options: {
    readonly members?: readonly string[];
    readonly overrides?: readonly Override[];
    readonly now: number;
  },
): ChartData {
  const from = Date.parse(history.from);
  const to = Date.parse(history.to);
  const ids: string[] = [...(options.members ?? [])];
  for (const point of history.points) {
    for (const id of Object.keys(point.weights)) if (!ids.includes(id)) ids.push(id);
  }
  const colors = colorsFor(ids);
  const series: ChartSeries[] = ids.map((id, i) => ({
    key: `s${i}`,
    label: id,
    color: colors.get(id) ?? '#475569',
    kind: 'area',
    stackId: 'weights',
    axis: 'left',
    step: true,
  }));
  series.push({
    key: LAMBDA_KEY,
    label: 'λ (budget pressure)',
    color: '#0f172a',
    kind: 'line',
    axis: 'right',
    dashed: true,
    step: true,
  });
  const points = [...history.points].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const rows: ChartRow[] = points.map((point) => {
    const row: Record<string, number | null> = {
      t: Date.parse(point.at),
      [LAMBDA_KEY]: point.lambda,
    };
    ids.forEach((id, i) => {
      row[`s${i}`] = point.weights[id] ?? 0;
    });
    return row as ChartRow;
  });
  const last = rows[rows.length - 1];
  const end = Math.min(to, options.now);
  if (last && end > last.t) rows.push({ ...last, t: end });
  const memberSet = new Set(ids);
  return {
    rows,
    series,
    domain: [from, to],
    markers: overrideMarkers(options.overrides ?? [], history.route, memberSet, from, end),
  };
}
