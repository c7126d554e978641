import { Module } from '@nestjs/common';
import { API_KEY_AUTH } from './api-key-auth.js';
import { KeyStoreService } from './key-store.service.js';
import { KeysService } from './keys.service.js';

/** API keys and teams: the in-memory key store that authenticates callers, and key management. */
@Module({
  providers: [
    KeyStoreService,
    { provide: API_KEY_AUTH, useExisting: KeyStoreService },
    KeysService,
  ],
  exports: [KeyStoreService, API_KEY_AUTH, KeysService],
})
export class KeysModule {}
