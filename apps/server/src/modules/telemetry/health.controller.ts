import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HealthService } from './health.service.js';

/** `GET /health/live` and `GET /health/ready`, for orchestrators and load balancers. */
@Controller('health')
export class HealthController {
  constructor(@Inject(HealthService) private readonly health: HealthService) {}

  /** The process is up and its event loop answers. */
  @Get('live')
  live(@Res() reply: FastifyReply): void {
    void reply.code(200).type('application/json').send('{"status":"live"}');
  }

  /** 200 when the replica can serve (see HealthService), else 503 with every check. */
  @Get('ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const readiness = await this.health.readiness();
    void reply
      .code(readiness.ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .type('application/json')
      .send(
        JSON.stringify({
          status: readiness.ready ? 'ready' : 'not_ready',
          checks: readiness.checks,
        }),
      );
  }
}
