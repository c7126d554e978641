import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../config/app-config.js';
import { advisoryLockKey, channelName, redactUrl } from './database-names.js';

describe('channelName', () => {
  it('prefixes the name with stilts and the schema', () => {
    expect(channelName('public', 'catalog')).toBe('stilts_public_catalog');
    expect(channelName('t_ab12', 'catalog')).toBe('stilts_t_ab12_catalog');
  });

  it('stays within 63 bytes and distinct when the plain name would not fit', () => {
    const schema = 's'.repeat(60);
    const a = channelName(schema, 'catalog');
    const b = channelName(schema, 'weights');
    const c = channelName(`${'s'.repeat(59)}t`, 'catalog');
    expect(a.length).toBeLessThanOrEqual(63);
    expect(new Set([a, b, c]).size).toBe(3);
    expect(channelName(schema, 'catalog')).toBe(a);
  });

  it('rejects names that would need quoting', () => {
    expect(() => channelName('public', 'Catalog')).toThrow(/Invalid channel name/);
    expect(() => channelName('public', 'a-b')).toThrow(/Invalid channel name/);
    expect(() => channelName('Public', 'a')).toThrow(/Invalid schema name/);
    expect(() => channelName('pg_catalog', 'a')).toThrow(/Invalid schema name/);
  });
});

describe('advisoryLockKey', () => {
  it('is a fixed signed 64-bit value per (schema, name)', () => {
    const key = advisoryLockKey('public', 'weights');
    expect(key).toBe(advisoryLockKey('public', 'weights'));
    expect(key >= -(2n ** 63n) && key < 2n ** 63n).toBe(true);
    // Pinned (= first 8 bytes of sha256("stilts\0public\0weights")): replicas of different
    // versions must agree on the key.
    expect(key).toBe(2171313086599306618n);
  });

  it('differs by schema and by name', () => {
    const keys = [
      advisoryLockKey('public', 'weights'),
      advisoryLockKey('t_1', 'weights'),
      advisoryLockKey('public', 'partitions'),
    ];
    expect(new Set(keys).size).toBe(3);
  });
});

describe('redactUrl', () => {
  it('hides the password, in the userinfo and in the query', () => {
    expect(redactUrl('postgres://stilts:s3cret@db:5432/stilts')).toBe(
      'postgres://stilts:***@db:5432/stilts',
    );
    expect(redactUrl('postgres://db/stilts?password=s3cret&sslmode=require')).not.toContain(
      's3cret',
    );
    expect(redactUrl('postgres://postgres@127.0.0.1:5432/test')).toBe(
      'postgres://postgres@127.0.0.1:5432/test',
    );
    expect(redactUrl('not a url s3cret')).not.toContain('s3cret');
  });
});

describe('database settings', () => {
  it('default to the embedded server in .stilts, schema public, migrations on start', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.DATABASE_SCHEMA).toBe('public');
    expect(config.DATABASE_POOL_SIZE).toBe(10);
    expect(config.MIGRATIONS_RUN).toBe(true);
    expect(config.STILTS_HOME).toBe('.stilts');
    expect(config.EMBEDDED_POSTGRES_PORT).toBe(54329);
  });

  it('accept a postgres URL and reject others without echoing the (secret) value', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://u:p@db/x' }).DATABASE_URL).toBe(
      'postgresql://u:p@db/x',
    );
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:hunter2@db/x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:hunter2@db/x' })).not.toThrow(/hunter2/);
  });

  it.each(['Stilts', '1abc', 'a-b', 'pg_stilts', 'x'.repeat(64)])(
    'reject the schema name %s',
    (schema) => {
      expect(() => loadConfig({ DATABASE_SCHEMA: schema })).toThrow(/DATABASE_SCHEMA/);
    },
  );

  it('read MIGRATIONS_RUN=false and a pool size', () => {
    const config = loadConfig({ MIGRATIONS_RUN: 'false', DATABASE_POOL_SIZE: '3' });
    expect(config.MIGRATIONS_RUN).toBe(false);
    expect(config.DATABASE_POOL_SIZE).toBe(3);
    expect(() => loadConfig({ DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
  });
});
