import type { RecordedPlan } from '../calls/call-record.js';
import type { RoutePlan } from './route-planner.js';

/** Four significant digits: enough to explain a pick, small enough to store with every request. */
const round = (x: number): number => Number(x.toPrecision(4));

/**
 * The compact form of a plan kept in the call ledger with a request's first attempt (see
 * `RecordedPlan`): the candidates in drawn order with their weights and pick probabilities, and
 * the members left out with the reason.
 */
export function recordedPlan(plan: RoutePlan): RecordedPlan {
  return {
    c: plan.candidates.map((c) => [c.member.deployment.id, round(c.weight), round(c.probability)]),
    x: plan.excluded.map((e) => [e.member.deployment.id, e.reason]),
  };
}
