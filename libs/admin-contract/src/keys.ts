import { z } from 'zod';
import { cursorSchema, instantSchema, isoSchema, limitSchema, reasonSchema } from './common.js';

const teamNameSchema = z.string().trim().min(1).max(200);
const keyNameSchema = z.string().trim().min(1).max(200);

/** Routes a key may call (route names, as callers send them in `model`); null = every route. */
const allowedRoutesSchema = z.array(z.string().min(1).max(256)).max(1_000);

/** A per-minute limit of a key (requests or tokens); null = unlimited. */
const perMinuteSchema = z.int().positive().max(100_000_000);

/** A team: what API keys belong to, and what `team` budgets cover. */
export const teamSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: isoSchema,
});
export type Team = z.infer<typeof teamSchema>;

/** `POST /teams`. Names are unique (409 `team_exists`). */
export const createTeamBodySchema = z.strictObject({ name: teamNameSchema });
export type CreateTeamBody = z.input<typeof createTeamBodySchema>;

/** `PATCH /teams/:id`: renames the team (409 `team_exists` if another team has the name). */
export const updateTeamBodySchema = z.strictObject({ name: teamNameSchema });
export type UpdateTeamBody = z.input<typeof updateTeamBodySchema>;

/**
 * Where a key stands now: `active` (it authenticates), `expired` (past `expiresAt`) or
 * `revoked` (revocation wins over expiry).
 */
export const apiKeyStateSchema = z.enum(['active', 'expired', 'revoked']);
export type ApiKeyState = z.infer<typeof apiKeyStateSchema>;

/**
 * An API key as listed: never the key itself, nor its hash — `prefix` (`sk-stilts-` and the
 * first 6 characters) is what people recognise it by.
 */
export const apiKeySchema = z.object({
  id: z.string(),
  teamId: z.string(),
  name: z.string(),
  /** Display prefix, e.g. `sk-stilts-AbC123`. */
  prefix: z.string(),
  /** Routes the key may call; null = every route. */
  allowedRoutes: z.array(z.string()).nullable(),
  /** Requests per minute; null = unlimited. */
  requestsPerMinute: z.int().nullable(),
  /** Tokens (input + output) per minute; null = unlimited. */
  tokensPerMinute: z.int().nullable(),
  expiresAt: isoSchema.nullable(),
  revokedAt: isoSchema.nullable(),
  createdAt: isoSchema,
  state: apiKeyStateSchema,
});
export type ApiKey = z.infer<typeof apiKeySchema>;

/** `POST /keys`: `teamId` must name an existing team (400 on `teamId` otherwise). */
export const createApiKeyBodySchema = z.strictObject({
  teamId: z.uuid(),
  name: keyNameSchema,
  allowedRoutes: allowedRoutesSchema.nullish(),
  requestsPerMinute: perMinuteSchema.nullish(),
  tokensPerMinute: perMinuteSchema.nullish(),
  expiresAt: instantSchema.nullish(),
});
export type CreateApiKeyBody = z.input<typeof createApiKeyBodySchema>;

/** The answer to `POST /keys`: the only time the key is shown. */
export const createdApiKeySchema = z.object({
  key: apiKeySchema,
  /** `sk-stilts-...`: store it now; it cannot be shown again (only its SHA-256 is kept). */
  secret: z.string(),
});
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;

/**
 * `PATCH /keys/:id`: any subset; `null` lifts a limit (`allowedRoutes`, the per-minute limits)
 * or the expiry. The key itself never changes (create a new one and revoke the old one). A
 * revoked key cannot be changed (409 `key_revoked`).
 */
export const updateApiKeyBodySchema = z.strictObject({
  name: keyNameSchema.optional(),
  allowedRoutes: allowedRoutesSchema.nullable().optional(),
  requestsPerMinute: perMinuteSchema.nullable().optional(),
  tokensPerMinute: perMinuteSchema.nullable().optional(),
  expiresAt: instantSchema.nullable().optional(),
});
export type UpdateApiKeyBody = z.input<typeof updateApiKeyBodySchema>;

/**
 * `POST /keys/:id/revoke`: the key stops working at once on the replica that answers and on
 * every other within a second. Revoking a revoked key changes nothing (it keeps its
 * `revokedAt`) and answers the key again.
 */
export const revokeApiKeyBodySchema = z.strictObject({ reason: reasonSchema });
export type RevokeApiKeyBody = z.input<typeof revokeApiKeyBodySchema>;

/** `GET /keys`: newest first, optionally one team's (404 `team_not_found` for an unknown team). */
export const listApiKeysQuerySchema = z.strictObject({
  teamId: z.uuid().optional(),
  cursor: cursorSchema.optional(),
  limit: limitSchema,
});
export type ListApiKeysQuery = z.input<typeof listApiKeysQuerySchema>;
