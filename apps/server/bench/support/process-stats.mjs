// CPU time and memory of a process, read from /proc (Linux). Used to charge a benchmark's
// process under test with exactly its own CPU (all threads: JS, GC, libuv pool), independent of
// the load generator running in the benchmark's own process.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

let ticksPerSecond;

/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`, 100 almost everywhere). */
export function clockTicksPerSecond() {
  if (ticksPerSecond === undefined) {
    try {
      const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      ticksPerSecond = Number.isInteger(value) && value > 0 ? value : 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * CPU time the process has used so far, in microseconds: user, system and their sum
 * (utime + stime of /proc/<pid>/stat; children not included). Resolution is one clock tick
 * (10 ms at 100 Hz), so measure windows of seconds, not milliseconds.
 */
export function readCpuTime(pid) {
  return cpuTimeOf(`/proc/${pid}/stat`);
}

/** utime + stime of a `stat` file: a process's (`/proc/<pid>/stat`) or one thread's. */
function cpuTimeOf(statFile) {
  const stat = readFileSync(statFile, 'utf8');
  // Field 2 (comm) is in parentheses and may itself contain spaces or ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field n is fields[n - 3]: utime 14, stime 15.
  const usPerTick = 1_000_000 / clockTicksPerSecond();
  const userUs = Number(fields[11]) * usPerTick;
  const systemUs = Number(fields[12]) * usPerTick;
  return { userUs, systemUs, totalUs: userUs + systemUs };
}

function statusKb(status, field) {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** Resident memory now (VmRSS) and its peak so far (VmHWM), in bytes. */
export function readMemory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rssBytes: statusKb(status, 'VmRSS'), peakRssBytes: statusKb(status, 'VmHWM') };
}

/**
 * Resets the process's peak RSS (VmHWM) to its current RSS, so a later {@link readMemory}
 * reports the peak of one measured window only. Needs write access to /proc/<pid>/clear_refs
 * (own child processes: yes). Returns whether it worked.
 */
export function resetPeakRss(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * CPU time of the process's main thread alone (the thread whose id is the process id: in Node,
 * the JavaScript thread, with the GC work V8 does there), in microseconds; what the process used
 * beyond it is other threads' (V8's GC helpers and compilers, the libuv pool).
 */
function readMainThreadCpuUs(pid) {
  return cpuTimeOf(`/proc/${pid}/task/${pid}/stat`).totalUs;
}

/**
 * Starts measuring a window of the process's CPU; `stop()` returns the CPU microseconds used
 * since (total, user, system, and the main thread's part of the total) and the wall-clock
 * milliseconds.
 */
export function startCpuWindow(pid) {
  const before = readCpuTime(pid);
  const mainBefore = readMainThreadCpuUs(pid);
  const t0 = performance.now();
  return {
    stop() {
      const after = readCpuTime(pid);
      return {
        cpuUs: after.totalUs - before.totalUs,
        userUs: after.userUs - before.userUs,
        systemUs: after.systemUs - before.systemUs,
        mainThreadUs: readMainThreadCpuUs(pid) - mainBefore,
        wallMs: performance.now() - t0,
      };
    },
  };
}
