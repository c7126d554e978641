import { describe, expect, it } from '@jest/globals';
import * as routing from './index.js';

describe('@stilts/routing public surface', () => {
  it.each([
    ['ManualClock', 'function'],
    ['SeededRng', 'function'],
    ['createSeededRng', 'function'],
    ['weightedOrder', 'function'],
    ['CircuitBreaker', 'function'],
    ['DEFAULT_CIRCUIT_BREAKER_OPTIONS', 'object'],
    ['resolveCircuitBreakerOptions', 'function'],
    ['circuitCooldownMs', 'function'],
    ['parseCircuitState', 'function'],
    ['INITIAL_CIRCUIT_STATE', 'object'],
    ['evictExpiredBuckets', 'function'],
    ['recordInWindow', 'function'],
    ['windowCounts', 'function'],
    ['classifyFailure', 'function'],
    ['parseRetryAfter', 'function'],
    ['parseHttpDate', 'function'],
    ['headerLookup', 'function'],
    ['deploymentCooldownUntil', 'function'],
    ['DEFAULT_MAX_DEPLOYMENT_COOLDOWN_MS', 'number'],
    ['DEFAULT_BACKOFF', 'object'],
    ['backoffCeilingMs', 'function'],
    ['fullJitterBackoff', 'function'],
    ['DEFAULT_RETRY_POLICY', 'object'],
    ['decideRetry', 'function'],
    ['usdToMicroUsd', 'function'],
    ['formatMicroUsd', 'function'],
    ['costMicroUsd', 'function'],
    ['maxCostMicroUsd', 'function'],
    ['computeRouteWeights', 'function'],
    ['computeWeightsForRoutes', 'function'],
    ['collectEvidence', 'function'],
    ['decayRollups', 'function'],
    ['rollupReadStartMs', 'function'],
    ['evidenceLookbackMs', 'function'],
    ['latestChangePoint', 'function'],
    ['deploymentPosterior', 'function'],
    ['routePrior', 'function'],
    ['solvePacingLambda', 'function'],
    ['tightestBudgetPace', 'function'],
    ['requestsPerMinuteFromRollups', 'function'],
    ['DEFAULT_ROUTE_OBJECTIVE', 'object'],
    ['resolveRouteObjective', 'function'],
    ['RandomVariates', 'function'],
    ['runScenario', 'function'],
    ['benchmarkScenarios', 'function'],
    ['summarise', 'function'],
    ['weightsChartFor', 'function'],
    ['toCsv', 'function'],
    ['jobWorkload', 'function'],
  ])('exports %s', (name, type) => {
    expect(typeof (routing as Record<string, unknown>)[name]).toBe(type);
  });

  it('wires the modules together through the barrel', () => {
    const clock = new routing.ManualClock(0);
    const breaker = new routing.CircuitBreaker(clock, { consecutiveFailures: 1 });
    const rng = routing.createSeededRng('surface');
    const [first] = routing.weightedOrder([{ item: breaker, weight: 1 }], rng);
    expect(first?.item.tryAcquire()).toBe(true);
    first?.item.failure();
    expect(breaker.isAvailable()).toBe(false);
  });
});
