/** Expiry choices of a new admin token, in days ('' = never). */
export const EXPIRY_DAYS: readonly { readonly value: string; readonly label: string }[] = [
  { value: '', label: 'Never' },
  { value: '1', label: 'In 1 day' },
  { value: '7', label: 'In 7 days' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
];

/** The `expiresAt` of a choice at `now`: null for never. */
export function expiryFromDays(days: string, now: number): string | null {
  const n = Number(days);
  if (days === '' || !Number.isFinite(n) || n <= 0) return null;
  return new Date(now + n * 86_400_000).toISOString();
}
