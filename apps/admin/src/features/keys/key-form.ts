import {
  createApiKeyBodySchema,
  updateApiKeyBodySchema,
  type ApiKey,
  type CreateApiKeyBody,
  type UpdateApiKeyBody,
} from '@stilts/admin-contract';
import { expiryFromDays } from './token-expiry';

/** The API key form's fields, as typed. */
export interface KeyForm {
  readonly teamId: string;
  readonly name: string;
  /** Routes the key may call; empty = every route. */
  readonly routes: readonly string[];
  readonly requestsPerMinute: string;
  readonly tokensPerMinute: string;
  /** Days until it expires ('' never); when editing, 'keep' leaves the expiry as it is. */
  readonly expiresInDays: string;
}

export type KeyFormErrors = Partial<Record<keyof KeyForm | 'form', string>>;

export const EMPTY_KEY_FORM: KeyForm = {
  teamId: '',
  name: '',
  routes: [],
  requestsPerMinute: '',
  tokensPerMinute: '',
  expiresInDays: '',
};

/** The form of an existing key (for editing). */
export function keyToForm(key: ApiKey): KeyForm {
  return {
    teamId: key.teamId,
    name: key.name,
    routes: key.allowedRoutes ?? [],
    requestsPerMinute: key.requestsPerMinute === null ? '' : String(key.requestsPerMinute),
    tokensPerMinute: key.tokensPerMinute === null ? '' : String(key.tokensPerMinute),
    expiresInDays: 'keep',
  };
}

/** A per-minute limit: '' is none (null), else a positive whole number. */
function limit(text: string): { value: number | null } | { error: string } {
  const t = text.trim().replace(/[,_\s]/g, '');
  if (t === '') return { value: null };
  if (!/^\d+$/.test(t) || Number(t) <= 0)
    return { error: 'A whole number above 0, or empty for no limit.' };
  return { value: Number(t) };
}

function fields(form: KeyForm, now: number) {
  const errors: KeyFormErrors = {};
  const rpm = limit(form.requestsPerMinute);
  const tpm = limit(form.tokensPerMinute);
  if ('error' in rpm) errors.requestsPerMinute = rpm.error;
  if ('error' in tpm) errors.tokensPerMinute = tpm.error;
  const values = {
    name: form.name,
    allowedRoutes: form.routes.length > 0 ? [...form.routes] : null,
    requestsPerMinute: 'value' in rpm ? rpm.value : null,
    tokensPerMinute: 'value' in tpm ? tpm.value : null,
    ...(form.expiresInDays === 'keep'
      ? {}
      : { expiresAt: expiryFromDays(form.expiresInDays, now) }),
  };
  return { errors, values };
}

function schemaErrors(
  issues: readonly { path: PropertyKey[]; message: string }[],
  errors: KeyFormErrors,
): void {
  for (const issue of issues) {
    const path = String(issue.path[0] ?? '');
    const field: keyof KeyFormErrors =
      path === 'allowedRoutes'
        ? 'routes'
        : path === 'expiresAt'
          ? 'expiresInDays'
          : path in EMPTY_KEY_FORM
            ? (path as keyof KeyForm)
            : 'form';
    errors[field] ??= issue.message;
  }
}

/** The `POST /keys` body, or the form's errors (checked with the contract's schema). */
export function createKeyBody(
  form: KeyForm,
  now: number,
): { body: CreateApiKeyBody } | { errors: KeyFormErrors } {
  const { errors, values } = fields(form, now);
  if (!form.teamId) errors.teamId = 'Choose a team.';
  const body: CreateApiKeyBody = { teamId: form.teamId, ...values };
  const checked = createApiKeyBodySchema.safeParse(body);
  if (!checked.success) schemaErrors(checked.error.issues, errors);
  return Object.keys(errors).length > 0 ? { errors } : { body };
}

/** The `PATCH /keys/:id` body, or the form's errors. */
export function updateKeyBody(
  form: KeyForm,
  now: number,
): { body: UpdateApiKeyBody } | { errors: KeyFormErrors } {
  const { errors, values } = fields(form, now);
  const body: UpdateApiKeyBody = values;
  const checked = updateApiKeyBodySchema.safeParse(body);
  if (!checked.success) schemaErrors(checked.error.issues, errors);
  return Object.keys(errors).length > 0 ? { errors } : { body };
}
