import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { STILTS_VERSION } from './build-info.js';
import { CollectedFamily, type MetricRegistry } from './metric-registry.js';

/**
 * The usual process series (CPU, memory, start time, event-loop delay) under the names
 * prom-client's default metrics use, read when scraped. The event-loop delay gauges cover
 * the time since the previous scrape.
 */
export class ProcessMetrics {
  private readonly loop: IntervalHistogram;
  private readonly startTimeSeconds: number;

  constructor(registry: MetricRegistry) {
    this.loop = monitorEventLoopDelay({ resolution: 20 });
    this.loop.enable();
    this.startTimeSeconds = Math.round(Date.now() / 1000 - process.uptime());
    registry.register(
      new CollectedFamily(
        'stilts_build_info',
        'Always 1; the labels say which Stilts and which Node.js run.',
        'gauge',
        ['version', 'nodejs_version'],
        (emit) => emit([STILTS_VERSION, process.versions.node], 1),
      ),
    );
    const cpu = (pick: (u: NodeJS.CpuUsage) => number) => (emit: (l: [], v: number) => void) =>
      emit([], pick(process.cpuUsage()) / 1e6);
    registry.register(
      new CollectedFamily(
        'process_cpu_user_seconds_total',
        'User CPU time spent by the process, in seconds.',
        'counter',
        [],
        cpu((u) => u.user),
      ),
    );
    registry.register(
      new CollectedFamily(
        'process_cpu_system_seconds_total',
        'System CPU time spent by the process, in seconds.',
        'counter',
        [],
        cpu((u) => u.system),
      ),
    );
    registry.register(
      new CollectedFamily(
        'process_cpu_seconds_total',
        'User and system CPU time spent by the process, in seconds.',
        'counter',
        [],
        cpu((u) => u.user + u.system),
      ),
    );
    registry.register(
      new CollectedFamily(
        'process_resident_memory_bytes',
        'Resident memory of the process, in bytes.',
        'gauge',
        [],
        (emit) => emit([], process.memoryUsage.rss()),
      ),
    );
    registry.register(
      new CollectedFamily(
        'process_start_time_seconds',
        'Start time of the process since the Unix epoch, in seconds.',
        'gauge',
        [],
        (emit) => emit([], this.startTimeSeconds),
      ),
    );
    registry.register(
      new CollectedFamily(
        'nodejs_heap_size_used_bytes',
        'V8 heap in use, in bytes.',
        'gauge',
        [],
        (emit) => emit([], getHeapStatistics().used_heap_size),
      ),
    );
    const loop = this.loop;
    registry.register(
      new CollectedFamily(
        'nodejs_eventloop_lag_p99_seconds',
        'Event-loop delay, 99th percentile since the previous scrape, in seconds.',
        'gauge',
        [],
        (emit) => emit([], loop.count > 0 ? loop.percentile(99) / 1e9 : 0),
      ),
    );
    registry.register(
      new CollectedFamily(
        'nodejs_eventloop_lag_max_seconds',
        'Event-loop delay, maximum since the previous scrape, in seconds (resets the window).',
        'gauge',
        [],
        (emit) => {
          emit([], loop.count > 0 ? loop.max / 1e9 : 0);
          loop.reset();
        },
      ),
    );
  }

  /** Stops the event-loop delay sampler. */
  stop(): void {
    this.loop.disable();
  }
}
