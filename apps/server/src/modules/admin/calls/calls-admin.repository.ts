import type { DataSource } from 'typeorm';
import type { AttemptOutcome, RecordedPlan } from '../../calls/call-record.js';

/** One `call_records` row as the admin API reads it. */
export interface CallRow {
  request_id: string;
  attempt: number;
  started_at: Date;
  /** started_at in microseconds since the epoch (exact; the keyset cursor). */
  started_us: string;
  route: string;
  deployment_id: string;
  provider_id: string;
  api_key_id: string | null;
  outcome: AttemptOutcome;
  http_status: number | null;
  error_type: string | null;
  latency_ms: number;
  ttft_ms: number | null;
  input_tokens: number;
  output_tokens: number;
  cost_micro_usd: string;
  propensity: number;
  snapshot_version: string | null;
  streamed: boolean;
  plan: RecordedPlan | null;
}

/** A search of the ledger; `after` is the keyset position of the previous page's last row. */
export interface CallSearch {
  readonly fromMs: number;
  readonly toMs: number;
  readonly route?: string | undefined;
  readonly deploymentId?: string | undefined;
  readonly apiKeyId?: string | undefined;
  readonly outcomes?: readonly string[] | undefined;
  readonly firstAttemptOnly?: boolean | undefined;
  readonly after?: {
    readonly startedUs: number;
    readonly requestId: string;
    readonly attempt: number;
  };
  readonly limit: number;
}

const COLUMNS = `request_id, attempt, started_at,
  (extract(epoch FROM started_at) * 1000000)::bigint AS started_us, route, deployment_id,
  provider_id, api_key_id, outcome, http_status, error_type, latency_ms, ttft_ms, input_tokens,
  output_tokens, cost_micro_usd, propensity, snapshot_version, streamed`;

/** The admin API's reads of `call_records`: bounded by time, keyset-paginated, never OFFSET. */
export class CallsAdminRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Attempts in [from, to) matching the filters, newest first by (started_at, request_id,
   * attempt) — a total order, so pages never repeat or skip a row. The time bound prunes
   * partitions; the route/deployment/key filters use their (x, started_at) indexes.
   */
  async search(s: CallSearch): Promise<CallRow[]> {
    const where = ['started_at >= $1', 'started_at < $2'];
    const params: unknown[] = [new Date(s.fromMs), new Date(s.toMs)];
    const add = (sql: string, ...values: unknown[]): void => {
      let text = sql;
      for (const value of values) {
        params.push(value);
        text = text.replace('?', `$${params.length}`);
      }
      where.push(text);
    };
    if (s.route !== undefined) add('route = ?', s.route);
    if (s.deploymentId !== undefined) add('deployment_id = ?', s.deploymentId);
    if (s.apiKeyId !== undefined) add('api_key_id = ?', s.apiKeyId);
    if (s.outcomes !== undefined) add('outcome = ANY(?::text[])', s.outcomes);
    if (s.firstAttemptOnly) where.push('attempt = 1');
    if (s.after) {
      add(
        `(started_at, request_id, attempt) <
           (timestamptz 'epoch' + ?::bigint * interval '1 microsecond', ?, ?::smallint)`,
        s.after.startedUs,
        s.after.requestId,
        s.after.attempt,
      );
    }
    params.push(s.limit);
    return this.dataSource.query<CallRow[]>(
      `SELECT ${COLUMNS}, NULL::jsonb AS plan FROM call_records
        WHERE ${where.join(' AND ')}
        ORDER BY started_at DESC, request_id DESC, attempt DESC
        LIMIT $${params.length}`,
      params,
    );
  }

  /** Every attempt of one request, in order; `aroundMs` narrows the scan to three days. */
  async request(requestId: string, aroundMs?: number): Promise<CallRow[]> {
    const range =
      aroundMs === undefined
        ? ''
        : "AND started_at >= $2::timestamptz - interval '1 day' AND started_at < $2::timestamptz + interval '1 day'";
    return this.dataSource.query<CallRow[]>(
      `SELECT ${COLUMNS}, plan FROM call_records WHERE request_id = $1 ${range} ORDER BY attempt`,
      aroundMs === undefined ? [requestId] : [requestId, new Date(aroundMs)],
    );
  }
}
