import { Injectable } from '@nestjs/common';
import type { CallAttempt, CallDetail, Page } from '@stilts/admin-contract';
import { DomainError } from '../../../common/errors/domain-error.js';
import { DatabaseService } from '../../database/database.service.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { CallsAdminRepository, type CallRow } from './calls-admin.repository.js';
import { expandPlan, explainCall, finalOutcome } from './call-explanation.js';

function attemptDto(r: CallRow): CallAttempt {
  return {
    requestId: r.request_id,
    attempt: r.attempt,
    startedAt: r.started_at.toISOString(),
    route: r.route,
    deploymentId: r.deployment_id,
    providerId: r.provider_id,
    apiKeyId: r.api_key_id,
    outcome: r.outcome,
    httpStatus: r.http_status,
    errorType: r.error_type,
    latencyMs: r.latency_ms,
    ttftMs: r.ttft_ms,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    costMicroUsd: Number(r.cost_micro_usd),
    propensity: r.propensity,
    snapshotVersion: r.snapshot_version === null ? null : Number(r.snapshot_version),
    streamed: r.streamed,
  };
}

/** Searches the call ledger and explains single requests. */
@Injectable()
export class CallsAdminService {
  private readonly repository: CallsAdminRepository;

  constructor(database: DatabaseService) {
    this.repository = new CallsAdminRepository(database.dataSource);
  }

  async search(query: {
    from: string;
    to: string;
    route?: string | undefined;
    deploymentId?: string | undefined;
    apiKeyId?: string | undefined;
    outcome?: string[] | undefined;
    firstAttemptOnly?: boolean | undefined;
    cursor?: string | undefined;
    limit: number;
  }): Promise<Page<CallAttempt>> {
    const after = query.cursor
      ? (([startedUs, requestId, attempt]) => ({ startedUs, requestId, attempt }))(
          decodeCursor(query.cursor, ['number', 'string', 'number']),
        )
      : undefined;
    const rows = await this.repository.search({
      fromMs: Date.parse(query.from),
      toMs: Date.parse(query.to),
      route: query.route,
      deploymentId: query.deploymentId,
      apiKeyId: query.apiKeyId,
      outcomes: query.outcome,
      firstAttemptOnly: query.firstAttemptOnly,
      ...(after ? { after } : {}),
      limit: query.limit,
    });
    const last = rows[rows.length - 1];
    return {
      items: rows.map(attemptDto),
      nextCursor:
        rows.length === query.limit && last
          ? encodeCursor([Number(last.started_us), last.request_id, last.attempt])
          : null,
    };
  }

  async request(requestId: string, around: string | undefined): Promise<CallDetail> {
    const rows = await this.repository.request(
      requestId,
      around === undefined ? undefined : Date.parse(around),
    );
    const first = rows[0];
    if (!first) throw new DomainError(404, 'call_not_found', `No call ${requestId}.`);
    const attempts = rows.map(attemptDto);
    const recorded = rows.find((r) => r.plan !== null)?.plan ?? null;
    const plan = recorded ? expandPlan(recorded) : null;
    return {
      requestId,
      route: first.route,
      apiKeyId: first.api_key_id,
      startedAt: first.started_at.toISOString(),
      outcome: finalOutcome(attempts),
      totalLatencyMs: attempts.reduce((sum, a) => sum + a.latencyMs, 0),
      totalCostMicroUsd: attempts.reduce((sum, a) => sum + a.costMicroUsd, 0),
      snapshotVersion: attempts[0]?.snapshotVersion ?? null,
      attempts,
      plan,
      decisions: explainCall(attempts, plan),
    };
  }
}
