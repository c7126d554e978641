import type { Clock, Rng } from '@stilts/routing';
import { createSeededRng } from '@stilts/routing';
import { randomInt } from 'node:crypto';

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

export const CLOCK = Symbol('CLOCK');
export const RNG = Symbol('RNG');

/** A process-wide generator seeded from the OS (or a fixed seed, for reproducible tests). */
export function processRng(seed?: number | string): Rng {
  return createSeededRng(seed ?? randomInt(0, 2 ** 47));
}
