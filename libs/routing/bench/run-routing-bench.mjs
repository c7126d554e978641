// The routing benchmark (`npm run bench:routing`): runs the virtual-time scenarios of
// @stilts/routing's simulator for every policy, prints the table and the targets, writes
// docs/bench/routing.csv and docs/bench/routing-<scenario>.svg, times the weights job on
// "50 routes x 10 deployments x 24 h" of minute rollups, and refreshes the results block of
// docs/routing.md. Lives outside src/ because it does I/O; imports the built library.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import * as routing from '../dist/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const benchDir = path.join(root, 'docs/bench');
const docPath = path.join(root, 'docs/routing.md');
const SWEEP_SEEDS = 10;
const JOB_RUNS = 7;

function log(line = '') {
  process.stdout.write(`${line}\n`);
}

function minutes(x) {
  return x === null ? 'never' : `${x.toFixed(0)} min`;
}

const started = performance.now();
mkdirSync(benchDir, { recursive: true });

// 1. Scenarios x policies.
const results = [];
for (const scenario of routing.benchmarkScenarios()) {
  const t0 = performance.now();
  const result = routing.runScenario(scenario);
  results.push(result);
  const requests = result.runs[0]?.requests ?? 0;
  log(
    `ran ${scenario.name}: ${requests} requests x ${result.runs.length} policies in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  writeFileSync(
    path.join(benchDir, `routing-${scenario.name}.svg`),
    routing.weightsChartFor(result),
  );
}
const rows = results.flatMap((r) => routing.summarise(r));
writeFileSync(path.join(benchDir, 'routing.csv'), routing.toCsv(rows));
log();
log(routing.formatTable(rows));
log();

// 2. Non-stationarity measures.
const outage = results.find((r) => r.scenario.name === 'outage');
const latency = results.find((r) => r.scenario.name === 'latency');
const recovery = routing.measureRecovery(outage);
const latencyRecovery = routing.measureRecovery(latency);
const failureRuns = routing.measureFailureResponse(outage);
const latencyRuns = routing.measureFailureResponse(latency);
const sweep = [];
for (let i = 1; i <= SWEEP_SEEDS; i++) {
  const scenario = { ...outage.scenario, seed: `${outage.scenario.seed}:sweep-${i}` };
  const result = routing.runScenario(scenario, ['stilts-adaptive', 'oracle']);
  sweep.push({
    recovery: routing.measureRecovery(result)?.minutesToRecover ?? null,
    failureRuns: routing.measureFailureResponse(result),
    success: routing.summarise(result)[0].successRate,
  });
}
const sweepRecovery = sweep.map((s) => s.recovery);
const worstRecovery = sweepRecovery.some((x) => x === null) ? null : Math.max(...sweepRecovery);
const worstFailureRuns = sweep.some((s) => s.failureRuns === null)
  ? null
  : Math.max(...sweep.map((s) => s.failureRuns));
const worstSweepSuccess = Math.min(...sweep.map((s) => s.success));

// 3. The weights job on 50 routes x 10 deployments x 24 h of minute rollups.
const nowMs = Date.UTC(2026, 0, 1, 12);
const workload = routing.jobWorkload(
  { routes: 50, deploymentsPerRoute: 10, minutes: 24 * 60, nowMs, withBudget: true },
  routing.createSeededRng('job-workload'),
);
const readStart = routing.rollupReadStartMs(nowMs, routing.DEFAULT_ROUTE_OBJECTIVE.halfLifeMs);
const windowed = workload.map((route) => ({
  ...route,
  rollups: route.rollups.filter((row) => row.minute >= readStart),
}));
function timeJob(inputs) {
  const times = [];
  for (let i = 0; i < JOB_RUNS; i++) {
    const t0 = performance.now();
    routing.computeWeightsForRoutes(inputs, routing.createSeededRng(`job-${i}`));
    times.push(performance.now() - t0);
  }
  const warm = times.slice(1).sort((a, b) => a - b);
  return { cold: times[0], median: warm[Math.floor(warm.length / 2)], max: warm[warm.length - 1] };
}
const fullRows = workload.reduce((s, r) => s + r.rollups.length, 0);
const windowRows = windowed.reduce((s, r) => s + r.rollups.length, 0);
const jobWindow = timeJob(windowed);
const jobFull = timeJob(workload);

// 4. Targets.
const stilts = (scenario) =>
  rows.find((r) => r.scenario === scenario && r.policy === 'stilts-adaptive');
const nonOracle = (scenario) =>
  rows.filter(
    (r) => r.scenario === scenario && r.policy !== 'oracle' && r.policy !== 'stilts-adaptive',
  );
const overshootOk = results.every((r) => {
  const s = stilts(r.scenario.name);
  return s.overshootMicroUsd === null || s.overshootMicroUsd === 0;
});
const regretOk = results.map((r) => {
  const s = stilts(r.scenario.name);
  const best = Math.min(...nonOracle(r.scenario.name).map((x) => x.regretPer1k));
  return { scenario: r.scenario.name, stilts: s.regretPer1k, best, ok: s.regretPer1k < best };
});
const outageSuccess = stilts('outage').successRate;
const targets = [
  {
    target: 'Stilts never exceeds a budget (overshoot 0)',
    ok: overshootOk,
    detail: `budget scenario: spent ${(stilts('budget').totalCostMicroUsd / 1e6).toFixed(2)} of ${(results.find((r) => r.scenario.name === 'budget').budgetMicroUsd / 1e6).toFixed(2)} USD`,
  },
  {
    target: 'Lowest regret of the non-oracle policies in every scenario',
    ok: regretOk.every((x) => x.ok),
    detail: regretOk
      .map((x) => `${x.scenario} ${x.stilts.toFixed(2)} vs ${x.best.toFixed(2)}`)
      .join('; '),
  },
  {
    target: 'Success >= 99.9 % in the outage scenario',
    ok: outageSuccess >= 0.999 && worstSweepSuccess >= 0.999,
    detail: `${(outageSuccess * 100).toFixed(3)} % (worst of ${SWEEP_SEEDS} more seeds: ${(worstSweepSuccess * 100).toFixed(3)} %)`,
  },
  {
    target: ">= 80 % of the oracle's share back to the recovered provider within 10 min",
    ok:
      recovery?.minutesToRecover !== null &&
      recovery.minutesToRecover <= 10 &&
      worstRecovery !== null &&
      worstRecovery <= 10,
    detail: `${minutes(recovery?.minutesToRecover ?? null)} (held ${((recovery?.heldFraction ?? 0) * 100).toFixed(0)} % of later minutes); ${SWEEP_SEEDS} more seeds: ${sweepRecovery.map((x) => (x === null ? '-' : x)).join(', ')} min (worst ${minutes(worstRecovery)})`,
  },
  {
    target: 'A provider that starts failing loses half its weight within 2 job runs',
    ok:
      failureRuns !== null &&
      failureRuns <= 2 &&
      worstFailureRuns !== null &&
      worstFailureRuns <= 2,
    detail: `outage: run ${failureRuns}; latency x5: run ${latencyRuns}; worst of ${SWEEP_SEEDS} more seeds: run ${worstFailureRuns}`,
  },
  {
    target: 'Job run time (50 routes x 10 deployments x 24 h) < 200 ms',
    ok: jobWindow.median < 200 && jobFull.median < 200,
    detail: `${windowRows} rows read from rollupReadStartMs: median ${jobWindow.median.toFixed(0)} ms (cold ${jobWindow.cold.toFixed(0)} ms); all ${fullRows} rows of 24 h passed: median ${jobFull.median.toFixed(0)} ms (cold ${jobFull.cold.toFixed(0)} ms)`,
  },
];
log('Targets');
for (const t of targets) log(`  ${t.ok ? 'PASS' : 'FAIL'}  ${t.target}: ${t.detail}`);
log();
log(`latency x5 recovery (back to 2.2 s): ${minutes(latencyRecovery?.minutesToRecover ?? null)}`);
log(`wrote docs/bench/routing.csv and ${results.length} charts docs/bench/routing-<scenario>.svg`);

// 5. The results block of docs/routing.md.
const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
const block = [
  '<!-- bench:routing:begin -->',
  '',
  `Seeded and deterministic apart from the timings (${machine}). Each scenario: 4 simulated`,
  'hours, ~72,000 requests, the same traffic and per-attempt luck for every policy.',
  '',
  routing.toMarkdownTable(rows).trimEnd(),
  '',
  '| target | result | detail |',
  '| :-- | :-- | :-- |',
  ...targets.map((t) => `| ${t.target} | ${t.ok ? 'pass' : '**fail**'} | ${t.detail} |`),
  '',
  `Latency x5 scenario: sim-balanced back to ≥ 80 % of the oracle's share ${minutes(latencyRecovery?.minutesToRecover ?? null)} after its latency recovered.`,
  '',
  '<!-- bench:routing:end -->',
].join('\n');
const doc = readFileSync(docPath, 'utf8');
const begin = doc.indexOf('<!-- bench:routing:begin -->');
const end = doc.indexOf('<!-- bench:routing:end -->');
if (begin >= 0 && end > begin) {
  const updated =
    doc.slice(0, begin) + block + doc.slice(end + '<!-- bench:routing:end -->'.length);
  // Formatted like the rest of the repository, so `prettier --check` stays green.
  const options = (await prettier.resolveConfig(docPath)) ?? {};
  writeFileSync(docPath, await prettier.format(updated, { ...options, filepath: docPath }));
  log('updated the results block of docs/routing.md');
} else {
  log('docs/routing.md has no <!-- bench:routing:begin/end --> markers; results block not written');
}
log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
if (!targets.every((t) => t.ok)) process.exitCode = 1;
