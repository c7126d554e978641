import { describe, expect, it } from '@jest/globals';
import {
  CollectedFamily,
  CounterFamily,
  escapeLabelValue,
  formatSampleValue,
  GaugeFamily,
  HistogramFamily,
  MetricRegistry,
} from './metric-registry.js';

describe('the text exposition format', () => {
  it('renders counters, gauges and histograms exactly', async () => {
    const registry = new MetricRegistry();
    const requests = registry.register(
      new CounterFamily('app_requests_total', 'Requests.', ['route', 'outcome']),
    );
    const inFlight = registry.register(new GaugeFamily('app_in_flight', 'In flight.', []));
    const latency = registry.register(
      new HistogramFamily('app_latency_seconds', 'Latency.', ['route'], [0.1, 1]),
    );
    const ok = requests.labels('chat', 'success');
    ok.inc();
    ok.inc(2);
    requests.labels('chat', 'error').inc();
    inFlight.labels().inc();
    const child = latency.labels('chat');
    child.observe(0.05);
    child.observe(0.1); // bounds are inclusive
    child.observe(0.5);
    child.observe(3);

    expect(await registry.render()).toBe(
      [
        '# HELP app_requests_total Requests.',
        '# TYPE app_requests_total counter',
        'app_requests_total{route="chat",outcome="success"} 3',
        'app_requests_total{route="chat",outcome="error"} 1',
        '# HELP app_in_flight In flight.',
        '# TYPE app_in_flight gauge',
        'app_in_flight 1',
        '# HELP app_latency_seconds Latency.',
        '# TYPE app_latency_seconds histogram',
        'app_latency_seconds_bucket{route="chat",le="0.1"} 2',
        'app_latency_seconds_bucket{route="chat",le="1"} 3',
        'app_latency_seconds_bucket{route="chat",le="+Inf"} 4',
        'app_latency_seconds_sum{route="chat"} 3.65',
        'app_latency_seconds_count{route="chat"} 4',
        '',
      ].join('\n'),
    );
  });

  it('renders a histogram without labels with only le', async () => {
    const registry = new MetricRegistry();
    registry
      .register(new HistogramFamily('x_seconds', 'X.', [], [1]))
      .labels()
      .observe(2);
    expect(await registry.render()).toContain(
      'x_seconds_bucket{le="1"} 0\nx_seconds_bucket{le="+Inf"} 1\nx_seconds_sum 2\nx_seconds_count 1\n',
    );
  });

  it('escapes label values and help text', async () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    expect(escapeLabelValue('plain')).toBe('plain');
    const registry = new MetricRegistry();
    registry
      .register(new CounterFamily('y_total', 'Line one\nback\\slash', ['name']))
      .labels('say "hi"')
      .inc();
    const text = await registry.render();
    expect(text).toContain('# HELP y_total Line one\\nback\\\\slash\n');
    expect(text).toContain('y_total{name="say \\"hi\\""} 1\n');
  });

  it('formats special and fractional values as Prometheus parses them', () => {
    expect(formatSampleValue(Infinity)).toBe('+Inf');
    expect(formatSampleValue(-Infinity)).toBe('-Inf');
    expect(formatSampleValue(Number.NaN)).toBe('NaN');
    expect(formatSampleValue(0.25)).toBe('0.25');
    expect(formatSampleValue(1e21)).toBe('1e+21');
  });

  it('keeps money exact: integer micro-USD divided only when rendered', async () => {
    const registry = new MetricRegistry();
    const cost = registry.register(new CounterFamily('cost_usd_total', 'Cost.', [], 1e6)).labels();
    for (let i = 0; i < 10; i++) cost.inc(25);
    expect(cost.value).toBe(250);
    expect(await registry.render()).toContain('cost_usd_total 0.00025\n');
  });

  it('reads collected families on scrape, once per label set', async () => {
    let reads = 0;
    const registry = new MetricRegistry();
    registry.register(
      new CollectedFamily('live_state', 'Live.', 'gauge', ['id'], (emit) => {
        reads++;
        emit(['a'], 1);
        emit(['a'], 2); // a duplicate series would break the scrape: the first wins
        emit(['b'], 0);
      }),
    );
    expect(reads).toBe(0);
    const text = await registry.render();
    expect(reads).toBe(1);
    expect(text).toContain('live_state{id="a"} 1\nlive_state{id="b"} 0\n');
    expect(text).not.toContain('live_state{id="a"} 2');
  });

  it('leaves out a family whose collector fails, keeping the others', async () => {
    const registry = new MetricRegistry();
    registry.register(
      new CollectedFamily('broken', 'Broken.', 'gauge', [], () => {
        throw new Error('database down\nsecond line');
      }),
    );
    registry
      .register(new GaugeFamily('fine', 'Fine.', []))
      .labels()
      .set(4);
    const text = await registry.render();
    expect(text).toBe(
      '# broken unavailable: database down\n# HELP fine Fine.\n# TYPE fine gauge\nfine 4\n',
    );
  });

  it('returns the same series for the same labels, so callers can keep it', () => {
    const family = new CounterFamily('z_total', 'Z.', ['a']);
    expect(family.labels('x')).toBe(family.labels('x'));
    expect(family.labels('x')).not.toBe(family.labels('y'));
  });

  it('refuses names and label sets that would produce an invalid exposition', () => {
    expect(() => new CounterFamily('requests', 'R.', [])).toThrow('_total');
    expect(() => new CounterFamily('bad-name_total', 'R.', [])).toThrow('invalid metric name');
    expect(() => new CounterFamily('ok_total', 'R.', ['bad-label'])).toThrow('invalid label');
    expect(() => new CounterFamily('ok_total', 'R.', ['__reserved'])).toThrow('invalid label');
    expect(() => new CounterFamily('ok_total', 'R.', ['a', 'a'])).toThrow('duplicate');
    expect(() => new HistogramFamily('h_seconds', 'H.', ['le'], [1])).toThrow('invalid label');
    expect(() => new HistogramFamily('h_seconds', 'H.', [], [1, 1])).toThrow('increasing');
    expect(() => new CollectedFamily('g_total', 'G.', 'gauge', [], () => undefined)).toThrow();
    expect(() => new CounterFamily('ok_total', 'R.', ['a']).labels()).toThrow('label values');
    const registry = new MetricRegistry();
    registry.register(new GaugeFamily('once', 'Once.', []));
    expect(() => registry.register(new GaugeFamily('once', 'Once.', []))).toThrow('twice');
  });
});
