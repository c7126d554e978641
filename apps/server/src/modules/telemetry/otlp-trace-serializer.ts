import type { HrTime, Link, SpanContext } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { ISerializer } from '@opentelemetry/otlp-transformer';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { LeanSpan, type PreparedAttributes } from './lean-tracer.js';

/** What the OTLP/HTTP exporter does with the collector's answer: the SDK's own decoding. */
export type ResponseDecoder<Response> = (data: Uint8Array) => Response;

/** Scratch buffer size to start with and to shrink back to after an unusually large batch. */
const INITIAL_BYTES = 64 * 1024;
const RETAINED_BYTES = 4 * 1024 * 1024;

/** Attribute keys whose encodings are cached, and string values cached per key. */
const MAX_CACHED_KEYS = 128;
const MAX_CACHED_VALUES_PER_KEY = 256;
const MAX_CACHED_NAMES = 256;

/** `tag(field, wire type)` bytes used below (all fit in one byte except span flags). */
const KEY_VALUE_KEY = 0x0a; // KeyValue.key (1, LEN)
const KEY_VALUE_VALUE = 0x12; // KeyValue.value (2, LEN)
const ANY_STRING = 0x0a; // AnyValue.string_value (1, LEN)
const ANY_BOOL = 0x10; // AnyValue.bool_value (2, VARINT)
const ANY_INT = 0x18; // AnyValue.int_value (3, VARINT)
const ANY_DOUBLE = 0x21; // AnyValue.double_value (4, I64)
const ANY_ARRAY = 0x2a; // AnyValue.array_value (5, LEN)
const ANY_KVLIST = 0x32; // AnyValue.kvlist_value (6, LEN)
const ANY_BYTES = 0x3a; // AnyValue.bytes_value (7, LEN)

const SPAN_FLAGS_HAS_IS_REMOTE = 0x100;
const SPAN_FLAGS_IS_REMOTE = 0x200;
const MIN_INT64 = -(2 ** 63);
const MAX_INT64_EXCLUSIVE = 2 ** 63;

/** Hex digit values as `@opentelemetry/otlp-transformer`'s `hexToBinary` computes them. */
const HEX = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  HEX[c] = (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c - 55) & 0xff;
}

function varintSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

/** Per attribute key: its encoding, and the whole KeyValues of the values seen with it. */
interface KeyEntry {
  /** `KeyValue.key` field plus the `KeyValue.value` tag: what every KeyValue of this key starts with. */
  readonly prefix: Uint8Array;
  /** Value -> `len(KeyValue) KeyValue` bytes; undefined once the key had too many values. */
  values: Map<string | number | boolean, Uint8Array> | undefined;
}

/**
 * Encodes spans as an OTLP `ExportTraceServiceRequest` in protobuf, byte for byte what
 * `@opentelemetry/otlp-transformer`'s `ProtobufTraceSerializer` writes (the spec test compares
 * them), at a fraction of its cost. That serializer was most of what tracing cost Stilts: it
 * walks every batch twice (a size estimate, then the write) and encodes every attribute key and
 * value character by character. This one writes once into a reused buffer (a nested message
 * reserves room for its length and moves its bytes only when the guess was short), keeps each
 * attribute key's encoding and each span name's, and keeps whole encoded key/value pairs for
 * keys with few distinct values (route, model, deployment, outcome, status code...): a key that
 * shows more than {@link MAX_CACHED_VALUES_PER_KEY} values (request ids, token counts) stops
 * being cached. Resources and instrumentation scopes are encoded once per object. A
 * {@link LeanSpan}'s attributes are read from its arrays, not from an object built for the purpose.
 */
export class OtlpTraceProtoSerializer<Response> implements ISerializer<ReadableSpan[], Response> {
  private buf = Buffer.allocUnsafe(INITIAL_BYTES);
  private pos = 0;
  private readonly keys = new Map<string, KeyEntry>();
  /** Span name -> its length-prefixed encoding (names are few: `chat {route}`, `chat {model}`). */
  private readonly names = new Map<string, Uint8Array>();
  private readonly resources = new WeakMap<Resource, Uint8Array>();
  private readonly scopes = new WeakMap<InstrumentationScope, Uint8Array>();
  /** A lean span's prepared first attributes -> their KeyValues (span attributes, field 9). */
  private readonly bases = new WeakMap<PreparedAttributes, Uint8Array>();

  constructor(private readonly decodeResponse: ResponseDecoder<Response>) {}

  /** How many attribute keys and whole key/value pairs are cached (both bounded). */
  cachedEntries(): { keys: number; values: number } {
    let values = 0;
    for (const entry of this.keys.values()) values += entry.values?.size ?? 0;
    return { keys: this.keys.size, values };
  }

  deserializeResponse(data: Uint8Array): Response {
    return this.decodeResponse(data);
  }

  serializeRequest(spans: ReadableSpan[]): Uint8Array {
    this.pos = 0;
    // Spans grouped by resource, then by scope, in first-seen order (as the SDK does).
    const byResource = new Map<Resource, Map<InstrumentationScope, ReadableSpan[]>>();
    for (const span of spans) {
      let byScope = byResource.get(span.resource);
      if (!byScope) {
        byScope = new Map();
        byResource.set(span.resource, byScope);
      }
      const list = byScope.get(span.instrumentationScope);
      if (list) list.push(span);
      else byScope.set(span.instrumentationScope, [span]);
    }
    for (const [resource, byScope] of byResource) {
      this.tag1(0x0a); // ExportTraceServiceRequest.resource_spans (1, LEN)
      const resourceSpans = this.open(3);
      this.bytes(this.resourceBytes(resource));
      for (const [scope, list] of byScope) {
        this.tag1(0x12); // ResourceSpans.scope_spans (2, LEN)
        const scopeSpans = this.open(3);
        this.bytes(this.scopeBytes(scope));
        for (const span of list) {
          this.tag1(0x12); // ScopeSpans.spans (2, LEN)
          const at = this.open(2);
          this.span(span);
          this.close(at, 2);
        }
        if (scope.schemaUrl) {
          this.tag1(0x1a); // ScopeSpans.schema_url (3, LEN)
          this.string(scope.schemaUrl);
        }
        this.close(scopeSpans, 3);
      }
      if (resource.schemaUrl) {
        this.tag1(0x1a); // ResourceSpans.schema_url (3, LEN)
        this.string(resource.schemaUrl);
      }
      this.close(resourceSpans, 3);
    }
    const out = new Uint8Array(this.pos);
    out.set(this.buf.subarray(0, this.pos));
    if (this.buf.length > RETAINED_BYTES) this.buf = Buffer.allocUnsafe(INITIAL_BYTES);
    return out;
  }

  private span(span: ReadableSpan): void {
    const context = span.spanContext();
    this.tag1(0x0a); // trace_id (1, LEN)
    this.hex(context.traceId);
    this.tag1(0x12); // span_id (2, LEN)
    this.hex(context.spanId);
    const traceState = context.traceState?.serialize();
    if (traceState) {
      this.tag1(0x1a); // trace_state (3, LEN)
      this.string(traceState);
    }
    const parent = span.parentSpanContext;
    if (parent?.spanId) {
      this.tag1(0x22); // parent_span_id (4, LEN)
      this.hex(parent.spanId);
    }
    this.tag1(0x2a); // name (5, LEN)
    this.name(span.name);
    const kind = span.kind == null ? 0 : span.kind + 1;
    if (kind !== 0) {
      this.tag1(0x30); // kind (6, VARINT)
      this.varint(kind);
    }
    const lean = span instanceof LeanSpan ? span : undefined;
    // A lean span's times without the arrays `startTime` and `endTime` make, unless it is an
    // object derived from one, which may have its own.
    const ownTimes = lean !== undefined && Object.getPrototypeOf(lean) === LeanSpan.prototype;
    this.tag1(0x39); // start_time_unix_nano (7, I64)
    if (ownTimes) this.timeOf(lean.startTimeSeconds, lean.startTimeNanos);
    else this.time(span.startTime);
    this.tag1(0x41); // end_time_unix_nano (8, I64)
    if (ownTimes) this.timeOf(lean.endTimeSeconds, lean.endTimeNanos);
    else this.time(span.endTime);
    // attributes (9, LEN): a lean span's own arrays when they are what `attributes` would list.
    if (lean?.attributeArraysExact) {
      const base = lean.attributeBase;
      if (base === undefined) {
        this.attributeList(lean.attributeKeys, lean.attributeValues, 0x4a, 0);
      } else {
        this.bytes(this.baseBytes(base));
        this.attributeList(lean.attributeKeys, lean.attributeValues, 0x4a, base.keys.length);
      }
    } else {
      this.attributes(span.attributes, 0x4a);
    }
    this.tag1(0x50); // dropped_attributes_count (10, VARINT)
    this.varint(span.droppedAttributesCount);
    for (const event of span.events) this.event(event);
    this.tag1(0x60); // dropped_events_count (12, VARINT)
    this.varint(span.droppedEventsCount);
    for (const link of span.links) this.link(link);
    this.tag1(0x70); // dropped_links_count (14, VARINT)
    this.varint(span.droppedLinksCount);
    this.tag1(0x7a); // status (15, LEN)
    const status = this.open(1);
    if (span.status.message) {
      this.tag1(0x12); // Status.message (2, LEN)
      this.string(span.status.message);
    }
    this.tag1(0x18); // Status.code (3, VARINT)
    this.varint(span.status.code);
    this.close(status, 1);
    this.ensure(2 + 4);
    this.buf[this.pos++] = 0x85; // flags (16, I32): two-byte tag
    this.buf[this.pos++] = 0x01;
    this.fixed32(flagsOf(context, parent?.isRemote));
  }

  private event(event: TimedEvent): void {
    this.tag1(0x5a); // Span.events (11, LEN)
    const at = this.open(1);
    this.tag1(0x09); // Event.time_unix_nano (1, I64)
    this.time(event.time);
    this.tag1(0x12); // Event.name (2, LEN)
    this.string(event.name);
    if (event.attributes) this.attributes(event.attributes, 0x1a); // Event.attributes (3, LEN)
    this.tag1(0x20); // Event.dropped_attributes_count (4, VARINT)
    this.varint(event.droppedAttributesCount || 0);
    this.close(at, 1);
  }

  private link(link: Link): void {
    this.tag1(0x6a); // Span.links (13, LEN)
    const at = this.open(1);
    const context = link.context;
    this.tag1(0x0a); // Link.trace_id (1, LEN)
    this.hex(context.traceId);
    this.tag1(0x12); // Link.span_id (2, LEN)
    this.hex(context.spanId);
    const traceState = context.traceState?.serialize();
    if (traceState) {
      this.tag1(0x1a); // Link.trace_state (3, LEN)
      this.string(traceState);
    }
    if (link.attributes) this.attributes(link.attributes, 0x22); // Link.attributes (4, LEN)
    this.tag1(0x28); // Link.dropped_attributes_count (5, VARINT)
    this.varint(link.droppedAttributesCount || 0);
    this.tag1(0x35); // Link.flags (6, I32)
    this.fixed32(flagsOf(context, context.isRemote));
    this.close(at, 1);
  }

  /** `Resource` message (field 1 of ResourceSpans), encoded once per resource object. */
  private resourceBytes(resource: Resource): Uint8Array {
    const cached = this.resources.get(resource);
    if (cached) return cached;
    const bytes = this.detached(() => {
      this.tag1(0x0a); // ResourceSpans.resource (1, LEN)
      const at = this.open(1);
      if (resource.attributes) this.attributes(resource.attributes, 0x0a); // attributes (1, LEN)
      this.tag1(0x10); // Resource.dropped_attributes_count (2, VARINT): always 0, as the SDK writes
      this.varint(0);
      this.close(at, 1);
    });
    // Attributes still being detected may change: cache only the settled ones.
    if (!resource.asyncAttributesPending) this.resources.set(resource, bytes);
    return bytes;
  }

  /** `InstrumentationScope` message (field 1 of ScopeSpans), encoded once per scope object. */
  private scopeBytes(scope: InstrumentationScope): Uint8Array {
    const cached = this.scopes.get(scope);
    if (cached) return cached;
    const bytes = this.detached(() => {
      this.tag1(0x0a); // ScopeSpans.scope (1, LEN)
      const at = this.open(1);
      this.tag1(0x0a); // name (1, LEN)
      this.string(scope.name);
      if (scope.version) {
        this.tag1(0x12); // version (2, LEN)
        this.string(scope.version);
      }
      const extra = scope as {
        attributes?: Record<string, unknown>;
        droppedAttributesCount?: number;
      };
      if (extra.attributes) this.attributes(extra.attributes, 0x1a); // attributes (3, LEN)
      if (extra.droppedAttributesCount) {
        this.tag1(0x20); // dropped_attributes_count (4, VARINT)
        this.varint(extra.droppedAttributesCount);
      }
      this.close(at, 1);
    });
    this.scopes.set(scope, bytes);
    return bytes;
  }

  /** Runs `write` at the end of the buffer and returns (and removes) what it wrote. */
  private detached(write: () => void): Uint8Array {
    const start = this.pos;
    write();
    const bytes = new Uint8Array(this.pos - start);
    bytes.set(this.buf.subarray(start, this.pos));
    this.pos = start;
    return bytes;
  }

  /**
   * Repeated KeyValue under the one-byte tag `tag`, in the object's own key order (`Object.keys`
   * lists exactly the own enumerable keys the SDK's `for...in` + `hasOwnProperty` visits).
   */
  private attributes(attributes: Record<string, unknown>, tag: number): void {
    const keys = Object.keys(attributes);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      this.attribute(key, attributes[key], tag);
    }
  }

  /** Repeated KeyValue under the one-byte tag `tag`: `keys[i]` with `values[i]`, from `from`. */
  private attributeList(
    keys: readonly string[],
    values: readonly unknown[],
    tag: number,
    from: number,
  ): void {
    for (let i = from; i < keys.length; i++) this.attribute(keys[i]!, values[i], tag);
  }

  /** The span attributes (field 9) of prepared attributes, encoded once per object. */
  private baseBytes(base: PreparedAttributes): Uint8Array {
    let bytes = this.bases.get(base);
    if (bytes === undefined) {
      bytes = this.detached(() => this.attributeList(base.keys, base.values, 0x4a, 0));
      this.bases.set(base, bytes);
    }
    return bytes;
  }

  /** One KeyValue under `tag`, from the cache of whole pairs when the key has one. */
  private attribute(key: string, value: unknown, tag: number): void {
    const entry = this.key(key);
    const values = entry?.values;
    if (
      values &&
      (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    ) {
      // Map keys compare as SameValueZero: 0 and -0 (one encoding), NaN and NaN, alike.
      let whole = values.get(value);
      if (!whole) {
        whole = this.detached(() => this.keyValue(key, entry, value));
        if (values.size < MAX_CACHED_VALUES_PER_KEY) values.set(value, whole);
        else entry.values = undefined;
      }
      this.ensure(1 + whole.length);
      this.buf[this.pos++] = tag;
      this.buf.set(whole, this.pos);
      this.pos += whole.length;
    } else {
      this.tag1(tag);
      this.keyValue(key, entry, value);
    }
  }

  private name(name: string): void {
    let bytes = this.names.get(name);
    if (!bytes) {
      bytes = this.detached(() => this.string(name));
      if (this.names.size < MAX_CACHED_NAMES) this.names.set(name, bytes);
    }
    this.bytes(bytes);
  }

  /** `len(KeyValue) KeyValue`. */
  private keyValue(key: string, entry: KeyEntry | undefined, value: unknown): void {
    const at = this.open(1);
    if (entry) {
      this.bytes(entry.prefix);
    } else {
      this.tag1(KEY_VALUE_KEY);
      this.string(key);
      this.tag1(KEY_VALUE_VALUE);
    }
    const any = this.open(1);
    this.anyValue(value);
    this.close(any, 1);
    this.close(at, 1);
  }

  private key(key: string): KeyEntry | undefined {
    let entry = this.keys.get(key);
    if (entry) return entry;
    if (this.keys.size >= MAX_CACHED_KEYS) return undefined;
    const prefix = this.detached(() => {
      this.tag1(KEY_VALUE_KEY);
      this.string(key);
      this.tag1(KEY_VALUE_VALUE);
    });
    entry = { prefix, values: new Map() };
    this.keys.set(key, entry);
    return entry;
  }

  /** AnyValue's fields (its length is the caller's), as the SDK chooses them. */
  private anyValue(value: unknown): void {
    switch (typeof value) {
      case 'string':
        this.tag1(ANY_STRING);
        this.string(value);
        return;
      case 'boolean':
        this.tag1(ANY_BOOL);
        this.varint(value ? 1 : 0);
        return;
      case 'number':
        if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64_EXCLUSIVE) {
          this.tag1(ANY_INT);
          this.varint(value);
        } else {
          this.ensure(9);
          this.buf[this.pos++] = ANY_DOUBLE;
          this.buf.writeDoubleLE(value, this.pos);
          this.pos += 8;
        }
        return;
      default:
        break;
    }
    if (value instanceof Uint8Array) {
      this.tag1(ANY_BYTES);
      this.varint(value.length);
      this.bytes(value);
    } else if (Array.isArray(value)) {
      this.tag1(ANY_ARRAY);
      const array = this.open(1);
      for (const item of value as unknown[]) {
        this.tag1(0x0a); // ArrayValue.values (1, LEN)
        const at = this.open(1);
        this.anyValue(item);
        this.close(at, 1);
      }
      this.close(array, 1);
    } else if (typeof value === 'object' && value !== null) {
      this.tag1(ANY_KVLIST);
      const list = this.open(1);
      const object = value as Record<string, unknown>;
      for (const key in object) {
        if (!Object.prototype.hasOwnProperty.call(object, key)) continue;
        this.tag1(0x0a); // KeyValueList.values (1, LEN)
        this.keyValue(key, undefined, object[key]);
      }
      this.close(list, 1);
    }
    // Anything else (undefined, functions...): an empty AnyValue, as the SDK writes.
  }

  // -- the writer --------------------------------------------------------------------------

  private ensure(bytes: number): void {
    const needed = this.pos + bytes;
    if (needed <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const bigger = Buffer.allocUnsafe(size);
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** Reserves `reserved` bytes for a length and returns where they are. */
  private open(reserved: number): number {
    this.ensure(reserved);
    const at = this.pos;
    this.pos += reserved;
    return at;
  }

  /** Writes the length of what follows `at + reserved`, moving it when the varint is not `reserved` long. */
  private close(at: number, reserved: number): void {
    const length = this.pos - at - reserved;
    const size = varintSize(length);
    if (size !== reserved) {
      this.ensure(size - reserved);
      this.buf.copyWithin(at + size, at + reserved, this.pos);
      this.pos += size - reserved;
    }
    let v = length;
    let p = at;
    while (v > 0x7f) {
      this.buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[p] = v;
  }

  private tag1(tag: number): void {
    this.ensure(1);
    this.buf[this.pos++] = tag;
  }

  private bytes(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A varint as the SDK's writer encodes a JS number (negative: ten bytes of two's complement). */
  private varint(value: number): void {
    this.ensure(10);
    const buf = this.buf;
    if (value >= 0 && value <= 0xffffffff) {
      let v = value >>> 0;
      while (v > 0x7f) {
        buf[this.pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      buf[this.pos++] = v;
      return;
    }
    let low: number;
    let high: number;
    if (value >= 0) {
      low = value >>> 0;
      high = (value / 0x100000000) >>> 0;
    } else {
      const abs = Math.abs(value);
      low = ~(abs >>> 0) >>> 0;
      high = ~((abs / 0x100000000) >>> 0) >>> 0;
      low = (low + 1) >>> 0;
      if (low === 0) high = (high + 1) >>> 0;
    }
    while (high > 0 || low > 0x7f) {
      buf[this.pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    buf[this.pos++] = low & 0x7f;
  }

  private fixed32(value: number): void {
    this.ensure(4);
    const buf = this.buf;
    const v = value >>> 0;
    buf[this.pos++] = v & 0xff;
    buf[this.pos++] = (v >>> 8) & 0xff;
    buf[this.pos++] = (v >>> 16) & 0xff;
    buf[this.pos++] = v >>> 24;
  }

  /** HrTime as fixed64 nanoseconds, exactly (no double rounding past 2^53). */
  private time(time: HrTime): void {
    this.timeOf(time[0], time[1]);
  }

  private timeOf(seconds: number, nanos: number): void {
    const lower = (seconds & 0xffff) * 1e9;
    const upper = ((seconds / 0x10000) >>> 0) * 1e9;
    const low = (lower >>> 0) + (((upper & 0xffff) * 0x10000) >>> 0) + nanos;
    const high =
      Math.floor(lower / 0x100000000) + ((upper / 0x10000) >>> 0) + Math.floor(low / 0x100000000);
    this.fixed32(low >>> 0);
    this.fixed32(high >>> 0);
  }

  /** Length-prefixed bytes of a hex id (trace and span ids: 16 and 8 bytes). */
  private hex(hex: string): void {
    const length = hex.length >>> 1;
    if (length > 0x7f) {
      this.varint(length);
    } else {
      this.ensure(1);
      this.buf[this.pos++] = length;
    }
    this.ensure(length);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < 2 * length; i += 2) {
      buf[p++] = (HEX[hex.charCodeAt(i) & 0xff]! << 4) | HEX[hex.charCodeAt(i + 1) & 0xff]!;
    }
    this.pos = p;
  }

  /** Length-prefixed UTF-8 (lone surrogates as U+FFFD, as TextEncoder writes them). */
  private string(value: string): void {
    const chars = value.length;
    if (chars < 43) {
      // At most 3 bytes per UTF-16 unit: the length fits in one byte.
      this.ensure(1 + 3 * chars);
      const buf = this.buf;
      const start = this.pos + 1;
      let p = start;
      for (let i = 0; i < chars; i++) {
        const c = value.charCodeAt(i);
        if (c > 0x7f) {
          p = start + buf.write(value, start, 'utf8');
          break;
        }
        buf[p++] = c;
      }
      buf[this.pos] = p - start;
      this.pos = p;
      return;
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.varint(bytes);
    this.ensure(bytes);
    this.buf.write(value, this.pos, bytes, 'utf8');
    this.pos += bytes;
  }
}

function flagsOf(context: SpanContext, isRemote: boolean | undefined): number {
  return (
    (context.traceFlags & 0xff) | SPAN_FLAGS_HAS_IS_REMOTE | (isRemote ? SPAN_FLAGS_IS_REMOTE : 0)
  );
}
