import type { ResolvedRoute } from '../catalog/resolved-catalog.js';

/** The weights to draw a route's deployments by, and where they came from. */
export interface RouteWeights {
  /** The weight snapshot's version; null when these are the route's configured weights. */
  readonly version: number | null;
  /** Weight of a deployment of the route (>= 0); undefined falls back to the configured weight. */
  weightOf(deploymentId: string): number | undefined;
}

/** Supplies the current weights of a route. Reads memory only: it is called per request. */
export interface WeightSource {
  weightsFor(route: ResolvedRoute): RouteWeights;
}

export const WEIGHT_SOURCE = Symbol('WEIGHT_SOURCE');

const CONFIGURED: RouteWeights = { version: null, weightOf: () => undefined };

/** The classic router: every route uses the weights written in its configuration. */
export class ConfiguredWeightSource implements WeightSource {
  weightsFor(): RouteWeights {
    return CONFIGURED;
  }
}
