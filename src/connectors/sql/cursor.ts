/**
 * The saved position of a SQL stream: the key values of the last row read, as the database
 * rendered them (text, so JSON-safe and exact). `{ value, tieBreaker }`: `tieBreaker` is one
 * text for one tie-breaker column, a list for several, absent for none.
 */
import { ConfigError } from '../../core/errors.js';
import type { Cursor } from '../contract.js';
import type { SqlStream } from './options.js';

export function encodeCursor(keys: readonly string[]): Cursor {
  const [value = null, ...rest] = keys;
  if (rest.length === 0) return { value };
  return { value, tieBreaker: rest.length === 1 ? rest[0]! : rest };
}

/** The key texts to read after, or null from the start; a cursor of another keyset is a ConfigError. */
export function decodeCursor(cursor: Cursor | null, stream: SqlStream): string[] | null {
  if (cursor === null) return null;
  if (typeof cursor === 'object' && !Array.isArray(cursor)) {
    const { value, tieBreaker } = cursor;
    const keys = [value, ...(tieBreaker === undefined ? [] : Array.isArray(tieBreaker) ? tieBreaker : [tieBreaker])];
    if (keys.length === stream.keys.length && keys.every((key): key is string => typeof key === 'string')) return keys;
  }
  throw new ConfigError(
    `stream ${stream.name}: the saved cursor ${JSON.stringify(cursor)} does not fit its keyset (${stream.keys.join(', ')}); ` +
      'after changing cursor.column or tieBreaker, reset the stream',
    { stream: stream.name },
  );
}
