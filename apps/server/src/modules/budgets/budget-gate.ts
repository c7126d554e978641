import type { DeploymentDefinition } from '../catalog/catalog.types.js';
import type { BudgetCharge, BudgetDefinition } from './budget.types.js';

/** Who is calling which route: what decides which budgets apply. */
export interface BudgetCallContext {
  readonly keyId: string | null;
  readonly teamId: string | null;
  readonly route: string;
}

/** What the worst case of one attempt is computed from. */
export interface AttemptEstimate {
  /** Prompt tokens, counted or estimated conservatively. */
  readonly inputTokens: number;
  /** `max_tokens`/`max_completion_tokens`, or the default cap. */
  readonly maxOutputTokens: number;
}

/** An attempt's hold on its budgets, until it is settled with its actual cost. */
export interface Reservation {
  /** Name of the `degrade` budget that let this attempt through under its price ceiling. */
  readonly degradedBy: string | null;
  /** Replaces the reservations by the actual cost; returns the charges for the ledger record. */
  settle(costMicroUsd: number): BudgetCharge[];
  /** Gives the reservations back (the attempt never ran). */
  release(): void;
}

/** Why an attempt cannot run at a deployment. */
export interface BudgetRefusal {
  readonly budget: BudgetDefinition;
  /** When the budget's period ends (ms). */
  readonly resetsAt: number;
}

export type ReserveResult =
  | { readonly ok: true; readonly reservation: Reservation }
  | { readonly ok: false; readonly refusal: BudgetRefusal };

/** The budgets of one request. */
export interface RequestBudgets {
  /**
   * Reserves the worst-case cost of an attempt at `deployment` from every budget that applies.
   * Synchronous when the replica's leases cover it (the common case); a promise when a budget
   * must lease more from the database first.
   */
  reserve(
    deployment: DeploymentDefinition,
    estimate: AttemptEstimate,
  ): ReserveResult | Promise<ReserveResult>;
}

/** Admission against budgets. Memory only on the common path; see `BudgetsService`. */
export interface BudgetGate {
  /** The request's budgets, or null when none can apply (then nothing is reserved). */
  forRequest(context: BudgetCallContext): RequestBudgets | null;
}

export const BUDGET_GATE = Symbol('BUDGET_GATE');

/** No budgets (memory-mode tests). */
export const NO_BUDGETS: BudgetGate = { forRequest: () => null };
