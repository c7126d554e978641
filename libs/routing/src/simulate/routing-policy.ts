import type { SimAttempt } from './provider-model.js';
import type { SimRequest } from './traffic.js';

/** The policies the benchmark compares. */
export type PolicyName =
  'static' | 'round-robin' | 'lowest-latency' | 'cheapest-first' | 'stilts-adaptive' | 'oracle';

/** What a policy sees when planning one request. */
export interface PlanContext {
  readonly nowMs: number;
  readonly request: SimRequest;
  /** available[i]: deployment i's circuit breaker admits calls (all true without breakers). */
  readonly available: readonly boolean[];
}

/** One finished attempt, reported back to the policy that planned it. */
export interface AttemptReport {
  readonly nowMs: number;
  readonly deployment: number;
  readonly request: SimRequest;
  readonly attempt: SimAttempt;
}

/**
 * A routing policy inside the modelled gateway (`runPolicy`): it orders a request's candidate
 * deployments, the gateway walks that order (failover, breakers, budget cap) and reports every
 * attempt back.
 */
export interface RoutingPolicy {
  readonly name: PolicyName;
  /** The gateway keeps per-deployment circuit breakers for it (all but the oracle). */
  readonly usesBreakers: boolean;
  /** The gateway enforces the budget hard cap for it (Stilts and the oracle). */
  readonly hardBudgetCap: boolean;
  /** Candidate order for one request: deployment indices, first choice first. */
  plan(context: PlanContext): readonly number[];
  report(report: AttemptReport): void;
  /** The first-pick probabilities it currently routes by, or null if it has none (charts). */
  weights(): readonly number[] | null;
}
