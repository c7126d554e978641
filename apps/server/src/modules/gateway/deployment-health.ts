import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitState,
  type Clock,
} from '@stilts/routing';

/** A deployment's live health on this replica: its circuit breaker and any Retry-After pause. */
export class DeploymentHealth {
  readonly breaker: CircuitBreaker;
  /** Until this time (ms) the deployment asked not to be called (Retry-After); 0 = no pause. */
  pausedUntil = 0;

  constructor(
    readonly deploymentId: string,
    private readonly clock: Clock,
    options: Partial<CircuitBreakerOptions>,
  ) {
    this.breaker = new CircuitBreaker(clock, options);
  }

  /** Could a call start now (breaker admits and no Retry-After pause)? No side effects. */
  isAvailable(): boolean {
    return this.pausedUntil <= this.clock.now() && this.breaker.isAvailable();
  }

  isPaused(): boolean {
    return this.pausedUntil > this.clock.now();
  }

  pause(until: number): void {
    if (until > this.pausedUntil) this.pausedUntil = until;
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

  constructor(
    private readonly clock: Clock,
    private readonly options: Partial<CircuitBreakerOptions>,
  ) {}

  get(deploymentId: string): DeploymentHealth {
    let health = this.byId.get(deploymentId);
    if (!health) {
      health = new DeploymentHealth(deploymentId, this.clock, this.options);
      this.byId.set(deploymentId, health);
    }
    return health;
  }

  entries(): IterableIterator<DeploymentHealth> {
    return this.byId.values();
  }
}
