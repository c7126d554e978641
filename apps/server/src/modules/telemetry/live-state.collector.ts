import type { CallRecorder } from '../calls/call-record.js';
import { CallRecorderService, type CallRecorderStats } from '../calls/call-recorder.service.js';
import type { CatalogService } from '../catalog/catalog.service.js';
import type { DeploymentHealthRegistry } from '../gateway/deployment-health.js';
import { SnapshotWeightSource } from '../weights/snapshot-weight.source.js';
import type { WeightSource } from '../weights/weight-source.js';
import type { BudgetGaugeSource } from './budget-gauges.js';
import { CollectedFamily, type MetricRegistry, type SampleSink } from './metric-registry.js';

/** Circuit states as label values (`half-open` is not a valid-looking label value style). */
const CIRCUIT_STATES = ['closed', 'open', 'half_open'] as const;

/** How long a journal size read from disk is reused. */
const JOURNAL_CACHE_MS = 15_000;

/** What the live state is read from; absent parts (memory mode) simply emit nothing. */
export interface LiveStateSources {
  readonly catalog: CatalogService;
  readonly health: DeploymentHealthRegistry;
  readonly weights: WeightSource;
  readonly recorder: CallRecorder;
  /** Resolved late: the budgets module may register it after telemetry starts. */
  readonly budgets: () => BudgetGaugeSource | undefined;
}

/**
 * Gauges (and the recorder's counters) read from live state when `/metrics` is scraped:
 * circuit breakers, Retry-After pauses, weights and budget pacing, the call recorder, budgets.
 * Nothing here runs per request.
 */
export class LiveStateCollector {
  private journal = { value: 0, at: -Infinity };
  private journalRead: Promise<void> | undefined;

  constructor(
    registry: MetricRegistry,
    private readonly sources: LiveStateSources,
  ) {
    const gauge = (
      name: string,
      help: string,
      labels: readonly string[],
      collect: (emit: SampleSink) => void | Promise<void>,
    ): void => {
      registry.register(new CollectedFamily(name, help, 'gauge', labels, collect));
    };

    gauge(
      'stilts_circuit_state',
      'Circuit breaker of each deployment on this replica: 1 for its current state (closed, open, half_open), an operator override included.',
      ['deployment', 'state'],
      (emit) => this.circuits(emit),
    );
    gauge(
      'stilts_circuit_forced',
      '1 when an operator override forces the deployment circuit open or closed.',
      ['deployment'],
      (emit) => {
        for (const health of this.healthOfAll()) emit([health.deploymentId], health.forced ? 1 : 0);
      },
    );
    gauge(
      'stilts_deployment_paused',
      '1 while the deployment asked not to be called (Retry-After) on this replica.',
      ['deployment'],
      (emit) => {
        for (const health of this.healthOfAll()) {
          emit([health.deploymentId], health.isPaused() ? 1 : 0);
        }
      },
    );
    gauge(
      'stilts_deployment_weight',
      'Share of first picks the route currently gives the deployment (bandit snapshot, else configured weights), before overrides and circuit state.',
      ['route', 'deployment'],
      (emit) => this.weights(emit),
    );

    const snapshots = sources.weights instanceof SnapshotWeightSource ? sources.weights : undefined;
    if (snapshots) {
      gauge(
        'stilts_route_lambda',
        'Budget pacing multiplier (lambda) of the route in its current weight snapshot; 0 when spend is within pace.',
        ['route'],
        (emit) => {
          for (const s of snapshots.current()) emit([s.route], s.lambda);
        },
      );
      gauge(
        'stilts_weight_snapshot_version',
        'Version of the weight snapshot the route routes by.',
        ['route'],
        (emit) => {
          for (const s of snapshots.current()) emit([s.route], s.version);
        },
      );
      gauge(
        'stilts_weight_snapshot_timestamp_seconds',
        'When the weight snapshot the route routes by was computed, seconds since the epoch.',
        ['route'],
        (emit) => {
          for (const s of snapshots.current()) emit([s.route], s.computedAt / 1000);
        },
      );
    }

    const recorder = sources.recorder instanceof CallRecorderService ? sources.recorder : undefined;
    if (recorder) {
      gauge(
        'stilts_recorder_queue_depth',
        'Call records waiting in memory for the next flush.',
        [],
        (emit) => emit([], recorder.queueDepth),
      );
      gauge(
        'stilts_recorder_journal_records',
        'Call records waiting in the on-disk journal for the database to come back (refreshed at most every 15 s).',
        [],
        async (emit) => emit([], await this.journalRecords(recorder)),
      );
      const counter = (name: string, help: string, key: keyof CallRecorderStats): void => {
        registry.register(
          new CollectedFamily(name, help, 'counter', [], (emit) => emit([], recorder.stats[key])),
        );
      };
      counter('stilts_recorder_enqueued_total', 'Call records handed to the recorder.', 'enqueued');
      counter('stilts_recorder_written_total', 'Call records written to the database.', 'written');
      counter(
        'stilts_recorder_duplicates_total',
        'Call records the database already had (replays).',
        'duplicates',
      );
      counter(
        'stilts_recorder_journaled_total',
        'Call records appended to the journal while the database was unavailable.',
        'journaled',
      );
      counter(
        'stilts_recorder_replayed_total',
        'Journaled call records written after the database came back.',
        'replayed',
      );
      counter(
        'stilts_recorder_rejected_total',
        'Call records the database refused as invalid (kept in the rejected file).',
        'rejected',
      );
      counter(
        'stilts_recorder_flush_failures_total',
        'Failed flushes to the database.',
        'flushFailures',
      );
      counter(
        'stilts_recorder_dropped_total',
        'Call records lost. Always 0: the recorder journals instead of dropping.',
        'dropped',
      );
    }

    gauge(
      'stilts_budget_remaining_usd',
      'What is left of each budget in its current period, in USD.',
      ['budget', 'scope'],
      async (emit) => {
        const source = sources.budgets();
        if (!source) return;
        for (const b of await source.budgetGauges()) {
          emit([b.budgetId, b.scope], b.remainingMicroUsd / 1e6);
        }
      },
    );
    gauge(
      'stilts_budget_limit_usd',
      'Limit of each budget for its current period, in USD.',
      ['budget', 'scope'],
      async (emit) => {
        const source = sources.budgets();
        if (!source) return;
        for (const b of await source.budgetGauges()) {
          if (b.limitMicroUsd !== undefined) emit([b.budgetId, b.scope], b.limitMicroUsd / 1e6);
        }
      },
    );
  }

  /** Every deployment of the catalog, and any other the registry tracks. */
  private *healthOfAll(): Generator<ReturnType<DeploymentHealthRegistry['get']>> {
    const { catalog, health } = this.sources;
    const seen = new Set<string>();
    for (const d of catalog.current.definition.deployments) {
      seen.add(d.id);
      yield health.get(d.id);
    }
    for (const h of health.entries()) if (!seen.has(h.deploymentId)) yield h;
  }

  private circuits(emit: SampleSink): void {
    for (const health of this.healthOfAll()) {
      const kind = health.forced ?? health.state.kind;
      const current = kind === 'half-open' ? 'half_open' : kind;
      for (const state of CIRCUIT_STATES)
        emit([health.deploymentId, state], state === current ? 1 : 0);
    }
  }

  private weights(emit: SampleSink): void {
    for (const route of this.sources.catalog.current.routes()) {
      if (route.definition.strategy === 'priority') continue;
      const weights = this.sources.weights.weightsFor(route);
      const raw = route.members.map((m) => {
        const w = weights.weightOf(m.deployment.id) ?? m.weight;
        return Number.isFinite(w) && w > 0 ? w : 0;
      });
      const sum = raw.reduce((a, b) => a + b, 0);
      route.members.forEach((m, i) => {
        emit([route.name, m.deployment.id], sum > 0 ? (raw[i] as number) / sum : 0);
      });
    }
  }

  /** The journal's size, re-read at most every {@link JOURNAL_CACHE_MS} (it scans files). */
  private async journalRecords(recorder: CallRecorderService): Promise<number> {
    const now = performance.now();
    if (now - this.journal.at >= JOURNAL_CACHE_MS && !this.journalRead) {
      this.journalRead = recorder
        .journalRecords()
        .then(
          (value) => {
            this.journal = { value, at: performance.now() };
          },
          () => {
            this.journal = { value: this.journal.value, at: performance.now() };
          },
        )
        .finally(() => {
          this.journalRead = undefined;
        });
    }
    // The first read is awaited; later ones refresh in the background.
    if (this.journal.at === -Infinity && this.journalRead) await this.journalRead;
    return this.journal.value;
  }
}
