import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { SETTINGS } from './app-config.js';

describe('README', () => {
  it('documents every setting the server reads', () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    const missing = Object.keys(SETTINGS).filter((key) => !readme.includes(`\`${key}\``));
    expect(missing).toEqual([]);
  });
});
