import { parseArgs } from 'node:util';

/** Parsed command line of `stilts-provider-sim`. */
export type CliCommand =
  | { kind: 'help' }
  | { kind: 'error'; message: string }
  | {
      kind: 'run';
      port: number;
      host: string;
      /** Scenario file path; `undefined` means the bundled demo scenario. */
      scenarioPath: string | undefined;
      seed: number | string;
      requestLogSize: number;
    };

export const USAGE = `Usage: stilts-provider-sim [options]

Simulated LLM providers (OpenAI, Anthropic and Gemini wire formats) with scripted latency,
errors, outages, rate limits, resets and stalled streams.

Options:
  --port <n>          TCP port (default 9100; 0 picks a free port)
  --host <addr>       interface to bind (default 127.0.0.1)
  --scenario <file>   scenario JSON (default: the bundled scenarios/demo.json)
  --seed <value>      seed for every random draw (default 0); numbers and strings differ
  --log-size <n>      recent requests kept for GET /_sim/requests (default 200; 0 disables)
  -h, --help          show this help

Endpoints: /{provider}/v1/chat/completions, /{provider}/v1/messages,
/{provider}/v1beta/models/{model}:generateContent | :streamGenerateContent?alt=sse,
/{provider}/v1/models, GET /_sim/stats, POST /_sim/scenario, POST /_sim/reset.`;

function parseInteger(name: string, raw: string, min: number, max: number): number | string {
  if (!/^\d+$/.test(raw)) return `--${name} must be an integer, got '${raw}'`;
  const n = Number(raw);
  if (n < min || n > max) return `--${name} must be between ${min} and ${max}, got ${n}`;
  return n;
}

/** Parses `argv` (without the node and script entries). Never throws. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        scenario: { type: 'string' },
        seed: { type: 'string' },
        'log-size': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  if (values.help === true) return { kind: 'help' };

  const port = parseInteger('port', values.port ?? '9100', 0, 65_535);
  if (typeof port === 'string') return { kind: 'error', message: port };
  const logSize = parseInteger('log-size', values['log-size'] ?? '200', 0, 1_000_000);
  if (typeof logSize === 'string') return { kind: 'error', message: logSize };
  const rawSeed = values.seed ?? '0';
  // A numeric seed means the same as `seed: <number>` in code, so the CLI and tests agree.
  const seed = /^-?\d+(\.\d+)?$/.test(rawSeed) ? Number(rawSeed) : rawSeed;

  return {
    kind: 'run',
    port,
    host: values.host ?? '127.0.0.1',
    scenarioPath: values.scenario,
    seed,
    requestLogSize: logSize,
  };
}
