import { describe, expect, it } from '@jest/globals';
import { callFilterQuery, parseCallFilters, withCallFilters } from './call-filters';

describe('call filters', () => {
  it('round-trip through the URL, dropping empty ones and keeping the rest', () => {
    const filters = {
      route: 'chat',
      deploymentId: null,
      outcome: 'timeout' as const,
      firstAttemptOnly: true,
    };
    const params = withCallFilters(new URLSearchParams('range=24h&deployment=x'), filters);
    expect(params.toString()).toBe('range=24h&route=chat&outcome=timeout&first=1');
    expect(parseCallFilters(params)).toEqual(filters);
  });
  it('ignore an unknown outcome', () => {
    expect(parseCallFilters(new URLSearchParams('outcome=bogus')).outcome).toBeNull();
  });
  it('become the API query, "failures" as every outcome but success', () => {
    const query = callFilterQuery({
      route: null,
      deploymentId: 'sim-a/m',
      outcome: 'failures',
      firstAttemptOnly: false,
    });
    expect(query.deploymentId).toBe('sim-a/m');
    expect(query.outcome?.split(',')).not.toContain('success');
    expect(query.outcome?.split(',')).toContain('timeout');
    expect(query).not.toHaveProperty('firstAttemptOnly');
    expect(
      callFilterQuery({ route: null, deploymentId: null, outcome: null, firstAttemptOnly: true }),
    ).toEqual({
      firstAttemptOnly: 'true',
    });
  });
});
