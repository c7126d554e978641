/**
 * Series colours: a fixed, colour-blind-friendly palette (Okabe–Ito and Tableau hues), each key
 * mapped by a hash so a provider keeps its colour across charts, pages and reloads.
 */
export const PALETTE: readonly string[] = [
  '#2563eb',
  '#d97706',
  '#059669',
  '#dc2626',
  '#7c3aed',
  '#0891b2',
  '#db2777',
  '#65a30d',
  '#475569',
  '#b45309',
];

/** FNV-1a of a string, 32-bit. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * A colour per key, stable and distinct within one set: keys are placed by hash and, on a
 * collision, moved to the next free colour (sorted first, so the result does not depend on
 * the order the keys came in).
 */
export function colorsFor(keys: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<number>();
  for (const key of [...new Set(keys)].sort()) {
    let slot = hash(key) % PALETTE.length;
    if (taken.size < PALETTE.length) {
      while (taken.has(slot)) slot = (slot + 1) % PALETTE.length;
    }
    taken.add(slot);
    out.set(key, PALETTE[slot] ?? '#475569');
  }
  return out;
}
