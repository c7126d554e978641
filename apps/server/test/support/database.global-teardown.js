// Stops the PostgreSQL that database.global-setup.js started (if it started one).
import { rm } from 'node:fs/promises';
import { STATE_KEY } from './database.global-setup.js';

export default async function teardownTestDatabase() {
  const state = globalThis[STATE_KEY];
  if (!state) return;
  delete globalThis[STATE_KEY];
  delete process.env.STILTS_TEST_DATABASE_URL;
  state.detach();
  await state.server.stop();
  await rm(state.dir, { recursive: true, force: true });
}
