import { Controller } from '@nestjs/common';
import type { MetricsResponse } from '@stilts/admin-contract';
import { AdminEndpoint, Input, type EndpointInput } from '../http/admin-endpoint.decorator.js';
import { MetricsService } from './metrics.service.js';

/** Time series from the rollups. */
@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @AdminEndpoint('metrics')
  series(@Input('metrics') input: EndpointInput<'metrics'>): Promise<MetricsResponse> {
    return this.metrics.series(input.query);
  }
}
