import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitState,
  type Clock,
} from '@stilts/routing';

/** An operator's override of a breaker. */
export type ForcedBreaker = 'open' | 'closed';

/** A deployment's live health on this replica: its circuit breaker and any Retry-After pause. */
export class DeploymentHealth {
  readonly breaker: CircuitBreaker;
  /** Until this time (ms) the deployment asked not to be called (Retry-After); 0 = no pause. */
  pausedUntil = 0;
  /** Set by an override: open = no traffic, closed = traffic whatever the breaker says. */
  forced: ForcedBreaker | undefined;

  constructor(
    readonly deploymentId: string,
    private readonly clock: Clock,
    options: Partial<CircuitBreakerOptions>,
  ) {
    this.breaker = new CircuitBreaker(clock, options);
  }

  /** Would the circuit (breaker, or its override) let a call through now? No side effects. */
  circuitAvailable(): boolean {
    if (this.forced !== undefined) return this.forced === 'closed';
    return this.breaker.isAvailable();
  }

  /** Could a call start now (circuit admits and no Retry-After pause)? No side effects. */
  isAvailable(): boolean {
    return !this.isPaused() && this.circuitAvailable();
  }

  isPaused(): boolean {
    return this.pausedUntil > this.clock.now();
  }

  pause(until: number): void {
    if (until > this.pausedUntil) this.pausedUntil = until;
  }

  /**
   * Admits a call: forced open never, forced closed always (the breaker still records the
   * outcome when it had a slot to give), otherwise as the breaker decides.
   */
  tryAcquire(): boolean {
    if (this.forced === 'open') return false;
    return this.breaker.tryAcquire() || this.forced === 'closed';
  }

  get state(): CircuitState {
    return this.breaker.state;
  }
}

/**
 * Per-replica health of every deployment. Breakers are per replica by design (as outlier
 * detection is in service meshes); the statistics that drive weights are global.
 */
export class DeploymentHealthRegistry {
  private readonly byId = new Map<string, DeploymentHealth>();
  private forced: ReadonlyMap<string, ForcedBreaker> = new Map();

  constructor(
    private readonly clock: Clock,
    private readonly options: Partial<CircuitBreakerOptions>,
  ) {}

  get(deploymentId: string): DeploymentHealth {
    let health = this.byId.get(deploymentId);
    if (!health) {
      health = new DeploymentHealth(deploymentId, this.clock, this.options);
      health.forced = this.forced.get(deploymentId);
      this.byId.set(deploymentId, health);
    }
    return health;
  }

  /** Applies the breaker overrides in force (and lifts those no longer in it). */
  applyForcedStates(forced: ReadonlyMap<string, ForcedBreaker>): void {
    this.forced = forced;
    for (const health of this.byId.values()) health.forced = forced.get(health.deploymentId);
    for (const id of forced.keys()) this.get(id);
  }

  entries(): IterableIterator<DeploymentHealth> {
    return this.byId.values();
  }
}
