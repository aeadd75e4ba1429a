/**
 * Source paths: `a.b`, `items[0].qty`, `to_Item.results`. Parsed once per spec into segments
 * so reading a record is a plain loop. Keys containing dots or brackets cannot be addressed.
 */

export type PathSegment = string | number;

const SEGMENT = /^([^.[\]]+)((?:\[\d+\])*)$/;

/** The segments of `path`, or an error message naming what is wrong with it. */
export function parsePath(path: string): PathSegment[] | string {
  if (path.trim() === '') return 'empty source path';
  const segments: PathSegment[] = [];
  for (const part of path.split('.')) {
    const match = SEGMENT.exec(part);
    if (!match) return `bad source path "${path}": "${part}" is not a key or key[index]`;
    segments.push(match[1] as string);
    for (const index of (match[2] ?? '').matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
  }
  return segments;
}

export function readPath(record: unknown, segments: readonly PathSegment[]): unknown {
  let current = record;
  for (const segment of segments) {
    // hasOwn keeps `constructor` or `__proto__` in a path from reaching the prototype.
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}
