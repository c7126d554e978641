/**
 * A small Prometheus registry built for the hot path: a labelled series ("child") is resolved
 * once and kept by the caller, so recording is a field increment — no label hashing, no string
 * building, no allocation per observation. Rendering (the text exposition format 0.0.4) happens
 * only on scrape. prom-client re-hashes the label object on every `inc`/`observe`, even through
 * `labels(...)`; see the telemetry README for the measurements behind this choice.
 */

/** The content type of {@link MetricRegistry.render}'s output. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Escapes a label value for the exposition format: backslash, double quote, line feed. */
export function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
    : value;
}

/** Formats a sample value: Go's ParseFloat reads JavaScript's number syntax except infinities. */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** `a="x",b="y"` for the given names and values (no braces). */
function labelPairs(names: readonly string[], values: readonly string[]): string {
  let out = '';
  for (let i = 0; i < names.length; i++) {
    if (i > 0) out += ',';
    out += `${names[i]}="${escapeLabelValue(values[i] ?? '')}"`;
  }
  return out;
}

function braces(pairs: string): string {
  return pairs === '' ? '' : `{${pairs}}`;
}

function checkNames(
  name: string,
  labelNames: readonly string[],
  reserved: readonly string[],
): void {
  if (!METRIC_NAME.test(name)) throw new Error(`invalid metric name ${name}`);
  for (const label of labelNames) {
    if (!LABEL_NAME.test(label) || label.startsWith('__') || reserved.includes(label)) {
      throw new Error(`invalid label name ${label} on ${name}`);
    }
  }
  if (new Set(labelNames).size !== labelNames.length) {
    throw new Error(`duplicate label names on ${name}`);
  }
}

/** One metric family: a name, a type, help text, and its samples on demand. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  /** Appends the family's sample lines (without HELP/TYPE) to `out`. */
  render(out: string[]): void | Promise<void>;
}

/** A counter series. `inc` is the only thing the hot path calls. */
export class CounterChild {
  value = 0;

  constructor(readonly labels: string) {}

  inc(by = 1): void {
    this.value += by;
  }
}

/** A gauge series set by the hot path (e.g. requests in flight). */
export class GaugeChild {
  value = 0;

  constructor(readonly labels: string) {}

  inc(): void {
    this.value++;
  }

  dec(): void {
    this.value--;
  }

  set(value: number): void {
    this.value = value;
  }
}

/** Labelled series of one family, created on first use and kept forever (bounded by design). */
abstract class LabelledFamily<C> implements MetricFamily {
  private readonly children = new Map<string, C>();
  private readonly order: C[] = [];
  abstract readonly type: MetricFamily['type'];

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    reservedLabels: readonly string[] = [],
  ) {
    checkNames(name, labelNames, reservedLabels);
  }

  /**
   * The series for these label values (in `labelNames` order). Builds a key string: call it
   * once per label set and keep the child, not per observation.
   */
  labels(...values: string[]): C {
    if (values.length !== this.labelNames.length) {
      throw new Error(`${this.name} takes ${this.labelNames.length} label values`);
    }
    const key = values.join('\u0000');
    let child = this.children.get(key);
    if (!child) {
      child = this.create(labelPairs(this.labelNames, values));
      this.children.set(key, child);
      this.order.push(child);
    }
    return child;
  }

  protected series(): readonly C[] {
    return this.order;
  }

  protected abstract create(pairs: string): C;
  abstract render(out: string[]): void;
}

/** A counter family whose series the hot path increments. */
export class CounterFamily extends LabelledFamily<CounterChild> {
  readonly type = 'counter' as const;

  /**
   * @param divisor divides the stored value when rendered: money is counted in integer
   *   micro-USD (exact) and exposed in USD (`divisor` 1e6).
   */
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    private readonly divisor = 1,
  ) {
    super(name, help, labelNames);
    if (!name.endsWith('_total')) throw new Error(`counter ${name} must end in _total`);
  }

  protected create(pairs: string): CounterChild {
    return new CounterChild(braces(pairs));
  }

  render(out: string[]): void {
    for (const child of this.series()) {
      const value = this.divisor === 1 ? child.value : child.value / this.divisor;
      out.push(`${this.name}${child.labels} ${formatSampleValue(value)}`);
    }
  }
}

/** A gauge family whose series the hot path sets. */
export class GaugeFamily extends LabelledFamily<GaugeChild> {
  readonly type = 'gauge' as const;

  protected create(pairs: string): GaugeChild {
    return new GaugeChild(braces(pairs));
  }

  render(out: string[]): void {
    for (const child of this.series()) {
      out.push(`${this.name}${child.labels} ${formatSampleValue(child.value)}`);
    }
  }
}

/**
 * A histogram series. Buckets are stored non-cumulatively (one increment per observation) and
 * accumulated when rendered.
 */
export class HistogramChild {
  /** counts[i]: observations in (bounds[i-1], bounds[i]]; the last slot is (last bound, +Inf). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly pairs: string,
    private readonly bounds: Float64Array,
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    (this.counts[i] as number)++;
    this.sum += value;
    this.count++;
  }
}

/** A histogram family; bucket bounds are upper bounds, inclusive, in the metric's base unit. */
export class HistogramFamily extends LabelledFamily<HistogramChild> {
  readonly type = 'histogram' as const;
  private readonly bounds: Float64Array;
  private readonly le: readonly string[];

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    bounds: readonly number[],
  ) {
    super(name, help, labelNames, ['le']);
    if (bounds.length === 0 || bounds.some((b, i) => i > 0 && b <= (bounds[i - 1] as number))) {
      throw new Error(`${name}: bucket bounds must be non-empty and strictly increasing`);
    }
    this.bounds = Float64Array.from(bounds);
    this.le = [...bounds.map((b) => `le="${formatSampleValue(b)}"`), 'le="+Inf"'];
  }

  protected create(pairs: string): HistogramChild {
    return new HistogramChild(pairs, this.bounds);
  }

  render(out: string[]): void {
    for (const child of this.series()) {
      const prefix = child.pairs === '' ? '' : `${child.pairs},`;
      let cumulative = 0;
      for (let i = 0; i < this.le.length; i++) {
        cumulative += child.counts[i] as number;
        out.push(`${this.name}_bucket{${prefix}${this.le[i]}} ${cumulative}`);
      }
      out.push(`${this.name}_sum${braces(child.pairs)} ${formatSampleValue(child.sum)}`);
      out.push(`${this.name}_count${braces(child.pairs)} ${child.count}`);
    }
  }
}

/** Receives one sample of a collected family. */
export type SampleSink = (labelValues: readonly string[], value: number) => void;

/**
 * A gauge or counter whose samples are read from live state when scraped (circuit states,
 * weights, recorder statistics), never maintained per request. A label set emitted twice in
 * one scrape keeps its first value, so the output never holds a duplicate series.
 */
export class CollectedFamily implements MetricFamily {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge',
    readonly labelNames: readonly string[],
    private readonly collect: (emit: SampleSink) => void | Promise<void>,
  ) {
    checkNames(name, labelNames, []);
    if (type === 'counter' && !name.endsWith('_total')) {
      throw new Error(`counter ${name} must end in _total`);
    }
    if (type === 'gauge' && name.endsWith('_total')) {
      throw new Error(`gauge ${name} must not end in _total`);
    }
  }

  async render(out: string[]): Promise<void> {
    const seen = new Set<string>();
    await this.collect((values, value) => {
      if (values.length !== this.labelNames.length) {
        throw new Error(`${this.name} takes ${this.labelNames.length} label values`);
      }
      const labels = braces(labelPairs(this.labelNames, values));
      if (seen.has(labels)) return;
      seen.add(labels);
      out.push(`${this.name}${labels} ${formatSampleValue(value)}`);
    });
  }
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** The families of one application, rendered together on scrape. */
export class MetricRegistry {
  private readonly families = new Map<string, MetricFamily>();

  /** Adds a family; its name must be unique in the registry. Returns it, for chaining. */
  register<F extends MetricFamily>(family: F): F {
    if (this.families.has(family.name)) throw new Error(`metric ${family.name} registered twice`);
    this.families.set(family.name, family);
    return family;
  }

  /**
   * The exposition text. A family whose collector fails is left out (with a comment) rather
   * than failing the whole scrape.
   */
  async render(): Promise<string> {
    const out: string[] = [];
    for (const family of this.families.values()) {
      const samples: string[] = [];
      try {
        await family.render(samples);
      } catch (error) {
        out.push(
          `# ${family.name} unavailable: ${String((error as Error).message).split('\n')[0]}`,
        );
        continue;
      }
      out.push(`# HELP ${family.name} ${escapeHelp(family.help)}`);
      out.push(`# TYPE ${family.name} ${family.type}`);
      for (const line of samples) out.push(line);
    }
    out.push('');
    return out.join('\n');
  }
}
