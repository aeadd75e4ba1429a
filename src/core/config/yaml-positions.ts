import { isMap, isScalar, isSeq, type Document, type LineCounter } from 'yaml';
import type { Position } from './problems.js';

export function positionAt(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line, col };
}

/**
 * Where `path` points in the document. `'value'` gives the value node; `'key'` gives the key
 * of the last segment (unknown keys are reported on the key itself). When part of the path
 * does not exist (a missing required key, a section left to its default), the deepest key
 * that does exist stands in, so the editor lands on the mapping that needs the addition.
 */
export function locatePath(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
  at: 'value' | 'key' = 'value',
): Position {
  let node: unknown = doc.contents;
  let fallback = rangeStart(node) ?? 0;
  for (const [index, segment] of path.entries()) {
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return positionAt(lineCounter, fallback);
      const keyStart = rangeStart(pair.key) ?? fallback;
      if (last && at === 'key') return positionAt(lineCounter, keyStart);
      fallback = keyStart;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item === undefined) return positionAt(lineCounter, fallback);
      fallback = rangeStart(item) ?? fallback;
      node = item;
    } else {
      return positionAt(lineCounter, fallback);
    }
  }
  return positionAt(lineCounter, rangeStart(node) ?? fallback);
}

function rangeStart(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    return range?.[0];
  }
  return undefined;
}
