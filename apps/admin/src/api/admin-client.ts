import {
  adminErrorSchema,
  adminRequest,
  type AdminEndpointName,
  type EndpointBody,
  type EndpointParams,
  type EndpointQuery,
  type EndpointResponse,
  type FieldError,
} from '@stilts/admin-contract';

/** A failed admin API call: the `{message, code, errors?}` body, the status and request id. */
export class AdminApiError extends Error {
  readonly isAdminApiError = true;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: readonly FieldError[] = [],
    readonly requestId: string | null = null,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

/** Whether `error` is an {@link AdminApiError} (by its marker, across module copies). */
export function isAdminApiError(error: unknown): error is AdminApiError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { isAdminApiError?: unknown }).isAdminApiError === true
  );
}

/** The inputs of an endpoint call. */
export interface CallInput<N extends AdminEndpointName> {
  readonly params?: EndpointParams<N>;
  readonly query?: EndpointQuery<N>;
  readonly body?: EndpointBody<N>;
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

async function errorOf(response: Response): Promise<AdminApiError> {
  const requestId = response.headers.get('x-request-id');
  let json: unknown = null;
  try {
    json = await response.json();
  } catch {
    // not JSON: a proxy's error page, a dropped connection
  }
  const parsed = adminErrorSchema.safeParse(json);
  if (parsed.success) {
    return new AdminApiError(
      response.status,
      parsed.data.code,
      parsed.data.message,
      parsed.data.errors,
      requestId,
    );
  }
  return new AdminApiError(
    response.status,
    response.status >= 500 ? 'internal_error' : 'http_error',
    `The server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`,
    [],
    requestId,
  );
}

/**
 * Calls one endpoint of the contract's table. The session travels as the HttpOnly cookie the
 * login set (`credentials: 'same-origin'`); nothing is kept in storage. Throws
 * {@link AdminApiError} for any non-2xx answer and for a network failure (status 0).
 */
export async function callAdmin<N extends AdminEndpointName>(
  name: N,
  input: CallInput<N> = {},
  options: { readonly signal?: AbortSignal; readonly fetch?: FetchLike } = {},
): Promise<EndpointResponse<N>> {
  const request = adminRequest(name, input);
  const doFetch: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  let response: Response;
  try {
    response = await doFetch(request.url, {
      method: request.method,
      headers: { accept: 'application/json', ...request.headers },
      body: request.body,
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new AdminApiError(0, 'network_error', 'Could not reach the server.');
  }
  if (!response.ok) throw await errorOf(response);
  if (response.status === 204) return null as EndpointResponse<N>;
  return (await response.json()) as EndpointResponse<N>;
}

/** A message for people: the API's message, with field errors appended. */
export function errorMessage(error: unknown): string {
  if (isAdminApiError(error)) {
    const fields = error.errors.map((e) => `${e.path || 'body'}: ${e.message}`).join('; ');
    return fields ? `${error.message} (${fields})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
