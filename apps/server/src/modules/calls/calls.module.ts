import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import path from 'node:path';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { DatabaseService } from '../database/database.service.js';
import { withAdvisoryLock } from '../database/with-advisory-lock.js';
import { CALL_RECORDER, type CallRecorder } from './call-record.js';
import { CallJournal } from './call-journal.js';
import { CallPartitionMaintainer } from './call-partition.maintainer.js';
import { CallRecorderService } from './call-recorder.service.js';
import { LEDGER_HOOKS, LedgerHooks } from './ledger-hooks.js';
import { PostgresLedgerWriter } from './postgres-ledger.writer.js';

/**
 * Keeps the call ledger's partitions ahead of time and within retention. The interval method
 * only checks whether a run is already going and delegates; the advisory lock makes one
 * replica do the work.
 */
@Injectable()
export class CallLedgerMaintenance implements OnModuleInit {
  private readonly logger = new Logger(CallLedgerMaintenance.name);
  private running = false;
  private readonly maintainer: CallPartitionMaintainer;

  constructor(
    private readonly database: DatabaseService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.maintainer = new CallPartitionMaintainer(database.dataSource, {
      aheadDays: 7,
      retentionDays: config.CALL_RECORDS_RETENTION_DAYS,
      rollupRetentionDays: config.ROLLUP_RETENTION_DAYS,
    });
  }

  /** Partitions exist before the first record is written. */
  async onModuleInit(): Promise<void> {
    await this.runOnce();
  }

  @Interval('call-ledger-maintenance', 60 * 60 * 1000)
  tick(): void {
    if (this.running) return;
    void this.runOnce();
  }

  async runOnce(): Promise<void> {
    this.running = true;
    try {
      const result = await withAdvisoryLock(this.database, 'call_ledger_maintenance', () =>
        this.maintainer.run(Date.now()),
      );
      if (result.acquired && (result.value.created.length > 0 || result.value.dropped.length > 0)) {
        this.logger.log(
          `call_records partitions: created ${result.value.created.join(', ') || 'none'}; dropped ${result.value.dropped.join(', ') || 'none'}`,
        );
      }
    } catch (error) {
      this.logger.error(`call ledger maintenance failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}

/** Starts the recorder once the app is up and has it drain before the pool closes. */
@Injectable()
class RecorderLifecycle implements OnApplicationBootstrap {
  constructor(
    @Inject(CALL_RECORDER) private readonly recorder: CallRecorder,
    private readonly database: DatabaseService,
  ) {}

  onApplicationBootstrap(): void {
    const recorder = this.recorder;
    if (!(recorder instanceof CallRecorderService)) return;
    recorder.start();
    this.database.registerShutdownTask('call-recorder', () => recorder.drain());
  }
}

/** Recording switched off (`CALL_RECORDING=off`): an operator's explicit choice, for benchmarks. */
const DISCARD: CallRecorder = { record: () => undefined };

const recorderProvider: Provider = {
  provide: CALL_RECORDER,
  inject: [DatabaseService, APP_CONFIG, LEDGER_HOOKS],
  useFactory: (
    database: DatabaseService,
    config: AppConfig,
    hooks: LedgerHooks,
  ): CallRecorderService =>
    new CallRecorderService(
      new PostgresLedgerWriter(database.pool, hooks),
      new CallJournal(path.join(config.STILTS_HOME, 'journal'), database.schema),
      {
        flushIntervalMs: config.RECORDER_FLUSH_INTERVAL_MS,
        batchSize: config.RECORDER_BATCH_SIZE,
        maxBuffered: config.RECORDER_MAX_BUFFERED,
        retryBaseMs: 100,
        retryCapMs: 5_000,
      },
    ),
};

/** The Postgres-backed call ledger: recorder, journal and partition maintenance. */
@Global()
@Module({})
export class CallsModule {
  static forRoot(options: { recording: boolean }): DynamicModule {
    return {
      module: CallsModule,
      providers: [
        CallLedgerMaintenance,
        RecorderLifecycle,
        { provide: LEDGER_HOOKS, useValue: new LedgerHooks() },
        options.recording ? recorderProvider : { provide: CALL_RECORDER, useValue: DISCARD },
      ],
      exports: [CALL_RECORDER, LEDGER_HOOKS],
    };
  }
}
