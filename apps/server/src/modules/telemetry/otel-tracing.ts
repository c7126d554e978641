import {
  context,
  diag,
  DiagLogLevel,
  ROOT_CONTEXT,
  trace,
  type Context,
  type ContextManager,
  type DiagLogger,
  type TracerProvider,
} from '@opentelemetry/api';
import type { Logger } from 'pino';
import { redactUrl } from '../database/database-names.js';
import { STILTS_VERSION } from './build-info.js';

/** A tracer provider for the app, and how to stop it (flushing what is buffered). */
export interface TracingSetup {
  readonly tracerProvider: TracerProvider;
  shutdown(): Promise<void>;
}

/** Where spans would go, when the environment asks for OTLP export. */
export interface OtlpTarget {
  readonly endpoint: string;
  readonly protocol: string;
  /** `OTEL_TRACES_EXPORTER`'s list (default `otlp`). */
  readonly exporters: readonly string[];
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * OTLP trace export is on when `OTEL_EXPORTER_OTLP_ENDPOINT` (or the traces-only
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set, unless `OTEL_SDK_DISABLED=true` or
 * `OTEL_TRACES_EXPORTER=none`. Off otherwise: then Stilts creates no spans at all.
 */
export function otlpTarget(env: NodeJS.ProcessEnv): OtlpTarget | undefined {
  const endpoint =
    nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ?? nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (!endpoint) return undefined;
  if (nonEmpty(env.OTEL_SDK_DISABLED)?.toLowerCase() === 'true') return undefined;
  const exporters = (nonEmpty(env.OTEL_TRACES_EXPORTER) ?? 'otlp').split(',').map((s) => s.trim());
  if (exporters.length === 1 && exporters[0] === 'none') return undefined;
  const protocol =
    nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) ??
    nonEmpty(env.OTEL_EXPORTER_OTLP_PROTOCOL) ??
    'http/protobuf';
  return { endpoint, protocol, exporters };
}

/**
 * A context manager that keeps no context: Stilts passes parents explicitly, so the
 * AsyncLocalStorage manager (whose async hooks tax every promise in the process) is not needed.
 */
class ExplicitContextManager implements ContextManager {
  active(): Context {
    return ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    _context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return fn.call(thisArg, ...args);
  }

  bind<T>(_context: Context, target: T): T {
    return target;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    return this;
  }
}

/** OpenTelemetry's own warnings (export failures ...) as structured log lines. */
function diagLogger(logger: Logger): DiagLogger {
  const child = logger.child({ context: 'OpenTelemetry' });
  const line = (level: 'error' | 'warn' | 'info' | 'debug' | 'trace') => (message: string) =>
    child[level](message);
  return {
    error: line('error'),
    warn: line('warn'),
    info: line('info'),
    debug: line('debug'),
    verbose: line('trace'),
  };
}

/**
 * Starts the OpenTelemetry Node SDK for traces only, configured by the standard `OTEL_*`
 * variables of `process.env` (exporter and protocol — `http/protobuf` by default, `http/json`,
 * `grpc` —, headers, timeouts, batch sizes, `OTEL_TRACES_SAMPLER[_ARG]` (default parent-based
 * always-on), `OTEL_SERVICE_NAME` / `OTEL_RESOURCE_ATTRIBUTES` (service name default `stilts`)).
 * Metrics stay on `/metrics`, logs on stdout: the SDK's metric and log exporters are not started.
 * Returns undefined (tracing off) unless {@link otlpTarget} finds an endpoint.
 */
export async function startTracingFromEnv(
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<TracingSetup | undefined> {
  const target = otlpTarget(env);
  if (!target) return undefined;
  // Loaded only when tracing is on: the SDK and its exporters hold ~13 MB of heap otherwise idle.
  const [
    { defaultResource, resourceFromAttributes },
    { NodeSDK },
    { createOtlpProtoTraceExporter },
  ] = await Promise.all([
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-node'),
    import('./otlp-trace-exporter.js'),
  ]);
  diag.setLogger(diagLogger(logger), DiagLogLevel.WARN);
  // The default (OTLP over HTTP, protobuf) goes through the SDK's exporter with Stilts' own
  // serialiser (see otlp-trace-serializer.ts); any other exporter or protocol is the SDK's.
  const lean =
    target.protocol === 'http/protobuf' &&
    target.exporters.length === 1 &&
    target.exporters[0] === 'otlp';
  const sdk = new NodeSDK({
    ...(lean ? { traceExporter: createOtlpProtoTraceExporter() } : {}),
    resource: defaultResource().merge(
      resourceFromAttributes({ 'service.name': 'stilts', 'service.version': STILTS_VERSION }),
    ),
    contextManager: new ExplicitContextManager(),
    textMapPropagator: null,
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  logger.info(
    {
      endpoint: redactUrl(target.endpoint),
      protocol: target.protocol,
      // Whose protobuf encoder the spans go through (see otlp-trace-serializer.ts).
      serializer: lean ? 'stilts' : 'opentelemetry-sdk',
    },
    'OpenTelemetry tracing on: exporting spans over OTLP',
  );
  return {
    tracerProvider: trace.getTracerProvider(),
    async shutdown() {
      try {
        await sdk.shutdown();
      } finally {
        trace.disable();
        context.disable();
        diag.disable();
      }
    },
  };
}
