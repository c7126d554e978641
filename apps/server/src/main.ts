import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { ConfigError, describeSettings, loadConfig, type AppConfig } from './config/app-config.js';
import { createLogger } from './common/logging/pino-logger.service.js';
import { startStilts } from './bootstrap.js';

if (process.argv.includes('--help')) {
  process.stdout.write(
    `Stilts AI gateway. Settings (environment variables):\n\n${describeSettings()}\n`,
  );
  process.exit(0);
}

let config: AppConfig;
try {
  config = loadConfig(process.env);
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}

// Garbage from request handling is mostly short-lived but the recorder's batches outlive a young
// collection; V8's default growth lets the old generation swell to several times the live heap
// before a full collection. A bounded growth factor keeps peak RSS near the live heap.
if (config.HEAP_GROWING_PERCENT > 0) {
  setFlagsFromString(`--heap-growing-percent=${config.HEAP_GROWING_PERCENT}`);
}
// The only WebAssembly in Stilts is undici's HTTP parser (llhttp). V8 first compiles it with its
// baseline compiler, then re-compiles the hot parts with TurboFan as load arrives; that
// re-compile of llhttp's large state machine takes ~25 MB of native memory for a moment, which
// is the process's peak RSS. Parsing with the baseline code costs no measurable CPU per upstream
// call (docs/adr/0007-bounded-heap-growth.md), so Stilts keeps it.
setFlagsFromString('--liftoff-only');
// V8 "pretenures" the objects of an allocation site (allocates them straight in the old
// generation) once most of them have survived a scavenge. A gateway's per-request objects live
// about as long as an upstream call (tens of ms), so at a scavenge every ~120 ms many survive
// one, V8 pretenures them (undici's response headers, for one), and they pile up in the old
// generation until a full collection: at 50 connections and 50 ms upstream, full collections
// came three times as often and the p99 was ~4 ms higher with it on
// (docs/adr/0007-bounded-heap-growth.md).
setFlagsFromString('--no-allocation-site-pretenuring');

const logger = createLogger(config.LOG_LEVEL);
try {
  const stilts = await startStilts(config, process.env, logger);
  logger.info(
    { url: stilts.url },
    `Stilts is listening on ${stilts.url} (OpenAI-compatible API at ${stilts.url}/v1)`,
  );
  let signals = 0;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (++signals > 1) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    logger.info({ signal }, 'shutting down: no new requests, finishing in-flight ones');
    stilts.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
} catch (error) {
  logger.fatal({ err: error }, error instanceof Error ? error.message : String(error));
  process.exit(1);
}
