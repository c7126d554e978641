/** What an operator can override. */
export type OverrideKind =
  /** Fix a deployment's weight within a route (0..1); the others share the rest. */
  | 'pin_weight'
  /** Take a deployment out of one route (route set) or of every route (route null). */
  | 'disable_deployment'
  /** Force a deployment's circuit breaker open (no traffic) or closed (traffic whatever it says). */
  | 'force_breaker_open'
  | 'force_breaker_closed'
  /** Stop the weights job from changing a route's weights (the last snapshot stays). */
  | 'freeze_route';

/** One override as stored; active while not revoked and not expired. */
export interface RouteOverride {
  readonly id: string;
  readonly kind: OverrideKind;
  readonly route: string | null;
  readonly deploymentId: string | null;
  /** The pinned weight, for `pin_weight`. */
  readonly weight: number | null;
  readonly actor: string;
  readonly reason: string;
  readonly createdAt: number;
  readonly expiresAt: number | null;
}

/** The overrides that bear on one route, for the hot path and the job. */
export interface RouteOverrideView {
  readonly frozen: boolean;
  /** deployment id -> pinned weight. */
  readonly pins: ReadonlyMap<string, number>;
  /** Deployments taken out of this route (route-scoped disables). */
  readonly disabled: ReadonlySet<string>;
}

const EMPTY_VIEW: RouteOverrideView = { frozen: false, pins: new Map(), disabled: new Set() };

/**
 * The active overrides, indexed for per-request lookups. Immutable; rebuilt (and swapped) when
 * an override is created, revoked or expires. When two overrides conflict the newest wins
 * (a later pin replaces an earlier one; force open and force closed: the later one).
 */
export class ActiveOverrides {
  private readonly byRoute = new Map<string, RouteOverrideView>();
  private readonly disabledEverywhere = new Set<string>();
  private readonly breakers = new Map<string, 'open' | 'closed'>();
  /** The earliest expiry among the active overrides, or null. */
  readonly nextExpiry: number | null;
  readonly all: readonly RouteOverride[];

  constructor(overrides: readonly RouteOverride[], nowMs: number) {
    const active = overrides
      .filter((o) => o.expiresAt === null || o.expiresAt > nowMs)
      .sort((a, b) => a.createdAt - b.createdAt || Number(a.id) - Number(b.id));
    this.all = active;
    const views = new Map<
      string,
      { frozen: boolean; pins: Map<string, number>; disabled: Set<string> }
    >();
    const viewOf = (route: string) => {
      let v = views.get(route);
      if (!v) {
        v = { frozen: false, pins: new Map(), disabled: new Set() };
        views.set(route, v);
      }
      return v;
    };
    let nextExpiry: number | null = null;
    for (const o of active) {
      if (o.expiresAt !== null && (nextExpiry === null || o.expiresAt < nextExpiry))
        nextExpiry = o.expiresAt;
      switch (o.kind) {
        case 'pin_weight':
          if (o.route && o.deploymentId && o.weight !== null)
            viewOf(o.route).pins.set(o.deploymentId, o.weight);
          break;
        case 'disable_deployment':
          if (!o.deploymentId) break;
          if (o.route) viewOf(o.route).disabled.add(o.deploymentId);
          else this.disabledEverywhere.add(o.deploymentId);
          break;
        case 'force_breaker_open':
        case 'force_breaker_closed':
          if (o.deploymentId)
            this.breakers.set(o.deploymentId, o.kind === 'force_breaker_open' ? 'open' : 'closed');
          break;
        case 'freeze_route':
          if (o.route) viewOf(o.route).frozen = true;
          break;
      }
    }
    for (const [route, view] of views) this.byRoute.set(route, view);
    this.nextExpiry = nextExpiry;
  }

  static readonly NONE = new ActiveOverrides([], 0);

  forRoute(route: string): RouteOverrideView {
    return this.byRoute.get(route) ?? EMPTY_VIEW;
  }

  /** Is the deployment taken out of this route, or of every route? */
  isDisabled(route: string, deploymentId: string): boolean {
    return (
      this.disabledEverywhere.has(deploymentId) ||
      (this.byRoute.get(route)?.disabled.has(deploymentId) ?? false)
    );
  }

  /** A forced breaker state, or undefined when the breaker decides. */
  forcedBreaker(deploymentId: string): 'open' | 'closed' | undefined {
    return this.breakers.get(deploymentId);
  }

  forcedBreakers(): ReadonlyMap<string, 'open' | 'closed'> {
    return this.breakers;
  }
}

/**
 * Applies pins to a route's weights: each pinned deployment gets its pinned weight; the
 * unpinned ones share what is left (1 − Σ pins, floored at 0) in proportion to their own
 * weights — or equally when those are all zero. Weights of deployments not in `weights` are
 * untouched. Pure.
 *
 *   w'_p = pin_p                                   for pinned p
 *   w'_u = max(0, 1 − Σ pin) · w_u / Σ_unpinned w  for unpinned u
 */
export function applyPins(
  weights: ReadonlyMap<string, number>,
  pins: ReadonlyMap<string, number>,
): Map<string, number> {
  const out = new Map(weights);
  let pinned = 0;
  let unpinnedTotal = 0;
  let unpinnedCount = 0;
  for (const [id, w] of weights) {
    const pin = pins.get(id);
    if (pin !== undefined) {
      pinned += pin;
      out.set(id, pin);
    } else {
      unpinnedTotal += w;
      unpinnedCount++;
    }
  }
  if (pinned === 0 || unpinnedCount === 0) return out;
  const rest = Math.max(0, 1 - pinned);
  for (const [id, w] of weights) {
    if (pins.has(id)) continue;
    out.set(id, unpinnedTotal > 0 ? (rest * w) / unpinnedTotal : rest / unpinnedCount);
  }
  return out;
}
