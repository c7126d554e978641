import type { RouteObjective } from '../bandit/route-objective.js';
import type { ProviderState } from './provider-model.js';
import type { TrafficOptions } from './traffic.js';

/** One simulated deployment and its state at time 0. */
export interface SimDeployment {
  readonly id: string;
  readonly initial: ProviderState;
}

/** A change of one deployment's truth at a point of virtual time. */
export interface ScenarioChange {
  readonly atMs: number;
  readonly deploymentId: string;
  /** Fields replaced from then on (others keep their current value). */
  readonly set: Partial<ProviderState>;
  /** Shown on the charts, e.g. "outage", "recovered". */
  readonly label: string;
}

/**
 * A deployment whose loss and return of favour the benchmark measures: when it starts failing
 * (`failAtMs`) and when it is healthy again (`recoverAtMs`).
 */
export interface WatchedEvent {
  readonly deploymentId: string;
  readonly failAtMs: number | null;
  readonly recoverAtMs: number | null;
}

/** A benchmark scenario: providers, how they change, the demand and the route's objective. */
export interface Scenario {
  /** kebab-case id, used in file names. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly seed: string;
  readonly durationMs: number;
  readonly traffic: TrafficOptions;
  readonly deployments: readonly SimDeployment[];
  readonly changes: readonly ScenarioChange[];
  /** Configured weights of the `static` policy, by deployment id. */
  readonly staticWeights: Readonly<Record<string, number>>;
  /**
   * A budget over the whole run, as a fraction of what the unconstrained oracle spends on the
   * same traffic (1/3: "demand costs 3x the budget"), or null.
   */
  readonly budgetShareOfUnconstrained: number | null;
  /** The route objective every policy is scored with and the adaptive policy optimises. */
  readonly objective: Readonly<RouteObjective>;
  /** Per-attempt timeout and overall deadline of the modelled gateway. */
  readonly attemptTimeoutMs: number;
  readonly deadlineMs: number;
  readonly watch: WatchedEvent | null;
}

/**
 * The truth of every deployment of a scenario at any time: the initial states with the changes
 * applied in time order. Deployment i's state at t is the result of every change with
 * atMs <= t.
 */
export class ScenarioTimeline {
  private readonly segments: { readonly fromMs: number; readonly state: ProviderState }[][];

  /**
   * @throws RangeError if a change names an unknown deployment or has a negative time.
   */
  constructor(readonly scenario: Scenario) {
    const index = new Map(scenario.deployments.map((d, i) => [d.id, i]));
    this.segments = scenario.deployments.map((d) => [{ fromMs: 0, state: d.initial }]);
    const changes = [...scenario.changes].sort((a, b) => a.atMs - b.atMs);
    for (const change of changes) {
      const i = index.get(change.deploymentId);
      if (i === undefined) throw new RangeError(`unknown deployment ${change.deploymentId}`);
      if (!(change.atMs >= 0)) throw new RangeError(`change time must be >= 0, got ${change.atMs}`);
      const list = this.segments[i]!;
      const current = list[list.length - 1]!.state;
      list.push({ fromMs: change.atMs, state: { ...current, ...change.set } });
    }
  }

  /** Number of deployments. */
  get size(): number {
    return this.segments.length;
  }

  /** The state of deployment `index` at `atMs`. */
  stateAt(index: number, atMs: number): ProviderState {
    const list = this.segments[index];
    if (list === undefined) throw new RangeError(`no deployment ${index}`);
    let state = list[0]!.state;
    for (const segment of list) {
      if (segment.fromMs <= atMs) state = segment.state;
      else break;
    }
    return state;
  }
}
