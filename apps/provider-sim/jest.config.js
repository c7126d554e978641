import { projectConfig } from '../../jest.preset.js';

export default projectConfig('provider-sim', {
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
});
