// Benchmark schemas: every run works in fresh `bench_<random>` schemas and drops them after,
// so it never touches an installation's data (nor another run's) in a shared database.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** `bench_<12 hex>`: a valid, unquoted schema name no other run picks. */
export function benchSchemaName() {
  return `bench_${randomBytes(6).toString('hex')}`;
}

/** Runs `fn(client)` on a connection whose search_path is `schema`, then closes it. */
export async function withSchemaClient(url, schema, fn) {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops `schema` and everything in it (no error if it does not exist). */
export async function dropSchema(url, schema) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}
