import { ActiveOverrides } from './route-override.js';

/** The overrides in force, read on every request: one reference, swapped on change. */
export interface OverridesState {
  readonly current: ActiveOverrides;
}

export const OVERRIDES = Symbol('OVERRIDES');

/** No database, no overrides (tests of the HTTP surface; they may set `current`). */
export class StaticOverrides implements OverridesState {
  current = ActiveOverrides.NONE;
}
