// What a benchmark ran on, printed and written next to its figures.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

function cpuModel() {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) return match[1].trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown CPU';
}

/**
 * The 1-minute load average: how busy the machine was with other work. Benchmarks print it
 * before and after, because figures taken on a busy machine are not comparable.
 */
export function loadAverage() {
  return os.loadavg()[0];
}

/** The aggregate `cpu` line of /proc/stat: ticks per state, or undefined when not on Linux. */
function cpuTicks() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    // user nice system idle iowait irq softirq steal (guest time is inside user already)
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line
      .trim()
      .split(/\s+/)
      .slice(1, 9)
      .map(Number);
    return { total: user + nice + system + idle + iowait + irq + softirq + steal, steal };
  } catch {
    return undefined;
  }
}

/**
 * Measures CPU steal from now until `stop()`: the share of this machine's CPU time that the
 * hypervisor gave to other guests while our vCPUs wanted to run. On a shared VM it swings from
 * 0 to over a third of the time, and every CPU and latency figure suffers with it; benchmarks
 * print it with their figures. `stop()` returns the share (0..1), or undefined off Linux.
 */
export function startStealMeter() {
  const before = cpuTicks();
  return {
    stop() {
      const after = cpuTicks();
      if (!before || !after || after.total <= before.total) return undefined;
      return (after.steal - before.steal) / (after.total - before.total);
    },
  };
}

/**
 * "Load average 0.50 before the run and 1.90 after it; CPU steal 2.1 % during it (...)": the
 * sentence benchmarks put next to their figures.
 */
export function describeLoad(machine) {
  const steal =
    machine.steal === undefined
      ? ''
      : `; CPU steal ${(machine.steal * 100).toFixed(1)} % during it (machine CPU time the hypervisor gave other guests: above a few percent, CPU and latency figures are inflated)`;
  return `Load average ${machine.loadBefore.toFixed(2)} before the run and ${machine.loadAfter.toFixed(2)} after it${steal}. Other work on the machine adds noise.`;
}

/**
 * The sentence a benchmark's doc section opens with: date, code, machine, PostgreSQL (`db` from
 * `openBenchDatabase`) and load, and a warning for `--quick` runs.
 */
export function describeRun(machine, db, { quick = false } = {}) {
  return (
    `${machine.date}, code ${machine.code ?? 'unknown'}: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, ` +
    `Node ${machine.node}, PostgreSQL ${db.settings.server_version} — ${db.kind === 'embedded' ? 'the embedded server Stilts starts without `DATABASE_URL` (temporary data directory)' : '`DATABASE_URL`'}` +
    ` (shared_buffers ${db.settings.shared_buffers}, synchronous_commit ${db.settings.synchronous_commit}, fsync ${db.settings.fsync}), on the same machine. ` +
    describeLoad(machine) +
    (quick ? ' **Quick smoke run: figures are indicative only.**' : '')
  );
}

/** `{ date, cpus, cpuModel, memory, node, platform }` of this machine, now. */
export function describeMachine() {
  return {
    date: new Date().toISOString().slice(0, 10),
    cpus: os.availableParallelism?.() ?? os.cpus().length,
    cpuModel: cpuModel(),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
}

/**
 * Which code was measured: `BENCH_CODE` when set (free text), else the git commit and whether
 * the working tree had local changes; undefined outside a git checkout.
 */
export function describeCode(cwd) {
  if (process.env.BENCH_CODE) return process.env.BENCH_CODE;
  try {
    const git = (...args) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain') ? `${commit} with local changes` : commit;
  } catch {
    return undefined;
  }
}
