import { Logger } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';

/** One line of the access log: identifiers, numbers and bounded names only — no headers, no body. */
export interface AccessLogEntry {
  readonly requestId: string;
  readonly route: string | null;
  readonly deployment: string | null;
  readonly status: number;
  readonly outcome: string;
  readonly attempts: number;
  readonly stream: boolean;
  readonly durationMs: number;
  readonly overheadMs?: number;
  /** Rejected before the gateway: the matched route pattern (or the path, without query). */
  readonly path?: string;
  readonly errorCode?: string | null;
}

const DEBUG_LEVELS: ReadonlySet<AppConfig['LOG_LEVEL']> = new Set(['debug', 'trace']);

/**
 * The access log: one line per request at `debug` (at thousands of requests per second an
 * `info` line each would cost more than the rest of the gateway), and at `warn` for requests
 * that failed on Stilts' or the upstreams' side (HTTP 5xx). Callers check {@link wants} before
 * building an entry, so a disabled access log costs one comparison.
 */
export class AccessLog {
  private readonly logger = new Logger('Access');
  private readonly debug: boolean;

  constructor(level: AppConfig['LOG_LEVEL']) {
    this.debug = DEBUG_LEVELS.has(level);
  }

  /** Would a request with this status be logged? */
  wants(status: number): boolean {
    return this.debug || status >= 500;
  }

  write(entry: AccessLogEntry): void {
    if (entry.status >= 500) this.logger.warn({ msg: 'request failed', ...entry });
    else if (this.debug) this.logger.debug({ msg: 'request', ...entry });
  }
}
