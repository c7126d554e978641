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

/** The samples of a parsed profile taken in `window`: `{ node, us }` (a node and its time). */
function* samplesIn(profile, nodes, window = {}) {
  const fromUs = window.fromUs ?? -Infinity;
  const toUs = window.toUs ?? Infinity;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    const us = profile.timeDeltas[i + 1] ?? 0;
    if (at < fromUs || at > toUs) continue;
    yield { node: nodes.get(profile.samples[i]), us };
  }
}

/** "file.js:12" relative to `root` (a file URL or path prefix), or the bare URL. */
function location(callFrame, root) {
  let url = callFrame.url ?? '';
  if (!url) return '';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) url = url.slice(nm + 1);
  else if (root && url.startsWith(root)) url = url.slice(root.length).replace(/^\/+/, '');
  else url = url.replace(/^file:\/\//, '');
  return `${url}:${callFrame.lineNumber + 1}`;
}

function frameName(node, root) {
  const fn = node.callFrame.functionName || '(anonymous)';
  const where = location(node.callFrame, root);
  return where ? `${fn} ${where}` : fn;
}

/**
 * The functions with the most self time in a .cpuprofile (optionally only the samples in
 * `window`, see {@link profileShares}): `{ totalMs, frames: [{ name, selfMs, share }] }`, the
 * top `limit` by self time, where `name` is "function file:line" (paths relative to `root`, or
 * from `node_modules/`), `share` a fraction of `totalMs`: all main-thread time except idle —
 * "(garbage collector)" and "(program)" (V8 and native work outside JS) included as frames.
 */
export function topSelfFrames(file, { window, limit = 20, root } = {}) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  let totalUs = 0;
  for (const { node, us } of samplesIn(profile, nodes, window)) {
    if (node.callFrame.functionName === '(idle)') continue;
    totalUs += us;
    const name = frameName(node, root);
    selfUs.set(name, (selfUs.get(name) ?? 0) + us);
  }
  const frames = [...selfUs]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, us]) => ({ name, selfMs: us / 1000, share: totalUs > 0 ? us / totalUs : 0 }));
  return { totalMs: totalUs / 1000, frames };
}

/**
 * The profile as folded stacks ("root;caller;callee <µs>" per line, idle left out), the input
 * of flamegraph.pl, inferno and speedscope; `window` and `root` as in {@link topSelfFrames}.
 */
export function foldedStacks(file, { window, root } = {}) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const stacks = new Map();
  const stackOf = (id) => {
    let stack = stacks.get(id);
    if (stack !== undefined) return stack;
    const node = nodes.get(id);
    const name = frameName(node, root).replaceAll(';', ',');
    const up = parent.get(id);
    // V8's "(root)" node is the top of every stack: leave it out.
    stack = up === undefined ? '' : stackOf(up) ? `${stackOf(up)};${name}` : name;
    stacks.set(id, stack);
    return stack;
  };
  const weights = new Map();
  for (const { node, us } of samplesIn(profile, nodes, window)) {
    if (node.callFrame.functionName === '(idle)' || us <= 0) continue;
    const stack = stackOf(node.id);
    weights.set(stack, (weights.get(stack) ?? 0) + us);
  }
  return [...weights].map(([stack, us]) => `${stack} ${Math.round(us)}`).join('\n') + '\n';
}
