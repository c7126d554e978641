import type { AdminRole } from '@stilts/admin-contract';

/** Who is calling the admin API, as the guard established it. */
export interface AdminPrincipal {
  readonly tokenId: string;
  readonly name: string;
  readonly role: AdminRole;
  readonly prefix: string;
  readonly via: 'cookie' | 'bearer';
  /** Session end (cookie) or token expiry (bearer), ms; null = never. */
  readonly expiresAt: number | null;
  /** The session's hash, for logout (cookie only). */
  readonly sessionHash: Buffer | null;
}

/** The name written to `audit_log.actor` for changes the principal makes: `<name>#<token id>`. */
export function actorOf(principal: AdminPrincipal): string {
  return `${principal.name}#${principal.tokenId}`;
}
