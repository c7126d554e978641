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
