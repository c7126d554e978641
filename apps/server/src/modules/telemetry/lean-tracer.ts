import {
  context as contextApi,
  diag,
  INVALID_SPAN_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type AttributeValue,
  type Context,
  type Exception,
  type HrTime,
  type Link,
  type Span,
  type SpanContext,
  type SpanOptions,
  type SpanStatus,
  type TimeInput,
  type Tracer,
  type TraceState,
} from '@opentelemetry/api';
import {
  hrTimeDuration,
  isAttributeValue,
  isTimeInput,
  isTimeInputHrTime,
  isTracingSuppressed,
  millisToHrTime,
  otperformance,
  sanitizeAttributes,
  type InstrumentationScope,
} from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type {
  IdGenerator,
  ReadableSpan,
  Sampler,
  SamplingResult,
  SpanLimits,
  SpanProcessor,
  TimedEvent,
} from '@opentelemetry/sdk-trace-base';

// Only types come from the SDK: this file is loaded with the gateway even when tracing is off.

/** `SamplingDecision.NOT_RECORD` and `RECORD_AND_SAMPLED` (the SDK's enum). */
const NOT_RECORD = 0;
const RECORD_AND_SAMPLED = 2;

/** Semantic-convention names `SpanImpl.recordException` writes. */
const EXCEPTION_EVENT = 'exception';
const EXCEPTION_TYPE = 'exception.type';
const EXCEPTION_MESSAGE = 'exception.message';
const EXCEPTION_STACKTRACE = 'exception.stacktrace';

/** From this many attributes on, a span finds keys through a Map rather than a scan. */
const INDEXED_FROM = 32;

/** Given to samplers that read neither attributes nor links ({@link readsNoAttributes}). */
const NO_ATTRIBUTES: Attributes = Object.freeze({});
const NO_LINKS: Link[] = Object.freeze([]) as unknown as Link[];

/**
 * What a span starts with and replaces when it changes (`SpanImpl` allocates each anew for
 * every span): an empty link and event list, an unset status, the times of a span not ended.
 */
const NO_SPAN_LINKS: Link[] = Object.freeze([]) as unknown as Link[];
const NO_EVENTS: TimedEvent[] = Object.freeze([]) as unknown as TimedEvent[];
const UNSET_STATUS: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });
const NO_DURATION: HrTime = Object.freeze([-1, -1]) as unknown as HrTime;

/** `recordEndMetrics` of a span whose tracer's span metrics go to a no-op meter. */
const NO_END_METRICS = (): void => {};

/**
 * Samplers whose decision {@link LeanTracer} takes itself, as they would: the SDK's always-on
 * sampler, and its parent-based one in the default configuration (always on at the root and
 * under a sampled parent, always off under one not sampled) — `OTEL_TRACES_SAMPLER`'s default.
 */
const ALWAYS_ON = 1;
const PARENT_BASED_ALWAYS_ON = 2;
type FastSampling = typeof ALWAYS_ON | typeof PARENT_BASED_ALWAYS_ON;

/** The SDK tracer's `_tracerMetrics` (`TracerMetrics`, not exported). */
interface TracerMetrics {
  startSpan(
    parentSpanContext: SpanContext | undefined,
    decision: SamplingResult['decision'],
  ): () => void;
}

/** The fields of the SDK's `Tracer` (`@opentelemetry/sdk-trace`) a {@link LeanTracer} reads. */
interface SdkTracerFields {
  readonly _sampler: Sampler;
  readonly _spanLimits: SpanLimits;
  readonly _idGenerator: IdGenerator;
  readonly instrumentationScope: InstrumentationScope;
  readonly _resource: Resource;
  readonly _spanProcessor: SpanProcessor;
  readonly _tracerMetrics: TracerMetrics;
}

/** What every span of one tracer shares. */
interface SpanSettings {
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
  readonly processor: SpanProcessor;
  readonly limits: SpanLimits;
}

/** What the tracer decided for one span (the SDK's `SpanImpl` options). */
interface LeanSpanInit {
  readonly context: Context;
  readonly spanContext: SpanContext;
  readonly name: string;
  readonly kind: SpanKind;
  readonly parentSpanContext: SpanContext | undefined;
  readonly links: readonly Link[];
  readonly startTime: TimeInput | undefined;
  readonly recordEndMetrics: () => void;
  /** The span's ids are known to be valid: no one has to check them again. */
  readonly contextKnownValid: boolean;
  /** Checked here as `sanitizeAttributes` and `setAttribute` check them. */
  readonly attributes: Attributes | undefined;
  /** `attributes` already checked, when they are a frozen object the tracer has seen before. */
  readonly prepared: PreparedAttributes | undefined;
}

/**
 * A frozen attribute object, checked once against one tracer's limits: the keys and values
 * that copying it into a new span stores, when that copy drops, truncates, copies and warns
 * about nothing. A span made with it starts from copies of these arrays instead of checking
 * every key again, and the OTLP encoder encodes them once ({@link LeanSpan.attributeBase}).
 * Stilts' attempt spans start with one such object per deployment, its request spans with one
 * per route.
 */
export class PreparedAttributes {
  constructor(
    readonly keys: readonly string[],
    readonly values: readonly AttributeValue[],
    /** No key that a plain object lists first (array indices). */
    readonly inObjectOrder: boolean,
  ) {}
}

/** `millisToHrTime(performance.timeOrigin)`, computed once (the origin does not change). */
let timeOrigin: HrTime | undefined;
function timeOriginHrTime(): HrTime {
  timeOrigin ??= millisToHrTime(otperformance.timeOrigin);
  return timeOrigin;
}

/**
 * `addHrTimes([timeSeconds, timeNanos], millisToHrTime(millis))`, the same arithmetic step for
 * step, without the intermediate arrays.
 */
function addMillis(timeSeconds: number, timeNanos: number, millis: number): HrTime {
  let seconds = timeSeconds + Math.trunc(millis / 1000);
  let nanos = timeNanos + Math.round((millis % 1000) * 1e6);
  if (nanos >= 1e9) {
    nanos -= 1e9;
    seconds += 1;
  }
  return [seconds, nanos];
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * A recording span that behaves as the SDK's `SpanImpl` (limits, truncation, timing, status
 * rules, span processor calls, diagnostics) but keeps its attributes in two parallel arrays:
 * setting one is an array write, not a keyed store into a fresh object whose hidden class
 * changes with every key. `attributes` builds the SDK's plain object on first read, for any
 * processor or exporter; the OTLP encoder (`otlp-trace-serializer.ts`) reads the arrays.
 */
export class LeanSpan implements Span, ReadableSpan {
  readonly kind: SpanKind;
  readonly parentSpanContext: SpanContext | undefined;
  // Shared empty lists until the first link or event: most spans have none.
  links: Link[] = NO_SPAN_LINKS;
  events: TimedEvent[] = NO_EVENTS;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  name: string;
  status: SpanStatus = UNSET_STATUS;
  // Times as numbers (small integers, kept in the object) rather than `HrTime` arrays: a span
  // waits for its export batch and outlives collections, and every object it holds is copied
  // with it. `startTime` and `endTime` make the arrays when read.
  private startSeconds: number;
  private startNanos: number;
  private endSeconds = 0;
  private endNanos = 0;
  private hasEndTime = false;
  /**
   * Made by a tracer whose ids are always valid (the SDK's random generator), under a valid
   * parent or none: a child of this span need not check its parent's ids.
   */
  readonly contextKnownValid: boolean;

  private readonly settings: SpanSettings;
  private readonly context: SpanContext;
  private readonly keys: string[];
  private readonly values: AttributeValue[];
  /** The prepared attributes the span started with, while they are still its first ones. */
  private base: PreparedAttributes | undefined;
  /** Key -> position, once there are {@link INDEXED_FROM} keys. */
  private index: Map<string, number> | undefined = undefined;
  /** `SpanImpl._attributesCount`: keys counted against the limit (`__proto__` each time). */
  private attributeCount = 0;
  /** The object `attributes` handed out, kept up to date from then on. */
  private object: Attributes | undefined = undefined;
  /** No key that a plain object lists first (array indices) or drops (`__proto__`). */
  private keysInObjectOrder = true;
  private droppedAttributes = 0;
  private droppedEvents = 0;
  private droppedLinks = 0;
  private isEnded = false;
  private readonly valueLengthLimit: number;
  private readonly recordEndMetrics: () => void;
  private readonly performanceStartTime: number;
  private readonly performanceOffset: number;
  private readonly startTimeProvided: boolean;

  /** Made by {@link LeanTracer}; calls the span processor's `onStart` as `SpanImpl` does. */
  constructor(settings: SpanSettings, init: LeanSpanInit) {
    const now = Date.now();
    this.settings = settings;
    this.context = init.spanContext;
    this.performanceStartTime = otperformance.now();
    this.performanceOffset = now - (this.performanceStartTime + otperformance.timeOrigin);
    this.startTimeProvided = init.startTime != null;
    this.valueLengthLimit = settings.limits.attributeValueLengthLimit ?? 0;
    this.name = init.name;
    this.parentSpanContext = init.parentSpanContext;
    this.kind = init.kind;
    for (const link of init.links) this.addLink(link);
    const start = this.getTime(init.startTime ?? now);
    this.startSeconds = start[0];
    this.startNanos = start[1];
    this.resource = settings.resource;
    this.instrumentationScope = settings.scope;
    this.recordEndMetrics = init.recordEndMetrics;
    this.contextKnownValid = init.contextKnownValid;
    const prepared = init.prepared;
    if (prepared !== undefined) {
      this.keys = prepared.keys.slice();
      this.values = prepared.values.slice();
      this.attributeCount = prepared.keys.length;
      this.keysInObjectOrder = prepared.inObjectOrder;
      this.base = prepared;
    } else {
      this.keys = [];
      this.values = [];
      this.base = undefined;
      if (init.attributes != null) this.copyAttributes(init.attributes);
    }
    settings.processor.onStart(this, init.context);
  }

  /**
   * The attributes as `SpanImpl` holds them: a plain object, built on first read and the same
   * object (kept up to date) afterwards.
   */
  get attributes(): Attributes {
    let object = this.object;
    if (object === undefined) {
      object = {};
      // Assigned in order, as SpanImpl assigned them (`__proto__` included, with its effect).
      for (let i = 0; i < this.keys.length; i++) object[this.keys[i]!] = this.values[i];
      this.object = object;
    }
    return object;
  }

  /** Attribute keys, first set first; position `i` goes with `attributeValues[i]`. */
  get attributeKeys(): readonly string[] {
    return this.keys;
  }

  get attributeValues(): readonly AttributeValue[] {
    return this.values;
  }

  /**
   * Whether {@link attributeKeys} and {@link attributeValues} are exactly `Object.keys(attributes)`
   * and their values, in that order: no key that an object lists first or drops, and
   * `attributes` never handed out (whoever got it may have changed it).
   */
  get attributeArraysExact(): boolean {
    return this.keysInObjectOrder && this.object === undefined;
  }

  /**
   * The prepared attributes the span started with, when the first of {@link attributeKeys} and
   * {@link attributeValues} are still exactly theirs (none of their keys set since).
   */
  get attributeBase(): PreparedAttributes | undefined {
    return this.base;
  }

  spanContext(): SpanContext {
    return this.context;
  }

  setAttribute(key: string, value?: AttributeValue): this {
    if (value == null || this.endedAlready()) return this;
    if (key.length === 0) {
      diag.warn(`Invalid attribute key: ${key}`);
      return this;
    }
    if (!isAttributeValue(value)) {
      diag.warn(`Invalid attribute value set for key: ${key}`);
      return this;
    }
    // `__proto__` is never an own key of SpanImpl's object: new every time.
    const at = key === '__proto__' ? -1 : this.find(key);
    if (at === -1) {
      this.append(key, value);
    } else {
      const stored = this.truncate(value);
      if (this.base !== undefined && at < this.base.keys.length) this.base = undefined;
      this.values[at] = stored;
      if (this.object !== undefined) this.object[key] = stored;
    }
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) {
      if (Object.prototype.hasOwnProperty.call(attributes, key)) {
        this.setAttribute(key, attributes[key]);
      }
    }
    return this;
  }

  addEvent(
    name: string,
    attributesOrStartTime?: Attributes | TimeInput,
    timeStamp?: TimeInput,
  ): this {
    if (this.endedAlready()) return this;
    const { eventCountLimit } = this.settings.limits;
    if (eventCountLimit === 0) {
      diag.warn('No events allowed.');
      this.droppedEvents++;
      return this;
    }
    if (eventCountLimit !== undefined && this.events.length >= eventCountLimit) {
      if (this.droppedEvents === 0) diag.debug('Dropping extra events.');
      this.events.shift();
      this.droppedEvents++;
    }
    if (this.events === NO_EVENTS) this.events = [];
    let raw: Attributes | TimeInput | undefined = attributesOrStartTime;
    if (isTimeInput(raw)) {
      if (!isTimeInput(timeStamp)) timeStamp = raw;
      raw = undefined;
    }
    const { attributes, dropped } = this.limited(
      raw,
      this.settings.limits.attributePerEventCountLimit,
    );
    this.events.push({
      name,
      attributes,
      time: this.getTime(timeStamp),
      droppedAttributesCount: dropped,
    });
    return this;
  }

  addLink(link: Link): this {
    if (this.endedAlready()) return this;
    const { linkCountLimit } = this.settings.limits;
    if (linkCountLimit === 0) {
      this.droppedLinks++;
      return this;
    }
    if (linkCountLimit !== undefined && this.links.length >= linkCountLimit) {
      if (this.droppedLinks === 0) diag.debug('Dropping extra links.');
      this.links.shift();
      this.droppedLinks++;
    }
    if (this.links === NO_SPAN_LINKS) this.links = [];
    const { attributes, count, dropped } = this.limited(
      link.attributes,
      this.settings.limits.attributePerLinkCountLimit,
    );
    const processed: Link = { context: link.context };
    if (count > 0) processed.attributes = attributes;
    if (dropped > 0) processed.droppedAttributesCount = dropped;
    this.links.push(processed);
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.endedAlready()) return this;
    if (status.code === SpanStatusCode.UNSET) return this;
    if (this.status.code === SpanStatusCode.OK) return this;
    const next: SpanStatus = { code: status.code };
    if (status.code === SpanStatusCode.ERROR) {
      // Typed as a string, but often whatever a catch block caught.
      const message: unknown = status.message;
      if (typeof message === 'string') {
        next.message = message;
      } else if (message != null) {
        diag.warn(`Dropping invalid status.message of type '${typeof message}', expected 'string'`);
      }
    }
    this.status = next;
    return this;
  }

  updateName(name: string): this {
    if (this.endedAlready()) return this;
    this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.endedAlready()) {
      diag.error(
        `${this.name} ${this.context.traceId}-${this.context.spanId} - You can only call end() on a span once.`,
      );
      return;
    }
    const end = this.getTime(endTime);
    this.endSeconds = end[0];
    this.endNanos = end[1];
    this.hasEndTime = true;
    // `hrTimeDuration(startTime, endTime)[0] < 0`, without making the array (`duration` does).
    const seconds = end[0] - this.startSeconds - (end[1] - this.startNanos < 0 ? 1 : 0);
    if (seconds < 0) {
      diag.warn(
        'Inconsistent start and end time, startTime > endTime. Setting span duration to 0ms.',
        this.startTime,
        end,
      );
      this.endSeconds = this.startSeconds;
      this.endNanos = this.startNanos;
    }
    if (this.droppedEvents > 0) {
      diag.warn(`Dropped ${this.droppedEvents} events because eventCountLimit reached`);
    }
    if (this.droppedLinks > 0) {
      diag.warn(`Dropped ${this.droppedLinks} links because linkCountLimit reached`);
    }
    const processor = this.settings.processor;
    if (processor.onEnding) processor.onEnding(this);
    this.recordEndMetrics();
    this.isEnded = true;
    processor.onEnd(this);
  }

  isRecording(): boolean {
    return this.isEnded === false;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') {
      attributes[EXCEPTION_MESSAGE] = exception;
    } else if (exception) {
      const error = exception as {
        code?: string | number;
        name?: string;
        message?: string;
        stack?: string;
      };
      if (error.code) {
        attributes[EXCEPTION_TYPE] = error.code.toString();
      } else if (error.name) {
        attributes[EXCEPTION_TYPE] = error.name;
      }
      if (error.message) attributes[EXCEPTION_MESSAGE] = error.message;
      if (error.stack) attributes[EXCEPTION_STACKTRACE] = error.stack;
    }
    if (attributes[EXCEPTION_TYPE] || attributes[EXCEPTION_MESSAGE]) {
      this.addEvent(EXCEPTION_EVENT, attributes, time);
    } else {
      // The SDK's own message, `[object Object]` included.
      // eslint-disable-next-line @typescript-eslint/no-base-to-string
      diag.warn(`Failed to record an exception ${String(exception)}`);
    }
  }

  /** `SpanImpl.duration`: [-1, -1] until `end` sets the end time, then end minus start. */
  get duration(): HrTime {
    return this.hasEndTime ? hrTimeDuration(this.startTime, this.endTime) : NO_DURATION;
  }

  /** `SpanImpl.startTime` (a new array at every read). */
  get startTime(): HrTime {
    return [this.startSeconds, this.startNanos];
  }

  /** `SpanImpl.endTime`: [0, 0] until `end`. */
  get endTime(): HrTime {
    return [this.endSeconds, this.endNanos];
  }

  /** The start time's seconds and nanoseconds, for the encoder: no array. */
  get startTimeSeconds(): number {
    return this.startSeconds;
  }

  get startTimeNanos(): number {
    return this.startNanos;
  }

  get endTimeSeconds(): number {
    return this.endSeconds;
  }

  get endTimeNanos(): number {
    return this.endNanos;
  }

  get ended(): boolean {
    return this.isEnded;
  }

  get droppedAttributesCount(): number {
    return this.droppedAttributes;
  }

  get droppedEventsCount(): number {
    return this.droppedEvents;
  }

  get droppedLinksCount(): number {
    return this.droppedLinks;
  }

  /**
   * The tracer's initial attributes, checked and copied as `sanitizeAttributes` then
   * `SpanImpl`'s `setAttributes` would. Keys are an object's own keys, and the span has none
   * yet: no lookups.
   */
  private copyAttributes(attributes: Attributes): void {
    for (const key in attributes) {
      if (!Object.prototype.hasOwnProperty.call(attributes, key)) continue;
      if (key.length === 0) {
        diag.warn(`Invalid attribute key: ${key}`);
        continue;
      }
      const value = attributes[key];
      if (!isAttributeValue(value)) {
        diag.warn(`Invalid attribute value set for key: ${key}`);
        continue;
      }
      // `sanitizeAttributes` copies into a plain object, where `__proto__` is no key.
      if (value == null || key === '__proto__') continue;
      this.append(key, Array.isArray(value) ? value.slice() : value);
    }
  }

  /** A key the span does not have yet: counted against the limit, then stored. */
  private append(key: string, value: AttributeValue): void {
    const { attributeCountLimit } = this.settings.limits;
    if (attributeCountLimit !== undefined && this.attributeCount >= attributeCountLimit) {
      this.droppedAttributes++;
      return;
    }
    const stored = this.truncate(value);
    this.attributeCount++;
    const at = this.keys.length;
    this.keys.push(key);
    this.values.push(stored);
    if (this.index !== undefined) {
      this.index.set(key, at);
    } else if (at + 1 === INDEXED_FROM) {
      this.index = new Map(this.keys.map((k, i) => [k, i]));
    }
    if (this.keysInObjectOrder && (key === '__proto__' || isDigit(key.charCodeAt(0)))) {
      this.keysInObjectOrder = false;
    }
    if (this.object !== undefined) this.object[key] = stored;
  }

  private find(key: string): number {
    if (this.index !== undefined) return this.index.get(key) ?? -1;
    // A loop, not `indexOf`: keys are few, and calling the builtin costs more than scanning.
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return i;
    return -1;
  }

  /** `SpanImpl._truncateToSize`: strings and strings in arrays, to `attributeValueLengthLimit`. */
  private truncate<V extends AttributeValue | undefined>(value: V): V {
    const limit = this.valueLengthLimit;
    if (limit <= 0) {
      diag.warn(`Attribute value limit must be positive, got ${limit}`);
      return value;
    }
    if (typeof value === 'string') {
      return (value.length <= limit ? value : value.substring(0, limit)) as V;
    }
    if (Array.isArray(value)) {
      return (value as unknown[]).map((item) =>
        typeof item === 'string' && item.length > limit ? item.substring(0, limit) : item,
      ) as V;
    }
    return value;
  }

  /** An event's or a link's attributes as SpanImpl keeps them: sanitized, limited, truncated. */
  private limited(
    raw: unknown,
    limit: number | undefined,
  ): { attributes: Attributes; count: number; dropped: number } {
    const sanitized = sanitizeAttributes(raw);
    const attributes: Attributes = {};
    let count = 0;
    let dropped = 0;
    for (const key in sanitized) {
      if (!Object.prototype.hasOwnProperty.call(sanitized, key)) continue;
      const value = sanitized[key];
      if (limit !== undefined && count >= limit) {
        dropped++;
        continue;
      }
      attributes[key] = this.truncate(value);
      count++;
    }
    return { attributes, count, dropped };
  }

  /** `SpanImpl._getTime`: a number no later than `performance.now()` is a performance time. */
  private getTime(input: TimeInput | undefined): HrTime {
    if (typeof input === 'number' && input <= otperformance.now()) {
      // `hrTime(input + offset)`: the time origin plus that many milliseconds.
      const origin = timeOriginHrTime();
      return addMillis(origin[0], origin[1], input + this.performanceOffset);
    }
    if (typeof input === 'number') return millisToHrTime(input);
    if (input instanceof Date) return millisToHrTime(input.getTime());
    if (isTimeInputHrTime(input)) return input;
    // A start time given by the caller says nothing about this clock: take the wall clock.
    if (this.startTimeProvided) return millisToHrTime(Date.now());
    const elapsed = otperformance.now() - this.performanceStartTime;
    return addMillis(this.startSeconds, this.startNanos, elapsed);
  }

  /** `SpanImpl._isSpanEnded`, with its warning. */
  private endedAlready(): boolean {
    if (this.isEnded) {
      const { traceId, spanId } = this.context;
      const error = new Error(
        `Operation attempted on ended Span {traceId: ${traceId}, spanId: ${spanId}}`,
      );
      diag.warn(
        `Cannot execute the operation on ended Span {traceId: ${traceId}, spanId: ${spanId}}`,
        error,
      );
    }
    return this.isEnded;
  }
}

function hasMethod(value: unknown, name: string): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>)[name] === 'function'
  );
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

/** Whether `tracer` has the fields of the SDK's `Tracer` that a {@link LeanTracer} reads. */
function hasSdkTracerFields(tracer: object): tracer is SdkTracerFields {
  const t = tracer as Partial<Record<keyof SdkTracerFields, unknown>>;
  return (
    hasMethod(t._sampler, 'shouldSample') &&
    isObject(t._spanLimits) &&
    hasMethod(t._idGenerator, 'generateTraceId') &&
    hasMethod(t._idGenerator, 'generateSpanId') &&
    isObject(t.instrumentationScope) &&
    isObject(t._resource) &&
    hasMethod(t._spanProcessor, 'onStart') &&
    hasMethod(t._spanProcessor, 'onEnd') &&
    hasMethod(t._tracerMetrics, 'startSpan')
  );
}

/**
 * Whether `sampler` is made only of the SDK's own samplers (always on/off, trace id ratio,
 * parent based over those), which read neither the attributes nor the links they are given —
 * the samplers `OTEL_TRACES_SAMPLER` chooses from. Recognised by class name and description,
 * without importing the SDK; anything else is given what the SDK gives it.
 */
function readsNoAttributes(sampler: unknown): boolean {
  if (!hasMethod(sampler, 'shouldSample')) return false;
  const s = sampler as Sampler & Record<string, unknown>;
  const className: unknown = (s.constructor as { name?: unknown } | undefined)?.name;
  // Their `shouldSample` declares no `attributes` parameter (the fifth).
  switch (className) {
    case 'AlwaysOnSampler':
      return s.toString() === 'AlwaysOnSampler' && s.shouldSample.length < 5;
    case 'AlwaysOffSampler':
      return s.toString() === 'AlwaysOffSampler' && s.shouldSample.length < 5;
    case 'TraceIdRatioBasedSampler':
      return s.toString().startsWith('TraceIdRatioBased{') && s.shouldSample.length < 5;
    case 'ParentBasedSampler':
      return (
        s.toString().startsWith('ParentBased{') &&
        readsNoAttributes(s._root) &&
        readsNoAttributes(s._remoteParentSampled) &&
        readsNoAttributes(s._remoteParentNotSampled) &&
        readsNoAttributes(s._localParentSampled) &&
        readsNoAttributes(s._localParentNotSampled)
      );
    default:
      return false;
  }
}

/** The parent-based sampler's description in the default configuration. */
const PARENT_BASED_DEFAULT =
  'ParentBased{root=AlwaysOnSampler, remoteParentSampled=AlwaysOnSampler, ' +
  'remoteParentNotSampled=AlwaysOffSampler, localParentSampled=AlwaysOnSampler, ' +
  'localParentNotSampled=AlwaysOffSampler}';

/** Whether `sampler` is the SDK's always-on sampler (as {@link readsNoAttributes} knows it). */
function isAlwaysOn(sampler: unknown): boolean {
  return readsNoAttributes(sampler) && className(sampler) === 'AlwaysOnSampler';
}

function isAlwaysOff(sampler: unknown): boolean {
  return readsNoAttributes(sampler) && className(sampler) === 'AlwaysOffSampler';
}

/** The decision {@link LeanTracer} can take for `sampler` itself, if any ({@link FastSampling}). */
function fastSamplingOf(sampler: Sampler): FastSampling | undefined {
  if (isAlwaysOn(sampler)) return ALWAYS_ON;
  const s = sampler as Sampler & Record<string, unknown>;
  if (
    readsNoAttributes(sampler) &&
    className(sampler) === 'ParentBasedSampler' &&
    s.toString() === PARENT_BASED_DEFAULT &&
    isAlwaysOn(s._root) &&
    isAlwaysOn(s._remoteParentSampled) &&
    isAlwaysOff(s._remoteParentNotSampled) &&
    isAlwaysOn(s._localParentSampled) &&
    isAlwaysOff(s._localParentNotSampled)
  ) {
    return PARENT_BASED_ALWAYS_ON;
  }
  return undefined;
}

/**
 * Whether `ids` is the SDK's `RandomIdGenerator`, whose ids are always valid: 32 and 16
 * lowercase hex digits, never all zero.
 */
function isSdkRandomIdGenerator(ids: IdGenerator): boolean {
  return (
    className(ids) === 'RandomIdGenerator' &&
    ids.generateTraceId.name === 'generateId' &&
    ids.generateSpanId.name === 'generateId'
  );
}

/**
 * Whether `metrics` is the SDK's `TracerMetrics` over a no-op meter (no meter provider given to
 * the tracer provider, as NodeSDK does without metric readers): then its per-span work — two
 * attribute objects and a closure per span, for counters that discard them — can be skipped.
 */
function isNoopTracerMetrics(metrics: TracerMetrics): boolean {
  const m = metrics as TracerMetrics & { startedSpans?: unknown; liveSpans?: unknown };
  return (
    className(m) === 'TracerMetrics' &&
    className(m.startedSpans) === 'NoopCounterMetric' &&
    className(m.liveSpans) === 'NoopUpDownCounterMetric'
  );
}

/** The name of the class `value` is an instance of (`@opentelemetry/api`'s are not exported). */
function className(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  const prototype = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null;
  return prototype?.constructor?.name;
}

/**
 * A tracer that makes {@link LeanSpan}s with the settings of an SDK tracer — its sampler, span
 * limits, id generator, resource, scope, span processor and span metrics — so everything the
 * provider was configured with (by NodeSDK from `OTEL_*`, or by a test) still applies.
 * `startSpan` decides as the SDK's `Tracer.startSpan` does, step for step; what it skips is
 * copying the attributes into intermediate objects. The SDK's own samplers never look at the
 * attributes, so they get none; any other sampler gets the sanitized copy the SDK would give it.
 */
export class LeanTracer implements Tracer {
  private readonly settings: SpanSettings;
  private readonly sampler: Sampler;
  private readonly ids: IdGenerator;
  private readonly metrics: TracerMetrics | undefined;
  private readonly samplerReadsNoAttributes: boolean;
  private readonly fastSampling: FastSampling | undefined;
  private readonly idsAlwaysValid: boolean;
  /** Frozen attribute objects seen: prepared, or null when they cannot be. */
  private readonly prepared = new WeakMap<Attributes, PreparedAttributes | null>();

  private constructor(tracer: SdkTracerFields) {
    this.settings = {
      resource: tracer._resource,
      scope: tracer.instrumentationScope,
      processor: tracer._spanProcessor,
      limits: tracer._spanLimits,
    };
    this.sampler = tracer._sampler;
    this.ids = tracer._idGenerator;
    this.metrics = isNoopTracerMetrics(tracer._tracerMetrics) ? undefined : tracer._tracerMetrics;
    this.samplerReadsNoAttributes = readsNoAttributes(tracer._sampler);
    this.fastSampling = fastSamplingOf(tracer._sampler);
    this.idsAlwaysValid = isSdkRandomIdGenerator(tracer._idGenerator);
  }

  /**
   * A lean tracer over `tracer` when it is the SDK's (what `BasicTracerProvider` /
   * `NodeTracerProvider.getTracer` return), `tracer` itself when it already is one, else
   * undefined: keep using `tracer`.
   */
  static from(tracer: Tracer): LeanTracer | undefined {
    if (tracer instanceof LeanTracer) return tracer;
    return hasSdkTracerFields(tracer) ? new LeanTracer(tracer) : undefined;
  }

  startSpan(name: string, options: SpanOptions = {}, context: Context = contextApi.active()): Span {
    if (options.root) context = trace.deleteSpan(context);
    const parentSpan = trace.getSpan(context);
    if (isTracingSuppressed(context)) {
      diag.debug('Instrumentation suppressed, returning Noop Span');
      return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    }
    const parentSpanContext = parentSpan?.spanContext();
    const spanId = this.ids.generateSpanId();
    let validParent: SpanContext | undefined;
    let traceId: string;
    let traceState: TraceState | undefined;
    const parentValid =
      parentSpanContext !== undefined &&
      ((parentSpan instanceof LeanSpan && parentSpan.contextKnownValid) ||
        trace.isSpanContextValid(parentSpanContext));
    if (!parentValid) {
      traceId = this.ids.generateTraceId();
    } else {
      traceId = parentSpanContext.traceId;
      traceState = parentSpanContext.traceState;
      validParent = parentSpanContext;
    }
    const kind = options.kind ?? SpanKind.INTERNAL;
    if (this.fastSampling !== undefined && options.links == null) {
      // The sampler's own decision, taken here: no context lookup, no second check of the
      // parent's ids, no result object.
      const sampled =
        this.fastSampling === ALWAYS_ON ||
        validParent === undefined ||
        (validParent.traceFlags & TraceFlags.SAMPLED) !== 0;
      return this.made(context, name, kind, options, {
        decision: sampled ? RECORD_AND_SAMPLED : NOT_RECORD,
        traceId,
        spanId,
        traceState,
        parentSpanContext,
        validParent,
        links: NO_LINKS,
        attributes: options.attributes,
      });
    }
    const blind = this.samplerReadsNoAttributes;
    const links =
      options.links == null
        ? blind
          ? NO_LINKS
          : []
        : options.links.map((link) => ({
            context: link.context,
            attributes: sanitizeAttributes(link.attributes),
          }));
    const sanitized = blind ? undefined : sanitizeAttributes(options.attributes);
    const result = this.sampler.shouldSample(
      context,
      traceId,
      name,
      kind,
      sanitized ?? NO_ATTRIBUTES,
      links,
    );
    // The SDK merges the sampler's attributes into (its copy of) the caller's, then sanitizes.
    const attributes =
      sanitized === undefined && result.attributes == null
        ? options.attributes
        : sanitizeAttributes(
            Object.assign(sanitized ?? sanitizeAttributes(options.attributes), result.attributes),
          );
    return this.made(context, name, kind, options, {
      decision: result.decision,
      traceId,
      spanId,
      traceState: result.traceState ?? traceState,
      parentSpanContext,
      validParent,
      links,
      attributes,
    });
  }

  /** The span for a sampling decision: recording, or only carrying its context. */
  private made(
    context: Context,
    name: string,
    kind: SpanKind,
    options: SpanOptions,
    sampled: {
      decision: number;
      traceId: string;
      spanId: string;
      traceState: TraceState | undefined;
      /** The parent's context, valid or not (what the SDK's span metrics are told). */
      parentSpanContext: SpanContext | undefined;
      validParent: SpanContext | undefined;
      links: readonly Link[];
      attributes: Attributes | undefined;
    },
  ): Span {
    const { decision, validParent } = sampled;
    const recordEndMetrics =
      this.metrics === undefined
        ? NO_END_METRICS
        : this.metrics.startSpan(sampled.parentSpanContext, decision);
    const spanContext: SpanContext = {
      traceId: sampled.traceId,
      spanId: sampled.spanId,
      traceFlags: decision === RECORD_AND_SAMPLED ? TraceFlags.SAMPLED : TraceFlags.NONE,
      traceState: sampled.traceState,
    };
    if (decision === NOT_RECORD) {
      diag.debug('Recording is off, propagating context in a non-recording span');
      return trace.wrapSpanContext(spanContext);
    }
    return new LeanSpan(this.settings, {
      context,
      spanContext,
      name,
      kind,
      parentSpanContext: validParent,
      links: sampled.links,
      startTime: options.startTime,
      recordEndMetrics,
      contextKnownValid: this.idsAlwaysValid,
      attributes: sampled.attributes,
      prepared:
        sampled.attributes != null && sampled.attributes === options.attributes
          ? this.preparedOf(sampled.attributes)
          : undefined,
    });
  }

  /**
   * `attributes` checked once for this tracer's limits, when it is a frozen object (whose keys
   * and values cannot change) whose copy into a span would store every key as it is: no empty
   * key, no invalid, null, truncated or array value (a span copies arrays), within the count
   * limit and short of the size at which a span indexes its keys. Else undefined: copied.
   */
  private preparedOf(attributes: Attributes): PreparedAttributes | undefined {
    let prepared = this.prepared.get(attributes);
    if (prepared === undefined) {
      if (!Object.isFrozen(attributes)) return undefined;
      prepared = this.prepare(attributes);
      this.prepared.set(attributes, prepared);
    }
    return prepared ?? undefined;
  }

  private prepare(attributes: Attributes): PreparedAttributes | null {
    const { attributeCountLimit, attributeValueLengthLimit } = this.settings.limits;
    const lengthLimit = attributeValueLengthLimit ?? 0;
    const keys: string[] = [];
    const values: AttributeValue[] = [];
    let inObjectOrder = true;
    for (const key in attributes) {
      if (!Object.prototype.hasOwnProperty.call(attributes, key)) continue;
      const value = attributes[key];
      if (key.length === 0 || key === '__proto__' || value == null) return null;
      if (!isAttributeValue(value) || Array.isArray(value)) return null;
      if (lengthLimit <= 0 || (typeof value === 'string' && value.length > lengthLimit)) {
        return null;
      }
      if (isDigit(key.charCodeAt(0))) inObjectOrder = false;
      keys.push(key);
      values.push(value);
    }
    if (attributeCountLimit !== undefined && keys.length > attributeCountLimit) return null;
    if (keys.length >= INDEXED_FROM) return null;
    return new PreparedAttributes(keys, values, inObjectOrder);
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    context: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan(name: string, ...args: unknown[]): unknown {
    let options: SpanOptions | undefined;
    let context: Context | undefined;
    let fn: (span: Span) => unknown;
    if (args.length < 1) {
      return undefined;
    } else if (args.length === 1) {
      fn = args[0] as typeof fn;
    } else if (args.length === 2) {
      options = args[0] as SpanOptions | undefined;
      fn = args[1] as typeof fn;
    } else {
      options = args[0] as SpanOptions | undefined;
      context = args[1] as Context | undefined;
      fn = args[2] as typeof fn;
    }
    const parentContext = context ?? contextApi.active();
    const span = this.startSpan(name, options, parentContext);
    return contextApi.with(trace.setSpan(parentContext, span), fn, undefined, span);
  }
}
