/** An API key as the gateway knows it (never its secret; only its hash). */
export interface ApiKeyRecord {
  readonly id: string;
  readonly teamId: string;
  readonly name: string;
  /** Display prefix, e.g. `sk-stilts-AbC123`. */
  readonly prefix: string;
  readonly hash: string;
  /** Routes the key may call; null = all. */
  readonly allowedRoutes: readonly string[] | null;
  readonly requestsPerMinute: number | null;
  readonly tokensPerMinute: number | null;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
  readonly createdAt: number;
}

export interface Team {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
}
