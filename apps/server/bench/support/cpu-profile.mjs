// Reading V8 CPU profiles (`node --cpu-prof`): which share of a process's busy main-thread
// time was spent under given code. A share within one process does not move with machine
// noise or with one process being luckier than another, as CPU-time comparisons between
// processes do; it sees only the main thread (not GC helper threads or the kernel).
import { readFileSync } from 'node:fs';

const NOT_BUSY = new Set(['(idle)', '(program)', '(garbage collector)']);

/** Now on the clock V8 stamps profile samples with (CLOCK_MONOTONIC, µs; same machine). */
export function profileClockUs() {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * Parses a .cpuprofile and returns `{ busyMs, gcMs, shares }`, where `shares[name]` is the
 * fraction of busy time (idle, GC and "(program)" excluded) whose stack has a frame whose script
 * URL matches `patterns[name]` (a RegExp), and `gcMs` the time in "(garbage collector)".
 * `window` (`{ fromUs, toUs }` from {@link profileClockUs}) keeps only the samples taken in it —
 * e.g. a measured load window, without the process's start-up.
 */
export function profileShares(file, patterns, window = {}) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  // Which patterns match somewhere on each node's stack (memoised per node).
  const matches = new Map();
  const matchesOf = (id) => {
    let result = matches.get(id);
    if (result) return result;
    const node = nodes.get(id);
    const up = parent.has(id) ? matchesOf(parent.get(id)) : new Set();
    result = new Set(up);
    for (const [name, pattern] of Object.entries(patterns)) {
      if (pattern.test(node.callFrame.url)) result.add(name);
    }
    matches.set(id, result);
    return result;
  };
  let busyUs = 0;
  let gcUs = 0;
  const underUs = Object.fromEntries(Object.keys(patterns).map((name) => [name, 0]));
  const fromUs = window.fromUs ?? -Infinity;
  const toUs = window.toUs ?? Infinity;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    if (at < fromUs || at > toUs) continue;
    const node = nodes.get(profile.samples[i]);
    const fn = node.callFrame.functionName;
    if (fn === '(garbage collector)') gcUs += dt;
    if (NOT_BUSY.has(fn)) continue;
    busyUs += dt;
    for (const name of matchesOf(node.id)) underUs[name] += dt;
  }
  const shares = Object.fromEntries(
    Object.entries(underUs).map(([name, us]) => [name, busyUs > 0 ? us / busyUs : 0]),
  );
  return { busyMs: busyUs / 1000, gcMs: gcUs / 1000, shares };
}
