/**
 * Dollar amounts typed by people, to integer micro-USD without floating point: "12.5" is
 * 12,500,000 µ$. Up to six decimals; thousands separators (`,` or spaces) and a leading `$`
 * are allowed.
 */
export function parseUsdToMicro(text: string): number | null {
  const cleaned = text.trim().replace(/^\$/, '').replace(/[,\s]/g, '');
  const m = /^(\d+)(?:\.(\d{0,6}))?$/.exec(cleaned);
  if (!m) return null;
  const whole = m[1] ?? '0';
  const fraction = (m[2] ?? '').padEnd(6, '0');
  const micro = Number(whole) * 1_000_000 + Number(fraction);
  return Number.isSafeInteger(micro) ? micro : null;
}

/** Micro-USD as an editable dollar string ("12.5"), exact. */
export function microToUsdInput(micro: number): string {
  const whole = Math.floor(micro / 1_000_000);
  const fraction = String(micro % 1_000_000)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}
