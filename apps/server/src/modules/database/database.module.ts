import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { nestDatabaseLogger } from './database-logger.js';
import { DatabaseService, type DatabaseOptions } from './database.service.js';

/** {@link DatabaseOptions} from the validated settings and the resolved database URL. */
export function databaseOptionsFrom(
  config: Pick<AppConfig, 'DATABASE_SCHEMA' | 'DATABASE_POOL_SIZE' | 'MIGRATIONS_RUN'>,
  url: string,
): DatabaseOptions {
  return {
    url,
    schema: config.DATABASE_SCHEMA,
    poolSize: config.DATABASE_POOL_SIZE,
    runMigrations: config.MIGRATIONS_RUN,
  };
}

/**
 * Provides the {@link DatabaseService} to every module. It is built by an async factory, so
 * the pool is connected and the migrations applied before any provider that injects it is
 * created: nothing can query a schema that is not there yet.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DatabaseService,
          useFactory: async (): Promise<DatabaseService> => {
            const database = new DatabaseService(options, nestDatabaseLogger());
            await database.init();
            return database;
          },
        },
      ],
      exports: [DatabaseService],
    };
  }
}
