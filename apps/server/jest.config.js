import { projectConfig } from '../../jest.preset.js';

export default projectConfig('server', {
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  // One PostgreSQL for the run when DATABASE_URL is unset; see the files.
  globalSetup: '<rootDir>/test/support/database.global-setup.js',
  globalTeardown: '<rootDir>/test/support/database.global-teardown.js',
});
