// Shared Jest settings: ESM test files compiled by SWC (legacy decorators + metadata for Nest),
// workspace packages resolved to their TypeScript sources so tests never need a build.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(fileURLToPath(import.meta.url));

/** @param {string} displayName @param {Partial<import('jest').Config>} [overrides] */
export function projectConfig(displayName, overrides = {}) {
  return {
    displayName,
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    transform: {
      '^.+\\.(t|j)sx?$': [
        '@swc/jest',
        {
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true },
            target: 'es2022',
            keepClassNames: true,
          },
          module: { type: 'es6' },
          sourceMaps: 'inline',
        },
      ],
    },
    // `cookie` (pulled in by light-my-request for fastify.inject) ships untranspiled syntax.
    transformIgnorePatterns: ['/node_modules/(?!(cookie)/)'],
    moduleNameMapper: {
      '^@stilts/routing$': path.join(root, 'libs/routing/src/index.ts'),
      '^@stilts/admin-contract$': path.join(root, 'libs/admin-contract/src/index.ts'),
      '^@stilts/provider-sim$': path.join(root, 'apps/provider-sim/src/index.ts'),
      '^@stilts/migrations$': path.join(root, 'migrations/index.ts'),
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    ...overrides,
  };
}
