import { describe, expect, it } from '@jest/globals';
import { parseCliArgs } from './cli-options.js';

describe('parseCliArgs', () => {
  it('applies the defaults', () => {
    expect(parseCliArgs([])).toEqual({
      kind: 'run',
      port: 9100,
      host: '127.0.0.1',
      scenarioPath: undefined,
      seed: 0,
      requestLogSize: 200,
    });
  });

  it('reads every flag; numeric seeds become numbers', () => {
    expect(
      parseCliArgs([
        '--port',
        '9200',
        '--host',
        '0.0.0.0',
        '--scenario',
        'x.json',
        '--seed',
        '42',
        '--log-size',
        '0',
      ]),
    ).toEqual({
      kind: 'run',
      port: 9200,
      host: '0.0.0.0',
      scenarioPath: 'x.json',
      seed: 42,
      requestLogSize: 0,
    });
    expect(parseCliArgs(['--seed', 'demo-7'])).toMatchObject({ seed: 'demo-7' });
  });

  it('recognises --help and -h', () => {
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['-h'])).toEqual({ kind: 'help' });
  });

  it('rejects bad ports, unknown flags and positionals', () => {
    expect(parseCliArgs(['--port', 'abc'])).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('--port') as unknown,
    });
    expect(parseCliArgs(['--port', '70000'])).toMatchObject({ kind: 'error' });
    expect(parseCliArgs(['--verbose'])).toMatchObject({ kind: 'error' });
    expect(parseCliArgs(['file.json'])).toMatchObject({ kind: 'error' });
  });
});
