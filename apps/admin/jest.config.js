import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { projectConfig } from '../../jest.preset.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const base = projectConfig('admin');

// Component tests run in jsdom; the browser end-to-end test (test/*.e2e-spec.ts) switches
// itself to the node environment with a docblock. TSX is compiled by SWC with React's
// automatic runtime, so no file imports React just for JSX.
export default {
  ...base,
  testEnvironment: '<rootDir>/test/support/jsdom-environment.js',
  testMatch: [
    '<rootDir>/src/**/*.spec.ts',
    '<rootDir>/src/**/*.spec.tsx',
    '<rootDir>/test/**/*.e2e-spec.ts',
  ],
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', tsx: true },
          transform: { react: { runtime: 'automatic' } },
          target: 'es2022',
        },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleNameMapper: {
    ...base.moduleNameMapper,
    '^@stilts/admin-contract$': path.join(root, 'libs/admin-contract/src/index.ts'),
    '\\.css$': '<rootDir>/test/support/style-stub.js',
  },
  setupFiles: ['<rootDir>/test/support/jsdom-setup.ts'],
  // The e2e test starts a server on the run's PostgreSQL, like the server's e2e tests.
  globalSetup: '<rootDir>/../server/test/support/database.global-setup.js',
  globalTeardown: '<rootDir>/../server/test/support/database.global-teardown.js',
};
