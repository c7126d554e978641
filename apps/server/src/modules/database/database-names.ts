import { createHash } from 'node:crypto';

/**
 * What a schema name may be: a lower-case SQL identifier that needs no quoting, short enough
 * for PostgreSQL's 63-byte names. Checked before it is spliced into `search_path` and DDL.
 */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** What a channel or lock name may be (the part after the schema). */
const LOCAL_NAME = /^[a-z_][a-z0-9_]*$/;

/** PostgreSQL truncates identifiers (channel names included) to 63 bytes. */
const MAX_IDENTIFIER = 63;

/** Throws unless `schema` matches {@link SCHEMA_NAME}. */
export function assertSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema) || schema.startsWith('pg_')) {
    throw new Error(`Invalid schema name ${JSON.stringify(schema)}: expected ${SCHEMA_NAME}`);
  }
}

function assertLocalName(kind: string, name: string): void {
  if (!LOCAL_NAME.test(name)) {
    throw new Error(`Invalid ${kind} name ${JSON.stringify(name)}: expected ${LOCAL_NAME}`);
  }
}

/**
 * The NOTIFY channel for `name` in `schema`: `stilts_<schema>_<name>`. Channels are
 * database-wide, so two installations (or two test files) sharing a database must not hear
 * each other. A name that would exceed 63 bytes becomes `stilts_<hash>_<name-prefix>`, still
 * unique per (schema, name) and still the same on every replica.
 */
export function channelName(schema: string, name: string): string {
  assertSchemaName(schema);
  assertLocalName('channel', name);
  const plain = `stilts_${schema}_${name}`;
  if (plain.length <= MAX_IDENTIFIER) return plain;
  const digest = createHash('sha256').update(`${schema}\0${name}`).digest('hex').slice(0, 16);
  return `stilts_${digest}_${name}`.slice(0, MAX_IDENTIFIER);
}

/**
 * A stable 64-bit key for a PostgreSQL advisory lock named `name` in `schema`: the first eight
 * bytes of SHA-256(`stilts\0<schema>\0<name>`) as a signed bigint (advisory locks take `int8`).
 * Advisory locks are database-wide; the schema in the hash keeps installations apart.
 */
export function advisoryLockKey(schema: string, name: string): bigint {
  assertSchemaName(schema);
  assertLocalName('lock', name);
  return createHash('sha256').update(`stilts\0${schema}\0${name}`).digest().readBigInt64BE(0);
}

/** `url` with its password replaced by `***`, for logs. Unparseable input is hidden whole. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    // A password may also travel as a query parameter (libpq accepts ?password=).
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString();
  } catch {
    return '[unparseable database URL]';
  }
}
