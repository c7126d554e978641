import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDomainError } from './domain-error.js';
import { GatewayError, isGatewayError, type GatewayErrorCode } from './gateway-error.js';

/** Fastify's own errors (body parsing, limits) carry a status and an `FST_*` code. */
interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
}

function fromFramework(error: unknown): GatewayError | undefined {
  // Nest wraps Fastify's own 4xx errors (body parsing, limits) in an HttpException.
  if (
    error instanceof HttpException &&
    typeof (error.cause as FastifyLikeError | undefined)?.code === 'string'
  ) {
    return fromFramework(error.cause);
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code: GatewayErrorCode =
      status === 404
        ? 'not_found'
        : status === 405
          ? 'method_not_allowed'
          : status === 413
            ? 'request_too_large'
            : 'invalid_request';
    return new GatewayError(status, code, status === 404 ? 'Not found.' : error.message);
  }
  const e = error as FastifyLikeError | null;
  const status = e?.statusCode;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new GatewayError(
        413,
        'request_too_large',
        'Request body is larger than the configured limit.',
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new GatewayError(
        415,
        'unsupported_content_type',
        'Send the body as application/json.',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new GatewayError(400, 'invalid_json', 'Request body is not valid JSON.');
    default:
      if (e instanceof SyntaxError || /JSON/i.test(e?.message ?? '')) {
        return new GatewayError(400, 'invalid_json', 'Request body is not valid JSON.');
      }
      return new GatewayError(status, 'invalid_request', e?.message ?? 'Invalid request.');
  }
}

/**
 * The one exception filter. `/v1/*` answers in OpenAI's error shape; everything else in the
 * admin shape `{"message","code"}`. Anything unrecognised is a 500, logged with its request id,
 * and its details stay in the log.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    if (reply.sent || reply.raw.headersSent) {
      this.logger.error(
        { requestId: request.id, err: exception },
        'error after the response started',
      );
      if (!reply.raw.writableEnded) reply.raw.end();
      return;
    }
    if (isDomainError(exception)) {
      const body = request.url.startsWith('/v1/')
        ? {
            error: {
              message: exception.message,
              type: 'invalid_request_error',
              code: exception.code,
              param: null,
            },
          }
        : {
            message: exception.message,
            code: exception.code,
            ...(exception.errors ? { errors: exception.errors } : {}),
          };
      void reply
        .code(exception.status)
        .header('x-request-id', request.id)
        .type('application/json')
        .send(JSON.stringify(body));
      return;
    }
    let error = isGatewayError(exception) ? exception : fromFramework(exception);
    if (!error) {
      this.logger.error({ requestId: request.id, err: exception }, 'unhandled error');
      error = new GatewayError(
        500,
        'internal_error',
        'Internal error; quote the request id to the operator.',
      );
    }
    const headers = { ...error.options.headers, 'x-request-id': request.id };
    const onV1 = request.url.startsWith('/v1/');
    const body = onV1 ? error.toBody() : { message: error.message, code: error.code };
    void reply
      .code(error.status)
      .headers(headers)
      .type('application/json')
      .send(JSON.stringify(body));
  }
}
