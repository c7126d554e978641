import { z } from 'zod';
import { adminRoleSchema, instantSchema, isoSchema } from './common.js';

/** `POST /session`: log in with an admin token; answers with a session cookie. */
export const loginBodySchema = z.strictObject({
  token: z.string().min(1).max(512),
});
export type LoginBody = z.infer<typeof loginBodySchema>;

/** Who the caller is (`GET /session`, and the answer to a login). */
export const sessionSchema = z.object({
  tokenId: z.string(),
  name: z.string(),
  role: adminRoleSchema,
  /** Display prefix of the token, e.g. `st-admin-AbC1`. */
  prefix: z.string(),
  /** How this request authenticated. */
  via: z.enum(['cookie', 'bearer']),
  /** When the session ends (cookie), or the token expires (bearer); null = never. */
  expiresAt: isoSchema.nullable(),
});
export type Session = z.infer<typeof sessionSchema>;

/** An admin token as listed: never the token itself, nor its hash. */
export const adminTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: adminRoleSchema,
  prefix: z.string(),
  createdAt: isoSchema,
  createdBy: z.string(),
  /** Updated at login and, for bearer use, at most once an hour — not on every request. */
  lastUsedAt: isoSchema.nullable(),
  expiresAt: isoSchema.nullable(),
  revokedAt: isoSchema.nullable(),
});
export type AdminToken = z.infer<typeof adminTokenSchema>;

/** `POST /tokens`. */
export const createAdminTokenBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  role: adminRoleSchema,
  expiresAt: instantSchema.nullish(),
});
export type CreateAdminTokenBody = z.infer<typeof createAdminTokenBodySchema>;

/** The answer to `POST /tokens`: the only time the token is shown. */
export const createdAdminTokenSchema = z.object({
  token: adminTokenSchema,
  /** `st-admin-...`: store it now; it cannot be shown again. */
  secret: z.string(),
});
export type CreatedAdminToken = z.infer<typeof createdAdminTokenSchema>;

/** `GET /tokens` query. */
export const listAdminTokensQuerySchema = z.strictObject({
  includeRevoked: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export type ListAdminTokensQuery = z.input<typeof listAdminTokensQuerySchema>;
