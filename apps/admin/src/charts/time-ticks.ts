const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

/** Tick steps a person reads easily, finest first. */
const STEPS = [
  S,
  2 * S,
  5 * S,
  10 * S,
  15 * S,
  30 * S,
  M,
  2 * M,
  5 * M,
  10 * M,
  15 * M,
  30 * M,
  H,
  2 * H,
  3 * H,
  6 * H,
  12 * H,
  D,
  2 * D,
  7 * D,
  14 * D,
  30 * D,
];

/** Ticks of a time axis and the step between them. */
export interface TimeTicks {
  readonly ticks: number[];
  readonly stepMs: number;
}

/**
 * Ticks for `[from, to]`: the finest round step giving at most `maxTicks`, each tick a multiple
 * of the step in local time (on the hour, at midnight), so labels read 10:00, 10:15, ...
 */
export function timeTicks(from: number, to: number, maxTicks = 6): TimeTicks {
  const span = to - from;
  if (!(span > 0)) return { ticks: [], stepMs: 0 };
  const stepMs = STEPS.find((s) => span / s < maxTicks) ?? STEPS[STEPS.length - 1] ?? D;
  // Local time = UTC + offset; align multiples of the step to local midnight.
  const offset = -new Date(from).getTimezoneOffset() * M;
  const first = Math.ceil((from + offset) / stepMs) * stepMs - offset;
  const ticks: number[] = [];
  for (let t = first; t <= to; t += stepMs) ticks.push(t);
  return { ticks, stepMs };
}

/** A tick's label for its step: seconds when the step is below a minute, the date from a day. */
export function formatTimeTick(ms: number, stepMs: number, spanMs: number): string {
  const d = new Date(ms);
  const clock = (withSeconds: boolean): string =>
    d.toLocaleTimeString('en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      ...(withSeconds ? { second: '2-digit' } : {}),
    });
  const date = d.toLocaleDateString('en-GB', { day: '2-digit', month: 'short' });
  if (stepMs < M) return clock(true);
  if (stepMs >= D) return date;
  return spanMs > D ? `${date} ${clock(false)}` : clock(false);
}
