import type {
  AttemptOutcome,
  CallAttempt,
  CallPlan,
  DeploymentDecision,
} from '@stilts/admin-contract';
import type { RecordedPlan } from '../../calls/call-record.js';

/** The recorded (compact) plan in the API's shape. */
export function expandPlan(plan: RecordedPlan): CallPlan {
  return {
    candidates: plan.c.map(([deploymentId, weight, probability]) => ({
      deploymentId,
      weight,
      probability,
    })),
    excluded: plan.x.map(([deploymentId, reason]) => ({ deploymentId, reason })),
  };
}

function failureReason(a: CallAttempt): string {
  return a.httpStatus === null ? a.outcome : `${a.outcome} (HTTP ${a.httpStatus})`;
}

/**
 * Why each deployment of a request was chosen or skipped: the plan's candidates in drawn order
 * (answered, failed, or not reached because the request ended first), then the members the
 * plan left out with the reason (circuit open, paused, disabled ...). Deployments attempted but
 * missing from the plan (records from before plans were recorded) are listed after. Pure.
 */
export function explainCall(
  attempts: readonly CallAttempt[],
  plan: CallPlan | null,
): DeploymentDecision[] {
  const byDeployment = new Map<string, CallAttempt[]>();
  for (const a of attempts) {
    const list = byDeployment.get(a.deploymentId) ?? [];
    list.push(a);
    byDeployment.set(a.deploymentId, list);
  }
  const decided = new Set<string>();
  const attemptedDecision = (
    deploymentId: string,
    tried: readonly CallAttempt[],
    position: number | null,
    weight: number | null,
    probability: number | null,
  ): DeploymentDecision => {
    const answered = tried.some((a) => a.outcome === 'success');
    const last = tried[tried.length - 1];
    return {
      deploymentId,
      decision: tried.length === 0 ? 'not-reached' : answered ? 'answered' : 'failed',
      reason: tried.length === 0 || answered || !last ? null : failureReason(last),
      position,
      weight,
      probability,
      attempts: tried.map((a) => a.attempt),
    };
  };
  const out: DeploymentDecision[] = [];
  plan?.candidates.forEach((c, i) => {
    decided.add(c.deploymentId);
    out.push(
      attemptedDecision(
        c.deploymentId,
        byDeployment.get(c.deploymentId) ?? [],
        i + 1,
        c.weight,
        c.probability,
      ),
    );
  });
  for (const x of plan?.excluded ?? []) {
    if (decided.has(x.deploymentId)) continue;
    decided.add(x.deploymentId);
    out.push({
      deploymentId: x.deploymentId,
      decision: 'excluded',
      reason: x.reason,
      position: null,
      weight: null,
      probability: null,
      attempts: [],
    });
  }
  for (const [deploymentId, tried] of byDeployment) {
    if (decided.has(deploymentId)) continue;
    out.push(attemptedDecision(deploymentId, tried, null, null, null));
  }
  return out;
}

/** The outcome of a request: its last attempt's. */
export function finalOutcome(attempts: readonly CallAttempt[]): AttemptOutcome {
  return attempts[attempts.length - 1]?.outcome ?? 'aborted';
}
