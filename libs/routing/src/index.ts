export * from './clock.js';
export * from './rng.js';

export * from './selection/weighted-order.js';

export * from './breaker/circuit-state.js';
export * from './breaker/circuit-breaker-options.js';
export * from './breaker/sliding-window.js';
export * from './breaker/circuit-breaker.js';

export * from './retry/classify-failure.js';
export * from './retry/retry-after.js';
export * from './retry/backoff.js';
export * from './retry/decide-retry.js';

export * from './pricing/token-price.js';
export * from './pricing/micro-usd.js';
export * from './pricing/cost.js';
export * from './histogram/log-histogram.js';

export * from './bandit/ledger-outcome.js';
export * from './bandit/rollup-input.js';
export * from './bandit/decay.js';
export * from './bandit/decayed-stats.js';
export * from './bandit/change-point.js';
export * from './bandit/deployment-evidence.js';
export * from './bandit/random-variates.js';
export * from './bandit/route-objective.js';
export * from './bandit/call-cost.js';
export * from './bandit/deployment-posterior.js';
export * from './bandit/budget-pace.js';
export * from './bandit/request-rate.js';
export * from './bandit/posterior-draws.js';
export * from './bandit/win-shares.js';
export * from './bandit/budget-pacing.js';
export * from './bandit/exploration-floor.js';
export * from './bandit/weight-reason.js';
export * from './bandit/route-weights.js';

export * from './simulate/counter-hash.js';
export * from './simulate/distributions.js';
export * from './simulate/traffic.js';
export * from './simulate/provider-model.js';
export * from './simulate/scenario.js';
export * from './simulate/request-reward.js';
export * from './simulate/oracle-value.js';
export * from './simulate/sim-rollups.js';
export * from './simulate/routing-policy.js';
export * from './simulate/sim-environment.js';
export * from './simulate/policies/static-policy.js';
export * from './simulate/policies/round-robin-policy.js';
export * from './simulate/policies/lowest-latency-policy.js';
export * from './simulate/policies/cheapest-first-policy.js';
export * from './simulate/policies/adaptive-policy.js';
export * from './simulate/policies/oracle-policy.js';
export * from './simulate/run-policy.js';
export * from './simulate/run-scenario.js';
export * from './simulate/bench-metrics.js';
export * from './simulate/benchmark-scenarios.js';
export * from './simulate/bench-report.js';
export * from './simulate/weights-chart.js';
export * from './simulate/job-workload.js';
