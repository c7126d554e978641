// Instructions per request, counted by valgrind's callgrind: a measure of a process's CPU work
// that moves far less with what else the machine is doing than CPU time on a shared 2-core VM
// (where rounds of the same process differ by 10-20 %). Used for the A/B targets ("budgets add
// < 10 %", "recording adds < 5 %"), whose differences are smaller than the noise of timing.
//
// The process runs under `valgrind --tool=callgrind` with instrumentation off (about 20x slower)
// through start-up and warm-up, then with it on (about 50x slower) for the measured windows:
// counters zeroed, a fixed number of requests, counters dumped; then an idle window, whose rate
// is taken off (see `measure`). Only the main thread is counted: the JavaScript, and the part
// of garbage collection V8 does there. V8's helper threads (concurrent marking, sweeping,
// optimising compilers) are left out: when they run is a matter of timing, and a window that
// caught a compilation or a full collection would differ from the next by far more than the
// differences measured here. Instructions are user-space only: kernel time is not in them.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { median } from './stats.mjs';

const run = promisify(execFile);

/** valgrind's version line, or undefined when valgrind cannot be run here. */
export async function valgrindVersion() {
  try {
    const { stdout } = await run('valgrind', ['--version'], { timeout: 10_000 });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/**
 * What a process needs to be counted: `wrapper` goes before the node binary, `nodeArgs` after
 * it. Dumps go to `dir`. `host` is the HOST variable the process is started with: vgdb names
 * its control pipes after it, so the controller must use the same.
 */
export function callgrindLaunch(dir, { host } = {}) {
  const prefix = path.join(dir, 'vgdb');
  const out = path.join(dir, 'callgrind.out');
  const env = { ...process.env, ...(host === undefined ? {} : { HOST: host }) };
  const control = (pid, ...args) =>
    run('callgrind_control', [`--vgdb-prefix=${prefix}`, ...args, String(pid)], {
      env,
      timeout: 120_000,
    });
  return {
    wrapper: [
      'valgrind',
      '--tool=callgrind',
      '--instr-atstart=no',
      // V8 writes and rewrites machine code: valgrind must check every code write.
      '--smc-check=all-non-file',
      // One dump file per thread: `<out>.<n>-01` is the main thread's.
      '--separate-threads=yes',
      `--vgdb-prefix=${prefix}`,
      `--callgrind-out-file=${out}`,
    ],
    nodeArgs: [],
    /**
     * Call-recorder settings for the counted process. Instrumented, it serves about 50 times
     * fewer requests a second, so a recorder flushing every 250 ms would write batches about 50
     * times smaller than in production and each flush's fixed cost (a transaction, six rollup
     * upserts) would weigh that much more per request. Flushing by count instead, every 250
     * records (what 250 ms holds at 1,000 req/s; at the benchmarks' full-speed rates the batches
     * are 2-4 times larger), keeps batches as large as a production gateway's, and a window of
     * 1,000 requests always holds 4 flushes.
     */
    env: { RECORDER_BATCH_SIZE: '250', RECORDER_FLUSH_INTERVAL_MS: '600000' },
    /**
     * Counts the instructions of `windows` runs of `requests` requests each (`load(n)` sends n
     * and resolves with `{ requests, non2xx, errors }`) after `warmup` requests uninstrumented
     * and `settle` with instrumentation on, then of an idle window as long as the median
     * counted one.
     *
     * Under instrumentation the process serves ~50x fewer requests per second, but its timers
     * (metrics, lease renewal, partition upkeep) fire as often as ever, so their work would
     * weigh ~50x more per request than at production rates. `perRequest` is therefore net of
     * the idle rate: (window total − idle instructions per ms × window ms) / requests; `raw`
     * keeps the gross figures. Each window (and the idle one) is also counted net of V8's
     * valgrind-only slow-tick path ({@link SLOW_TICK_FUNCTION}). Resolves with `{ perRequest,
     * raw, idlePerSecond, slowTickPerRequest }`, the last the median taken off per request.
     */
    async measure(pid, load, { requests, windows = 3, settle = 200, warmup = 0 }) {
      if (warmup > 0) await load(warmup);
      await control(pid, '--instr=on');
      await load(settle);
      const counted = [];
      const dumpsCounted = [];
      for (let i = 0; i < windows; i++) {
        const before = new Set(await dumps(dir));
        await control(pid, '--zero');
        const t0 = performance.now();
        const result = await load(requests);
        const ms = performance.now() - t0;
        await control(pid, '--dump');
        const { file, total } = await newDump(dir, before);
        dumpsCounted.push(file);
        if (result.requests === 0) throw new Error('no request completed in the window');
        if (result.non2xx > 0 || result.errors > 0) {
          throw new Error(
            `${result.non2xx} non-2xx answers and ${result.errors} errors in a counted window`,
          );
        }
        counted.push({ total, ms, requests: result.requests });
      }
      const idleMs = [...counted].sort((a, b) => a.ms - b.ms)[Math.floor(counted.length / 2)].ms;
      const before = new Set(await dumps(dir));
      await control(pid, '--zero');
      const t0 = performance.now();
      await new Promise((resolve) => setTimeout(resolve, idleMs));
      const idleWindowMs = performance.now() - t0;
      await control(pid, '--dump');
      const idle = await newDump(dir, before);
      await control(pid, '--instr=off');
      const [idleSlowTick, ...windowSlowTick] = await Promise.all(
        [idle.file, ...dumpsCounted].map((file) => slowTickInstructions(file)),
      );
      const idlePerMs = (idle.total - idleSlowTick) / idleWindowMs;
      return {
        perRequest: counted.map(
          (c, i) => (c.total - windowSlowTick[i] - idlePerMs * c.ms) / c.requests,
        ),
        raw: counted.map((c) => c.total / c.requests),
        idlePerSecond: idlePerMs * 1000,
        // What was taken off each window, per request (0 in a process not in that state).
        slowTickPerRequest: median(windowSlowTick.map((x, i) => x / counted[i].requests)),
      };
    },
  };
}

/** Waits for the dump not in `before` to be complete; resolves with its path and total. */
async function newDump(dir, before, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const name = (await dumps(dir)).find((f) => !before.has(f));
    if (name) {
      const file = path.join(dir, name);
      const total = await totalInstructions(file).catch(() => undefined);
      if (total !== undefined) return { file, total };
    }
    if (Date.now() > deadline) throw new Error('callgrind wrote no complete dump');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The main thread's dumps. */
async function dumps(dir) {
  return (await readdir(dir)).filter((f) => /^callgrind\.out\.\d+-01$/.test(f));
}

/** The instruction total of a callgrind dump (its `totals:` or `summary:` line). */
export async function totalInstructions(file) {
  const text = await readFile(file, 'utf8');
  const match = /^(?:totals|summary): (\d+)/m.exec(text);
  if (!match) throw new Error(`no totals in ${file}`);
  return Number(match[1]);
}

/**
 * A V8 state that appears under valgrind and not at full speed. In many fresh processes under
 * callgrind (6 of the first 16 counted on 2026-11-25, and every traced one in that day's
 * benchmark run) V8's optimised `process.nextTick` stops writing its tick object's literal
 * (`{ [async_id_symbol]: ..., [trigger_async_id_symbol]: ..., callback, args }`) inline and
 * calls this runtime function for each computed key, ~24 times per request: ~31,000 more
 * instructions per request, whatever the code under test.
 *
 * Timing 2,000 `nextTick` calls inside the process told the two states apart: under valgrind
 * (not instrumented), 307 and 315 ns a call in two processes, 2,053 ns in a third whose dump
 * had the runtime calls; at full speed, after the same kind of warm-up, 36-40 ns a call in all
 * sixteen fresh processes tried (ten untraced, three untraced and three traced). With
 * `--no-concurrent-recompilation` three traced processes under callgrind never entered it, so
 * it most likely comes from the optimising compiler's thread running far later, relative to the
 * main thread, than at full speed; that flag is not used, because it moves every compilation
 * into the counted windows.
 *
 * So each counted window is taken net of this function's inclusive instructions (the runtime
 * call and the map transitions under it). Affected processes then count within ~1 % of
 * unaffected ones of the same build (457,700 and 452,400 against 458,500 and 456,800 per
 * request; slightly low, since the inline path they would have taken is not added back).
 */
export const SLOW_TICK_FUNCTION = 'Runtime_DefineKeyedOwnPropertyInLiteral';

/**
 * The inclusive instructions of {@link SLOW_TICK_FUNCTION} in a dump (callgrind_annotate); 0
 * when the function is not in it. Rejects when callgrind_annotate cannot read the dump: a count
 * that cannot be corrected is not reported.
 */
export async function slowTickInstructions(file) {
  const { stdout } = await run('callgrind_annotate', ['--inclusive=yes', '--threshold=100', file], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  for (const line of stdout.split('\n')) {
    if (!line.includes(SLOW_TICK_FUNCTION)) continue;
    const match = /^\s*([\d,]+)/.exec(line);
    if (match) return Number(match[1].replaceAll(',', ''));
  }
  return 0;
}

/** What a process's log line adds when instructions of the slow-tick state were taken off. */
export function slowTickNote(result) {
  return result.slowTickPerRequest > 0
    ? `; V8's valgrind-only slow nextTick path taken off: ${Math.round(result.slowTickPerRequest).toLocaleString('en-US')} per request`
    : '';
}
