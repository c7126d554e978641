import { DomainError } from '../../../common/errors/domain-error.js';

/** Encodes a keyset position as an opaque cursor (base64url JSON). */
export function encodeCursor(position: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeCursor} whose parts have the given types; a cursor that
 * is not one is a 400 on `cursor`.
 */
export function decodeCursor<const T extends readonly ('string' | 'number')[]>(
  cursor: string,
  types: T,
): { [K in keyof T]: T[K] extends 'string' ? string : number } {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (
    !Array.isArray(value) ||
    value.length !== types.length ||
    value.some((v, i) => typeof v !== types[i])
  ) {
    throw new DomainError(400, 'validation_failed', 'Invalid query: cursor: not a cursor', [
      { path: 'cursor', message: 'not a cursor from a previous page' },
    ]);
  }
  return value as { [K in keyof T]: T[K] extends 'string' ? string : number };
}
