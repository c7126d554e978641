/**
 * A source of the current time. Everything in `@stilts/routing` takes a `Clock` instead of
 * calling `Date.now()`, so tests and the simulator can drive time explicitly.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch (or any fixed origin the caller uses consistently). */
  now(): number;
}

/** A clock that only moves when told to: for tests and virtual-time simulation. */
export class ManualClock implements Clock {
  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  /** Moves time forward by `ms` (must be >= 0). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`cannot advance a clock by ${ms} ms`);
    this.current += ms;
  }

  /** Sets the time; it may not go backwards. */
  set(ms: number): void {
    if (ms < this.current)
      throw new RangeError(`cannot move a clock back from ${this.current} to ${ms}`);
    this.current = ms;
  }
}
