import { Controller } from '@nestjs/common';
import type { LiveState } from '@stilts/admin-contract';
import { AdminEndpoint } from '../http/admin-endpoint.decorator.js';
import { LiveService } from './live.service.js';

/** Circuit breakers per deployment per replica. */
@Controller()
export class LiveController {
  constructor(private readonly live: LiveService) {}

  @AdminEndpoint('live')
  state(): Promise<LiveState> {
    return this.live.state();
  }
}
