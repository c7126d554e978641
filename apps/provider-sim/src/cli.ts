#!/usr/bin/env node
import { basename } from 'node:path';
import { parseCliArgs, USAGE } from './cli-options.js';
import { builtinScenarioPath, loadScenarioFile } from './scenario/scenario-file.js';
import { isScenarioError } from './scenario/scenario.schema.js';
import { startProviderSim } from './server/provider-sim.server.js';

async function main(): Promise<number> {
  const command = parseCliArgs(process.argv.slice(2));
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command.kind === 'error') {
    process.stderr.write(`provider-sim: ${command.message}\n\n${USAGE}\n`);
    return 2;
  }

  const path = command.scenarioPath ?? builtinScenarioPath('demo');
  let scenario;
  try {
    scenario = await loadScenarioFile(path);
  } catch (error) {
    const message = isScenarioError(error) ? `${path}: ${error.message}` : (error as Error).message;
    process.stderr.write(`provider-sim: ${message}\n`);
    return 2;
  }

  const sim = await startProviderSim({
    port: command.port,
    host: command.host,
    scenario,
    seed: command.seed,
    requestLogSize: command.requestLogSize,
  });
  const providers = Object.keys(scenario.providers).join(', ');
  process.stdout.write(
    `provider-sim listening on ${sim.url} (scenario ${basename(path)}: ${providers}; seed ${String(command.seed)})\n`,
  );

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await sim.close();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `provider-sim: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
