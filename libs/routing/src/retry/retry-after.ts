/** Header lookup abstraction so callers can pass undici/fetch headers or a plain record. */
export type HeaderLookup = (name: string) => string | undefined;

/**
 * Headers in the shapes callers have at hand: a fetch/undici `Headers` (anything with
 * `get(name)`), or a plain record such as Node's `IncomingHttpHeaders`.
 */
export type HeaderSource =
  | { get(name: string): string | null | undefined }
  | Readonly<Record<string, string | number | readonly string[] | undefined>>;

function hasGet(source: HeaderSource): source is { get(name: string): string | null | undefined } {
  return typeof (source as { get?: unknown }).get === 'function';
}

/**
 * Adapts a {@link HeaderSource} to a {@link HeaderLookup}. Record keys match case-insensitively;
 * repeated values (arrays) are joined with ", " as HTTP combines repeated fields.
 */
export function headerLookup(source: HeaderSource): HeaderLookup {
  if (hasGet(source)) return (name) => source.get(name) ?? undefined;
  return (name) => {
    const wanted = name.toLowerCase();
    for (const [key, value] of Object.entries(source)) {
      if (key.toLowerCase() !== wanted || value === undefined) continue;
      return typeof value === 'object' ? value.join(', ') : String(value);
    }
    return undefined;
  };
}

const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY = '(?:mon|tue|wed|thu|fri|sat|sun)';
const LONG_DAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
/** IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT` */
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{1,2}) ${MONTH} (\\d{4}) ${TIME} GMT$`, 'i');
/** Obsolete RFC 850 date: `Sunday, 06-Nov-94 08:49:37 GMT` */
const RFC850_DATE = new RegExp(`^${LONG_DAY}, (\\d{1,2})-${MONTH}-(\\d{2}) ${TIME} GMT$`, 'i');
/** Obsolete asctime date: `Sun Nov  6 08:49:37 1994` */
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} +(\\d{1,2}) ${TIME} (\\d{4})$`, 'i');

function utcMs(
  year: number,
  monthName: string,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number | undefined {
  const month = MONTHS.indexOf(monthName.toLowerCase());
  if (day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  // Built field by field: Date.UTC would read years 0-99 as 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  if (date.getUTCDate() !== day) return undefined; // e.g. 31 Feb rolled over into March
  // A leap second (:60) rolls into the next minute, which is as good as it gets in ms.
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/**
 * Parses an HTTP-date (RFC 9110 §5.6.7) in any of its three formats: IMF-fixdate, and the
 * obsolete RFC 850 and asctime forms that recipients must still accept. Month and day names
 * match case-insensitively; the day name is not checked against the date. An RFC 850 two-digit
 * year that would lie more than 50 years after `nowMs` is read as the most recent past year with
 * those digits, as RFC 9110 requires.
 *
 * @returns milliseconds since the epoch, or undefined if `value` is not an HTTP-date.
 */
export function parseHttpDate(value: string, nowMs: number): number | undefined {
  const text = value.trim();
  let match = IMF_FIXDATE.exec(text);
  if (match) {
    const [, day, month, year, hh, mm, ss] = match;
    return utcMs(Number(year), month!, Number(day), Number(hh), Number(mm), Number(ss));
  }
  match = RFC850_DATE.exec(text);
  if (match) {
    const [, day, month, yy, hh, mm, ss] = match;
    const nowYear = new Date(nowMs).getUTCFullYear();
    let year = nowYear - (nowYear % 100) + Number(yy);
    if (year > nowYear + 50) year -= 100;
    return utcMs(year, month!, Number(day), Number(hh), Number(mm), Number(ss));
  }
  match = ASCTIME_DATE.exec(text);
  if (match) {
    const [, month, day, hh, mm, ss, year] = match;
    return utcMs(Number(year), month!, Number(day), Number(hh), Number(mm), Number(ss));
  }
  return undefined;
}

/**
 * Parses `retry-after-ms` (ms, float allowed), else `retry-after` (delta-seconds or HTTP-date
 * relative to nowMs). Returns ms >= 0, or undefined when absent/invalid.
 *
 * - `retry-after-ms` (sent by OpenAI and Azure OpenAI): a non-negative decimal number of ms.
 * - `retry-after` (RFC 9110 §10.2.3): delta-seconds (decimals tolerated) → seconds · 1000, or an
 *   HTTP-date → max(0, date − nowMs), so a date in the past means "now".
 *
 * A `retry-after-ms` that is present but invalid falls back to `retry-after` rather than hiding
 * it. Negative numbers, exponents, signs, empty values and anything else are invalid.
 *
 * @throws RangeError if nowMs is not finite.
 */
export function parseRetryAfter(header: HeaderLookup, nowMs: number): number | undefined {
  if (!Number.isFinite(nowMs)) throw new RangeError(`nowMs must be finite, got ${nowMs}`);
  const ms = header('retry-after-ms')?.trim();
  if (ms !== undefined && DECIMAL.test(ms)) {
    const value = Number(ms);
    if (Number.isFinite(value)) return value;
  }
  const retryAfter = header('retry-after')?.trim();
  if (retryAfter === undefined) return undefined;
  if (DECIMAL.test(retryAfter)) {
    const value = Number(retryAfter) * 1_000;
    return Number.isFinite(value) ? value : undefined;
  }
  const date = parseHttpDate(retryAfter, nowMs);
  return date === undefined ? undefined : Math.max(0, date - nowMs);
}

/** A deployment that sent Retry-After is skipped for at most this long (5 min) by default. */
export const DEFAULT_MAX_DEPLOYMENT_COOLDOWN_MS = 300_000;

/**
 * Until when a deployment that answered with Retry-After should be skipped by new requests:
 *
 *     until = now + min(retryAfterMs, maxMs)
 *
 * The cap keeps one odd header (say, a day) from sidelining a deployment for longer than its
 * breaker ever would; if the limit persists, the next answer says so again.
 *
 * @returns undefined when there is no Retry-After or it is 0 (nothing to skip).
 * @throws RangeError if now is not finite, or retryAfterMs / maxMs is negative or NaN.
 */
export function deploymentCooldownUntil(
  now: number,
  retryAfterMs: number | undefined,
  maxMs: number = DEFAULT_MAX_DEPLOYMENT_COOLDOWN_MS,
): number | undefined {
  if (!Number.isFinite(now)) throw new RangeError(`now must be finite, got ${now}`);
  if (Number.isNaN(maxMs) || maxMs < 0) throw new RangeError(`maxMs must be >= 0, got ${maxMs}`);
  if (retryAfterMs === undefined) return undefined;
  if (Number.isNaN(retryAfterMs) || retryAfterMs < 0) {
    throw new RangeError(`retryAfterMs must be >= 0, got ${retryAfterMs}`);
  }
  const wait = Math.min(retryAfterMs, maxMs);
  return wait > 0 ? now + wait : undefined;
}
