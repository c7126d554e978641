import { type INestApplicationContext, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { BudgetsModule } from '../budgets/budgets.module.js';
import { CatalogModule } from '../catalog/catalog.module.js';
import { secretCipherFrom } from '../catalog/secret-cipher.js';
import { KeysModule } from '../keys/keys.module.js';
import { WeightsModule } from '../weights/weights.module.js';
import { AdminAuthService } from './auth/admin-auth.service.js';
import { SessionController } from './auth/session.controller.js';
import { TokensController } from './auth/tokens.controller.js';
import { BudgetsAdminController } from './budgets/budgets-admin.controller.js';
import { CallsAdminController } from './calls/calls-admin.controller.js';
import { CallsAdminService } from './calls/calls-admin.service.js';
import { CatalogAdminController } from './catalog/catalog-admin.controller.js';
import { CatalogAdminService, SECRET_CIPHER } from './catalog/catalog-admin.service.js';
import { AdminAuthGuard } from './http/admin-auth.guard.js';
import { KeysAdminController } from './keys/keys-admin.controller.js';
import { LiveController } from './live/live.controller.js';
import { LiveService } from './live/live.service.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { MetricsService } from './metrics/metrics.service.js';
import { WeightsAdminController } from './weights/weights-admin.controller.js';
import { WeightsAdminService } from './weights/weights-admin.service.js';

/**
 * The admin REST API under `/admin/api` (see README.md): every endpoint of
 * `@stilts/admin-contract`, behind a global guard (sessions or bearer admin tokens, viewer and
 * admin roles). Needs the database storage.
 */
@Module({
  imports: [CatalogModule, WeightsModule, KeysModule, BudgetsModule],
  controllers: [
    SessionController,
    TokensController,
    CatalogAdminController,
    WeightsAdminController,
    CallsAdminController,
    MetricsController,
    LiveController,
    KeysAdminController,
    BudgetsAdminController,
  ],
  providers: [
    AdminAuthService,
    CatalogAdminService,
    WeightsAdminService,
    CallsAdminService,
    MetricsService,
    LiveService,
    { provide: APP_GUARD, useClass: AdminAuthGuard },
    {
      provide: SECRET_CIPHER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => secretCipherFrom(config),
    },
  ],
  exports: [AdminAuthService, LiveService],
})
export class AdminModule {}

/**
 * First start: creates the initial admin token when no active admin token exists and returns it
 * (the only time it is ever in plain text), else undefined. The bootstrap writes it to
 * `.stilts/credentials` (mode 0600).
 */
export function ensureInitialAdminToken(app: INestApplicationContext): Promise<string | undefined> {
  return app.get(AdminAuthService).ensureInitialAdminToken();
}
