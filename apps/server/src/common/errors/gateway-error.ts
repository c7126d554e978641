import type { OpenAiErrorBody } from '../openai/chat-completion.types.js';

/** Stilts' error codes on `/v1/*`, each with the status it is answered with. */
export type GatewayErrorCode =
  | 'invalid_json'
  | 'invalid_request'
  | 'unsupported_content_type'
  | 'request_too_large'
  | 'model_not_found'
  | 'not_found'
  | 'method_not_allowed'
  | 'upstream_caller_error'
  | 'rate_limited'
  | 'all_deployments_failed'
  | 'no_available_deployment'
  | 'upstream_timeout'
  | 'deadline_exceeded'
  | 'shutting_down'
  | 'missing_api_key'
  | 'invalid_api_key'
  | 'revoked_api_key'
  | 'expired_api_key'
  | 'model_not_allowed'
  | 'rate_limit_exceeded'
  | 'budget_exceeded'
  | 'internal_error';

/** OpenAI's `type` field for each status family. */
function typeFor(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 504) return 'timeout_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** A per-attempt line of a failure summary; carries no secrets. */
export interface AttemptSummary {
  readonly deployment: string;
  readonly provider: string;
  readonly outcome: string;
  readonly status: number | null;
  readonly message: string;
}

/**
 * An error answered to a `/v1/*` caller in OpenAI's shape
 * `{"error":{"message","type","code","param"}}`, with the given status and headers.
 */
export class GatewayError extends Error {
  readonly isGatewayError = true;

  constructor(
    readonly status: number,
    readonly code: GatewayErrorCode,
    message: string,
    readonly options: {
      readonly param?: string | null;
      readonly type?: string;
      readonly headers?: Readonly<Record<string, string>>;
      readonly attempts?: readonly AttemptSummary[];
    } = {},
  ) {
    super(message);
    this.name = 'GatewayError';
  }

  toBody(): OpenAiErrorBody & { error: { attempts?: readonly AttemptSummary[] } } {
    return {
      error: {
        message: this.message,
        type: this.options.type ?? typeFor(this.status),
        code: this.code,
        param: this.options.param ?? null,
        ...(this.options.attempts ? { attempts: this.options.attempts } : {}),
      },
    };
  }
}

export function isGatewayError(error: unknown): error is GatewayError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { isGatewayError?: unknown }).isGatewayError === true
  );
}
