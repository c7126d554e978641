import { Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../common/errors/gateway-error.js';
import { API_KEY_AUTH, type ApiKeyAuthenticator } from '../keys/api-key-auth.js';
import type { ApiKeyRecord } from '../keys/api-key.types.js';
import { KeyRateLimiter } from '../keys/key-rate-limiter.js';
import { CallerConnection } from './caller-connection.js';
import { parseChatRequest } from './chat-request.validation.js';
import { FastifyResponseSink } from './fastify-response-sink.js';
import { GatewayService } from './gateway.service.js';

function headerOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function allows(key: ApiKeyRecord | null, route: string): boolean {
  return key?.allowedRoutes == null || key.allowedRoutes.includes(route);
}

/**
 * The OpenAI-compatible surface: `POST /v1/chat/completions` and `GET /v1/models`. Both
 * require an API key; the key's route list and per-minute limits apply here, its budgets in
 * the gateway service.
 */
@Controller('v1')
export class ChatCompletionsController {
  constructor(
    private readonly gateway: GatewayService,
    @Inject(API_KEY_AUTH) private readonly auth: ApiKeyAuthenticator,
    private readonly limiter: KeyRateLimiter,
  ) {}

  @Post('chat/completions')
  @HttpCode(200)
  async create(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const key = this.auth.authenticate(request.headers.authorization);
    const body = parseChatRequest(request.body);
    if (!allows(key, body.model)) {
      throw new GatewayError(
        403,
        'model_not_allowed',
        `This API key may not use the model \`${body.model}\`.`,
        {
          param: 'model',
        },
      );
    }
    if (key) {
      const decision = this.limiter.admit(key.id, key.requestsPerMinute, key.tokensPerMinute);
      void reply.headers(decision.headers);
      if (!decision.allowed) {
        throw new GatewayError(
          429,
          'rate_limit_exceeded',
          `Rate limit reached for this API key; retry after ${decision.retryAfterSeconds} s.`,
          { headers: { ...decision.headers, 'retry-after': String(decision.retryAfterSeconds) } },
        );
      }
    }
    const caller = new CallerConnection();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) caller.leave();
    });
    await this.gateway.complete(
      body,
      {
        requestId: request.id,
        key,
        caller,
        receivedAt: request.receivedAt,
        traceparent: headerOf(request.headers.traceparent),
        tracestate: headerOf(request.headers.tracestate),
      },
      new FastifyResponseSink(reply),
    );
  }

  @Get('models')
  models(@Req() request: FastifyRequest): {
    object: 'list';
    data: { id: string; object: 'model'; created: number; owned_by: string }[];
  } {
    const key = this.auth.authenticate(request.headers.authorization);
    return {
      object: 'list',
      data: this.gateway
        .models()
        .filter((m) => allows(key, m.id))
        .map((m) => ({ id: m.id, object: 'model', created: m.created, owned_by: 'stilts' })),
    };
  }
}
