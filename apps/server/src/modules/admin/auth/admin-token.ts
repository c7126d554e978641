import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every admin token starts with this, so a leaked one is recognisable (secret scanners). */
export const ADMIN_TOKEN_PREFIX = 'st-admin-';

/** A new admin token: `st-admin-` and 256 random bits (base64url). */
export function generateAdminToken(): string {
  return `${ADMIN_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** A new session id (opaque, 256 random bits). */
export function generateSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 of a token or session id: what the database stores and looks up. */
export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The part of a token shown in listings: `st-admin-` plus its first four characters. */
export function displayPrefix(token: string): string {
  return token.slice(0, ADMIN_TOKEN_PREFIX.length + 4);
}

/** Constant-time equality of two hashes. */
export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
