/**
 * The one table of named transforms, and how a `TransformCall` from a spec becomes a
 * function. Spec validation and compilation share `resolveTransform`, so what validates is
 * exactly what runs.
 */
import { dateTransforms } from './transforms-dates.js';
import { lookupTransforms } from './transforms-lookups.js';
import { numberTransforms } from './transforms-numbers.js';
import { textTransforms } from './transforms-text.js';
import type { TransformDef, TransformEnv, TransformFn } from './transform-kit.js';
import type { TransformCall } from './types.js';

export const TRANSFORMS: Readonly<Record<string, TransformDef>> = Object.freeze({
  ...textTransforms,
  ...numberTransforms,
  ...dateTransforms,
  ...lookupTransforms,
});

export const TRANSFORM_NAMES: readonly string[] = Object.freeze(Object.keys(TRANSFORMS));

export interface ResolvedTransform {
  name: string;
  run: TransformFn;
  acceptsEmpty: boolean;
}

/** The runnable transform, or a spec error (without the path; the caller adds it). */
export function resolveTransform(call: TransformCall, env: TransformEnv): ResolvedTransform | string {
  let name: string;
  let args: unknown;
  if (typeof call === 'string') {
    name = call;
  } else if (call !== null && typeof call === 'object' && !Array.isArray(call) && Object.keys(call).length === 1) {
    [name, args] = Object.entries(call)[0] as [string, unknown];
  } else {
    return 'a transform is a name (trim) or an object with one key ({ lookup: plants })';
  }
  const def = Object.hasOwn(TRANSFORMS, name) ? TRANSFORMS[name] : undefined;
  if (!def) {
    const guess = suggest(name, TRANSFORM_NAMES);
    return `unknown transform "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}`;
  }
  const parsed = def.args.safeParse(args);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message));
    return `${name}: ${args === undefined ? 'needs arguments: ' : ''}${details.join('; ')}`;
  }
  const run = def.make(parsed.data, env);
  if (typeof run === 'string') return `${name}: ${run}`;
  return { name, run, acceptsEmpty: def.acceptsEmpty?.(parsed.data) ?? false };
}

/** The closest known name, if it is close enough to be a typo. */
export function suggest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const c = candidate.toLowerCase();
    if (c === lower) return candidate;
    const prefix = Math.min(c.length, lower.length) >= 4 && (c.startsWith(lower) || lower.startsWith(c));
    const distance = prefix ? 1 : levenshtein(lower, c);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
