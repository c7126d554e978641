/** One field-level problem of a rejected input. */
export interface FieldError {
  /** Dotted path of the field, e.g. `deployments[0].weight`. */
  readonly path: string;
  readonly message: string;
}

/**
 * An error a service raises for the caller to see: a status, a stable machine-readable code and
 * a message safe to show (no secrets). The exception filter answers it in the admin shape
 * `{"message","code","errors"?}` (or OpenAI's shape on `/v1`).
 */
export class DomainError extends Error {
  readonly isDomainError = true;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: readonly FieldError[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { isDomainError?: unknown }).isDomainError === true
  );
}

/** 400 with the issues of a zod parse, each with its path. */
export function validationError(
  issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[],
  what = 'request',
): DomainError {
  const errors = issues.map((i) => ({
    path: i.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, ''),
    message: i.message,
  }));
  const first = errors[0];
  const summary = first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'invalid';
  return new DomainError(400, 'validation_failed', `Invalid ${what}: ${summary}`, errors);
}
