import {
  OTLPExporterBase,
  type OTLPExporterNodeConfigBase,
} from '@opentelemetry/otlp-exporter-base';
import {
  convertLegacyHttpOptions,
  createOtlpHttpExportDelegate,
} from '@opentelemetry/otlp-exporter-base/node-http';
import {
  ProtobufTraceSerializer,
  TraceExporterMetricsHelper,
} from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { OtlpTraceProtoSerializer } from './otlp-trace-serializer.js';

/** The component type the SDK's OTLP/HTTP protobuf span exporter reports itself as. */
const COMPONENT_TYPE = 'otlp_http_span_exporter';

/**
 * The SDK's OTLP/HTTP protobuf span exporter (`@opentelemetry/exporter-trace-otlp-proto`),
 * assembled from the same parts — so every `OTEL_EXPORTER_OTLP_[TRACES_]*` variable (endpoint,
 * headers, timeout, compression, certificates) means what it means there — with
 * {@link OtlpTraceProtoSerializer} in place of the SDK's serialiser. Responses (partial
 * success) are decoded by the SDK. `config` (the SDK exporters' options: `url`, `headers`...)
 * overrides the environment, as it does for theirs; Stilts passes none.
 */
export function createOtlpProtoTraceExporter(
  config: OTLPExporterNodeConfigBase = {},
): SpanExporter {
  const serializer = new OtlpTraceProtoSerializer((data) =>
    ProtobufTraceSerializer.deserializeResponse(data),
  );
  return new OTLPExporterBase<ReadableSpan[]>(
    createOtlpHttpExportDelegate(
      convertLegacyHttpOptions(config, 'TRACES', 'v1/traces', {
        'Content-Type': 'application/x-protobuf',
      }),
      serializer,
      COMPONENT_TYPE,
      TraceExporterMetricsHelper,
      undefined,
    ),
  );
}
