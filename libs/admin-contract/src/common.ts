import { z } from 'zod';

/** Who may call an endpoint: anyone (login, docs), a `viewer` (reads) or an `admin` (writes). */
export type AccessLevel = 'public' | AdminRole;

/** An admin token's role. `admin` can do everything a `viewer` can. */
export const adminRoleSchema = z.enum(['viewer', 'admin']);
export type AdminRole = z.infer<typeof adminRoleSchema>;

/** True when `role` may call an endpoint that requires `required`. */
export function roleAllows(role: AdminRole, required: AccessLevel): boolean {
  return required === 'public' || required === 'viewer' || role === 'admin';
}

/** One field-level problem of a rejected input; `path` is dotted, e.g. `members[1].weight`. */
export const fieldErrorSchema = z.object({ path: z.string(), message: z.string() });
export type FieldError = z.infer<typeof fieldErrorSchema>;

/**
 * Every error of the admin API: `{message, code, errors?}` with the status, and the request id
 * in the `x-request-id` header. `code` is stable and machine-readable (see {@link AdminErrorCode}).
 */
export const adminErrorSchema = z.object({
  message: z.string(),
  code: z.string(),
  errors: z.array(fieldErrorSchema).optional(),
});
export type AdminErrorBody = z.infer<typeof adminErrorSchema>;

/** The codes the admin API answers with (modules may add `<thing>_not_found` codes). */
export type AdminErrorCode =
  | 'unauthenticated'
  | 'forbidden'
  | 'validation_failed'
  | 'invalid_json'
  | 'unsupported_content_type'
  | 'request_too_large'
  | 'not_found'
  | 'method_not_allowed'
  | 'already_exists'
  | 'conflict'
  | 'range_too_large'
  | 'internal_error'
  /** A team name already in use (`POST /teams`, `PATCH /teams/:id`). */
  | 'team_exists'
  /** A revoked API key cannot be changed (`PATCH /keys/:id`). */
  | 'key_revoked'
  | `${string}_not_found`;

/** A page of a listing: `nextCursor` is null on the last page; pass it back as `cursor`. */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/** The zod schema of a {@link Page} of `item`. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** Page size: 1..200, default 50. */
export const limitSchema = z.coerce.number().int().min(1).max(200).default(50);

/** An opaque cursor from a previous page's `nextCursor`. */
export const cursorSchema = z.string().min(1).max(512);

/** An instant as sent and received: ISO 8601 with an offset, e.g. `2026-11-25T10:00:00Z`. */
export const instantSchema = z.iso.datetime({ offset: true });

/** Instants in responses are always UTC ISO strings (`Date.prototype.toISOString`). */
export const isoSchema = z.string();

/** Catalog ids (providers, deployments): letters, digits, dots, dashes, slashes, 1..128. */
export const catalogIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._/-]{0,127}$/i, 'must be 1-128 letters, digits, dots, dashes, slashes');

/** Route names: what callers send as `model`. */
export const routeNameSchema = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._:/-]{0,127}$/, 'must be a model-like name');

/** A non-negative integer amount of micro-USD (1 USD = 1,000,000). Money is never a float. */
export const microUsdSchema = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A reason an operator gives for a change (audited). */
export const reasonSchema = z.string().trim().min(3, 'say why (at least 3 characters)').max(1_000);

/** Query booleans: `true` / `false`. */
export const queryBooleanSchema = z.enum(['true', 'false']).transform((v) => v === 'true');

/** `from` (inclusive) and `to` (exclusive) of a time range, with `from < to`. */
export const timeRangeShape = { from: instantSchema, to: instantSchema };

/** Adds the `from < to` check (and an optional maximum length) to a query schema. */
export function checkRange(
  value: { from: string; to: string },
  ctx: z.RefinementCtx,
  maxMs?: number,
): void {
  const from = Date.parse(value.from);
  const to = Date.parse(value.to);
  if (!(from < to)) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  } else if (maxMs !== undefined && to - from > maxMs) {
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: `the range may span at most ${Math.round(maxMs / 86_400_000)} days`,
    });
  }
}

/** The empty body of endpoints that answer 204. */
export const noContentSchema = z.null();
