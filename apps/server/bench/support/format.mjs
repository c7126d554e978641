// Formatting of benchmark figures: numbers, aligned text tables for stdout, Markdown tables.

/** 12345.6 -> "12,346" (fractionDigits 0), with thousands separators. */
export function num(value, fractionDigits = 0) {
  if (!Number.isFinite(value)) return '-';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  });
}

/** 0.0312 -> "+3.1 %". */
export function percent(fraction, fractionDigits = 1) {
  if (!Number.isFinite(fraction)) return '-';
  const sign = fraction > 0 ? '+' : fraction < 0 ? '−' : '±';
  return `${sign}${Math.abs(fraction * 100).toFixed(fractionDigits)} %`;
}

/** Bytes -> "123.4 MiB". */
export function mebibytes(bytes) {
  return Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : '-';
}

/**
 * An aligned plain-text table. `columns`: [{ header, align: 'left' | 'right' }]; `rows`: arrays
 * of cell strings.
 */
export function textTable(columns, rows) {
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...rows.map((r) => String(r[i] ?? '').length)),
  );
  const line = (cells) =>
    cells
      .map((cell, i) => {
        const text = String(cell ?? '');
        return columns[i].align === 'left' ? text.padEnd(widths[i]) : text.padStart(widths[i]);
      })
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c) => c.header)),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ].join('\n');
}

/** The same table in Markdown (Prettier aligns it when the document is formatted). */
export function markdownTable(columns, rows) {
  const escape = (cell) => String(cell ?? '').replaceAll('|', '\\|');
  return [
    `| ${columns.map((c) => escape(c.header)).join(' | ')} |`,
    `| ${columns.map((c) => (c.align === 'left' ? ':--' : '--:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`),
  ].join('\n');
}
