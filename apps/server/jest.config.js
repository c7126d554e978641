import { projectConfig } from '../../jest.preset.js';

export default projectConfig('server', {
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
});
