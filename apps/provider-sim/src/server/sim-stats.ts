import type { WireFormatName } from '../formats/wire-format.js';

/**
 * How a request ended. `ok` answered normally; the rest name the failure the client saw:
 * scripted faults (`outage`, `reset`, `rate_limited`, `error`, `malformed`, `stall`, `cut`,
 * `stream_error`) and the client's own mistakes (`unauthorized`, `bad_request`, `not_found`).
 */
export type SimOutcome =
  | 'ok'
  | 'outage'
  | 'reset'
  | 'rate_limited'
  | 'error'
  | 'malformed'
  | 'stall'
  | 'cut'
  | 'stream_error'
  | 'unauthorized'
  | 'bad_request'
  | 'not_found';

/** Counters of one provider. */
export interface ProviderStats {
  requests: number;
  /** Requests that asked for a stream. */
  streams: number;
  byFormat: Partial<Record<WireFormatName, number>>;
  byOutcome: Partial<Record<SimOutcome, number>>;
  /** HTTP status sent, as a string key; `"0"` when the socket was destroyed instead. */
  byStatus: Record<string, number>;
}

/** What `GET /_sim/stats` and `ProviderSim.stats()` return. */
export interface SimStats {
  /** Milliseconds (simulator clock) since the scenario clock last started. */
  scenarioElapsedMs: number;
  /** Scenario seconds after `loopS` wrapping: the time windows are matched against. */
  scenarioTimeS: number;
  totalRequests: number;
  /** Requests for a provider id the scenario does not have. */
  unrouted: number;
  providers: Record<string, ProviderStats>;
}

function emptyProviderStats(): ProviderStats {
  return { requests: 0, streams: 0, byFormat: {}, byOutcome: {}, byStatus: {} };
}

/** Request counters per provider and outcome; O(1) per request, no allocation once warm. */
export class SimStatsCounter {
  private providers = new Map<string, ProviderStats>();
  private total = 0;
  private unroutedCount = 0;

  /** Counts one request that reached a provider. */
  record(
    providerId: string,
    format: WireFormatName,
    stream: boolean,
    outcome: SimOutcome,
    status: number,
  ): void {
    let p = this.providers.get(providerId);
    if (p === undefined) {
      p = emptyProviderStats();
      this.providers.set(providerId, p);
    }
    this.total++;
    p.requests++;
    if (stream) p.streams++;
    p.byFormat[format] = (p.byFormat[format] ?? 0) + 1;
    p.byOutcome[outcome] = (p.byOutcome[outcome] ?? 0) + 1;
    const key = String(status);
    p.byStatus[key] = (p.byStatus[key] ?? 0) + 1;
  }

  /** Counts a request for an unknown provider id. */
  recordUnrouted(): void {
    this.total++;
    this.unroutedCount++;
  }

  reset(): void {
    this.providers = new Map();
    this.total = 0;
    this.unroutedCount = 0;
  }

  /** A deep copy, safe to hand out and serialise. */
  snapshot(scenarioElapsedMs: number, scenarioTimeS: number): SimStats {
    const providers: Record<string, ProviderStats> = {};
    for (const [id, p] of this.providers) {
      providers[id] = {
        requests: p.requests,
        streams: p.streams,
        byFormat: { ...p.byFormat },
        byOutcome: { ...p.byOutcome },
        byStatus: { ...p.byStatus },
      };
    }
    return {
      scenarioElapsedMs,
      scenarioTimeS,
      totalRequests: this.total,
      unrouted: this.unroutedCount,
      providers,
    };
  }
}
