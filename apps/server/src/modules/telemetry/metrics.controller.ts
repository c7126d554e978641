import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { EXPOSITION_CONTENT_TYPE, MetricRegistry } from './metric-registry.js';

/**
 * `GET /metrics`: Prometheus text exposition. Unauthenticated like any scrape target — keep it
 * off the public network (firewall or load-balancer rule), since it names routes, deployments
 * and budgets.
 */
@Controller()
export class MetricsController {
  constructor(@Inject(MetricRegistry) private readonly registry: MetricRegistry) {}

  @Get('metrics')
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    const text = await this.registry.render();
    void reply.code(200).header('content-type', EXPOSITION_CONTENT_TYPE).send(text);
  }
}
