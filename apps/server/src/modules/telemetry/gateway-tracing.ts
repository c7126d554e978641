import {
  defaultTextMapGetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { AttemptRecord } from '../calls/call-record.js';
import type { ResolvedMember } from '../catalog/resolved-catalog.js';
import type { RequestEnd, RequestStart } from '../gateway/gateway-observer.js';
import type { ProviderKind } from '../providers/provider-adapter.js';
import type { RequestOutcome } from './gateway-metrics.js';
import { LeanTracer } from './lean-tracer.js';

/** `gen_ai.system` of each provider kind (OpenTelemetry GenAI semantic conventions). */
const GEN_AI_SYSTEM: Record<ProviderKind, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
};

/** What the request span reports when the request ends. */
export interface RequestSpanSummary {
  readonly outcome: RequestOutcome;
  /** The member whose answer the caller got, if any. */
  readonly answeredBy: ResolvedMember | undefined;
  /** Sum over the request's attempts. */
  readonly costMicroUsd: number;
}

/** A started request span and the context its attempts are children of. */
export interface RequestSpan {
  readonly span: Span;
  readonly context: Context;
}

/** A started attempt span and the headers that carry its context upstream. */
export interface AttemptSpan {
  readonly span: Span;
  readonly headers: Record<string, string>;
}

/** A span's name and first attributes, which never change: computed once per member or route. */
interface SpanStatic {
  readonly name: string;
  /** Frozen: the lean tracer checks and encodes a frozen object once. */
  readonly attributes: Attributes;
}

/** Routes whose request span {@link SpanStatic} is kept (routes are few; this bounds a surprise). */
const MAX_CACHED_ROUTES = 1_000;

/**
 * Spans of the gateway: one SERVER span per request (a child of the caller's W3C trace context
 * when it sent a valid one) and one CLIENT span per upstream attempt, whose context is what the
 * upstream receives as `traceparent`. Parents are passed explicitly — no context manager, no
 * AsyncLocalStorage on the hot path. Attributes follow the OpenTelemetry GenAI conventions;
 * Stilts' own are under `stilts.*`. No prompt, completion or credential is ever recorded.
 *
 * Serialising spans is most of what tracing costs (OTLP encodes every attribute key and value),
 * so each span carries what it alone knows: the route on the request span, the deployment's
 * static attributes on the attempt span, nothing that the span's own timing already says.
 * The SDK's tracer is replaced by a {@link LeanTracer} over it (same settings, spans that keep
 * attributes in arrays); any other tracer is used as it is.
 */
export class GatewayTracing {
  private readonly propagator = new W3CTraceContextPropagator();
  private readonly members = new WeakMap<ResolvedMember, SpanStatic>();
  private readonly routes = new Map<string | null, SpanStatic>();
  private readonly tracer: Tracer;

  constructor(tracer: Tracer) {
    this.tracer = LeanTracer.from(tracer) ?? tracer;
  }

  /** Starts the request span at the request's arrival time. */
  startRequest(start: RequestStart): RequestSpan {
    let parent = ROOT_CONTEXT;
    if (start.traceparent !== undefined) {
      const carrier: Record<string, string> = { traceparent: start.traceparent };
      if (start.tracestate !== undefined) carrier.tracestate = start.tracestate;
      parent = this.propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
    }
    const info = this.routeStatic(start.route);
    const span = this.tracer.startSpan(
      info.name,
      { kind: SpanKind.SERVER, startTime: start.receivedAt, attributes: info.attributes },
      parent,
    );
    span.setAttribute('stilts.request_id', start.requestId);
    if (start.stream) span.setAttribute('stilts.stream', true);
    return { span, context: trace.setSpan(ROOT_CONTEXT, span) };
  }

  /** Starts an attempt span under the request span; `headers` go to the upstream. */
  startAttempt(request: RequestSpan, member: ResolvedMember, attempt: number): AttemptSpan {
    const info = this.memberStatic(member);
    const span = this.tracer.startSpan(
      info.name,
      { kind: SpanKind.CLIENT, attributes: info.attributes },
      request.context,
    );
    span.setAttribute('stilts.attempt', attempt);
    // W3C traceparent, formatted directly (the span context is valid: the SDK made it).
    const context = span.spanContext();
    const headers: Record<string, string> = {
      traceparent: `00-${context.traceId}-${context.spanId}-${(context.traceFlags & 1) === 1 ? '01' : '00'}`,
    };
    const traceState = context.traceState?.serialize();
    if (traceState) headers.tracestate = traceState;
    return { span, headers };
  }

  /** Ends an attempt span with its ledger record. */
  endAttempt(span: Span, record: AttemptRecord, member: ResolvedMember): void {
    if (span.isRecording()) {
      span.setAttribute('stilts.outcome', record.outcome);
      span.setAttribute('gen_ai.usage.input_tokens', record.inputTokens);
      span.setAttribute('gen_ai.usage.output_tokens', record.outputTokens);
      span.setAttribute('stilts.cost_micro_usd', record.costMicroUsd);
      span.setAttribute('stilts.propensity', record.propensity);
      if (record.ttftMs !== null) span.setAttribute('stilts.ttft_ms', record.ttftMs);
      if (record.snapshotVersion !== null) {
        span.setAttribute('stilts.snapshot_version', record.snapshotVersion);
      }
      if (record.outcome === 'success' || record.outcome === 'interrupted') {
        span.setAttribute('gen_ai.response.model', member.deployment.model);
      }
      if (record.outcome !== 'success' && record.outcome !== 'aborted') {
        if (record.httpStatus !== null) {
          span.setAttribute('http.response.status_code', record.httpStatus);
        }
        span.setAttribute('error.type', record.errorType ?? record.outcome);
        span.setStatus({ code: SpanStatusCode.ERROR, message: record.outcome });
      }
    }
    span.end();
  }

  /** Ends an attempt that never called the upstream (the deployment cannot express the request). */
  endSkippedAttempt(span: Span): void {
    span.setAttribute('stilts.outcome', 'unsupported');
    span.end();
  }

  /**
   * Ends the request span: how the caller was answered, by which deployment, at what total
   * cost. Token usage, provider and propensity live on the attempt spans (the model calls).
   */
  endRequest(span: Span, end: RequestEnd, summary: RequestSpanSummary): void {
    if (span.isRecording()) {
      span.setAttribute('http.response.status_code', end.status);
      span.setAttribute('stilts.outcome', summary.outcome);
      span.setAttribute('stilts.attempts', end.attempts);
      if (summary.answeredBy) {
        span.setAttribute('stilts.deployment', summary.answeredBy.deployment.id);
      }
      if (end.attempts > 0) span.setAttribute('stilts.cost_micro_usd', summary.costMicroUsd);
      if (end.errorCode !== null) span.setAttribute('error.type', end.errorCode);
      const failed =
        end.status >= 500 ||
        summary.outcome === 'interrupted' ||
        summary.outcome === 'unavailable' ||
        summary.outcome === 'error';
      if (failed) span.setStatus({ code: SpanStatusCode.ERROR, message: summary.outcome });
    }
    span.end();
  }

  private routeStatic(route: string | null): SpanStatic {
    let info = this.routes.get(route);
    if (!info) {
      info =
        route === null
          ? { name: 'chat', attributes: Object.freeze({ 'gen_ai.operation.name': 'chat' }) }
          : {
              name: `chat ${route}`,
              attributes: Object.freeze({
                'gen_ai.operation.name': 'chat',
                'gen_ai.request.model': route,
                'stilts.route': route,
              }),
            };
      if (this.routes.size >= MAX_CACHED_ROUTES) this.routes.clear();
      this.routes.set(route, info);
    }
    return info;
  }

  private memberStatic(member: ResolvedMember): SpanStatic {
    let info = this.members.get(member);
    if (!info) {
      info = {
        name: `chat ${member.deployment.model}`,
        attributes: Object.freeze({
          'gen_ai.operation.name': 'chat',
          'gen_ai.system': GEN_AI_SYSTEM[member.provider.kind],
          'gen_ai.request.model': member.deployment.model,
          'stilts.deployment': member.deployment.id,
          'server.address': member.target.baseUrl.hostname,
        }),
      };
      this.members.set(member, info);
    }
    return info;
  }
}
