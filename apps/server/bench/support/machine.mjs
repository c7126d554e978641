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
