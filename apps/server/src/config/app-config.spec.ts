import { describe, expect, it } from '@jest/globals';
import { ConfigError, describeSettings, loadConfig, SECRET_SETTINGS } from './app-config.js';

describe('loadConfig', () => {
  it('applies defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(8080);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.BODY_LIMIT_BYTES).toBe(4 * 1024 * 1024);
    expect(config.STILTS_SIMULATOR).toBe('auto');
    expect(config.OPENAI_API_KEY).toBeUndefined();
  });

  it('coerces numbers and booleans and treats empty strings as unset', () => {
    const config = loadConfig({ PORT: '9000', TRUST_PROXY: 'yes', OPENAI_API_KEY: '' });
    expect(config.PORT).toBe(9000);
    expect(config.TRUST_PROXY).toBe(true);
    expect(config.OPENAI_API_KEY).toBeUndefined();
  });

  it('bounds the heap growth setting and lets 0 restore V8 own heuristic', () => {
    expect(loadConfig({}).HEAP_GROWING_PERCENT).toBe(25);
    expect(loadConfig({ HEAP_GROWING_PERCENT: '0' }).HEAP_GROWING_PERCENT).toBe(0);
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: '-5' })).toThrow(/HEAP_GROWING_PERCENT/);
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: '12.5' })).toThrow(/HEAP_GROWING_PERCENT/);
  });

  it("shows a computed default by its label, not by this machine's value", () => {
    const row = describeSettings()
      .split('\n')
      .find((line) => line.startsWith('| `REPLICA_ID`'));
    expect(row).toContain('`<host name>-<pid>`');
  });

  it('lists every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'eighty', MAX_ATTEMPTS: '0', LOG_LEVEL: 'loud' })).toThrow(
      ConfigError,
    );
    try {
      loadConfig({ PORT: 'eighty', MAX_ATTEMPTS: '0', LOG_LEVEL: 'loud' });
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/^PORT:/m);
      expect(problems).toMatch(/^MAX_ATTEMPTS:/m);
      expect(problems).toMatch(/^LOG_LEVEL:/m);
    }
  });

  it('names the bad value of a non-secret setting', () => {
    expect(() => loadConfig({ OPENAI_COMPATIBLE_BASE_URL: 'not a url' })).toThrow(/not a url/);
    expect(SECRET_SETTINGS).toEqual(
      expect.arrayContaining(['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY']),
    );
  });

  it('describes every setting, flagging secrets', () => {
    const table = describeSettings();
    expect(table).toContain('`PORT`');
    expect(table).toMatch(/`ANTHROPIC_API_KEY` .*\(secret\)/);
  });
});
