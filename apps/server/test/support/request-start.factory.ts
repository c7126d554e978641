import type { RequestStart } from '../../src/modules/gateway/gateway-observer.js';

/** A request's start as the gateway reports it to its observer; override what the test is about. */
export function requestStart(overrides: Partial<RequestStart> = {}): RequestStart {
  return {
    requestId: 'req-1',
    route: 'test-route',
    stream: false,
    traceparent: undefined,
    tracestate: undefined,
    receivedAt: performance.now(),
    ...overrides,
  };
}
