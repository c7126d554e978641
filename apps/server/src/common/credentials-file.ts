import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Secrets Stilts created for itself on a first start. */
export interface CreatedCredentials {
  readonly adminToken?: string | undefined;
  readonly apiKey?: string | undefined;
}

const NAMES = { adminToken: 'STILTS_ADMIN_TOKEN', apiKey: 'STILTS_API_KEY' } as const;

/** `STILTS_HOME/credentials`. */
export function credentialsPath(home: string): string {
  return path.join(home, 'credentials');
}

/**
 * Saves newly created credentials to `STILTS_HOME/credentials` (mode 0600, written atomically,
 * keeping entries already there), as `NAME=value` lines a shell can `source`. Returns the path,
 * or undefined when there was nothing new.
 */
export async function saveCredentials(
  home: string,
  created: CreatedCredentials,
): Promise<string | undefined> {
  const entries = Object.entries(NAMES).filter(
    ([field]) => created[field as keyof CreatedCredentials],
  );
  if (entries.length === 0) return undefined;
  const file = credentialsPath(home);
  const values = new Map(await readCredentialLines(file));
  for (const [field, name] of entries)
    values.set(name, created[field as keyof CreatedCredentials] as string);
  const text = [
    '# Stilts credentials, created on first start. Keep this file private (mode 0600).',
    ...[...values].map(([k, v]) => `${k}=${v}`),
    '',
  ].join('\n');
  await mkdir(home, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, file);
  return file;
}

/** Reads `NAME=value` lines of a credentials file (empty when it does not exist). */
export async function readCredentialLines(file: string): Promise<[string, string][]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => {
      const i = line.indexOf('=');
      return [line.slice(0, i), line.slice(i + 1)];
    });
}
