import { projectConfig } from '../../jest.preset.js';

export default projectConfig('routing', { testMatch: ['<rootDir>/src/**/*.spec.ts'] });
