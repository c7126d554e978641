import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseChatRequest } from './chat-request.validation.js';
import { FastifyResponseSink } from './fastify-response-sink.js';
import { GatewayService } from './gateway.service.js';

function headerOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The OpenAI-compatible surface: `POST /v1/chat/completions` and `GET /v1/models`. */
@Controller('v1')
export class ChatCompletionsController {
  constructor(private readonly gateway: GatewayService) {}

  @Post('chat/completions')
  @HttpCode(200)
  async create(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const body = parseChatRequest(request.body);
    const callerGone = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) callerGone.abort();
    });
    await this.gateway.complete(
      body,
      {
        requestId: request.id,
        apiKeyId: null,
        signal: callerGone.signal,
        receivedAt: request.receivedAt,
        traceparent: headerOf(request.headers.traceparent),
        tracestate: headerOf(request.headers.tracestate),
      },
      new FastifyResponseSink(reply),
    );
  }

  @Get('models')
  models(): {
    object: 'list';
    data: { id: string; object: 'model'; created: number; owned_by: string }[];
  } {
    return {
      object: 'list',
      data: this.gateway
        .models()
        .map((m) => ({ id: m.id, object: 'model', created: m.created, owned_by: 'stilts' })),
    };
  }
}
