import { randomUUID } from 'node:crypto';
import type { AttemptRecord } from '../../src/modules/calls/call-record.js';

/** An attempt record with plausible defaults; override what the test is about. */
export function attemptRecord(overrides: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    requestId: randomUUID(),
    attempt: 1,
    startedAt: Date.now(),
    route: 'chat-default',
    deploymentId: 'dep-a',
    providerId: 'prov-a',
    apiKeyId: null,
    outcome: 'success',
    httpStatus: 200,
    errorType: null,
    latencyMs: 100,
    ttftMs: null,
    inputTokens: 10,
    outputTokens: 20,
    costMicroUsd: 30,
    propensity: 0.5,
    snapshotVersion: null,
    streamed: false,
    ...overrides,
  };
}
