/**
 * The small JSONPath subset response selectors need: `$`, `$.a.b`, `$.a[*].b`, `$.a.b[*]`,
 * `$.a[0]`, `$['odd key']`. Evaluation returns every match; `selectRecords` flattens one level
 * so `$.data.items` (an array) and `$.data[*].lines[*]` both give a list of records.
 */
type Step = { kind: 'name'; name: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

const STEP = /^(?:\.([A-Za-z_$][\w$-]*)|\.\*|\[\*\]|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\])/;

export function parseJsonPath(path: string): Step[] {
  const trimmed = path.trim();
  if (!trimmed.startsWith('$')) throw new Error(`a JSON path starts with $: "${path}"`);
  const steps: Step[] = [];
  let rest = trimmed.slice(1);
  while (rest.length > 0) {
    const match = STEP.exec(rest);
    if (!match) throw new Error(`unsupported JSON path "${path}" at "${rest}" (use $.a.b, $.a[*].b, $.a[0], $['a b'])`);
    if (match[1] !== undefined) steps.push({ kind: 'name', name: match[1] });
    else if (match[2] !== undefined) steps.push({ kind: 'index', index: Number(match[2]) });
    else if (match[3] !== undefined || match[4] !== undefined) steps.push({ kind: 'name', name: (match[3] ?? match[4])!.replace(/\\(.)/g, '$1') });
    else steps.push({ kind: 'wildcard' });
    rest = rest.slice(match[0].length);
  }
  return steps;
}

export function evaluateJsonPath(data: unknown, path: string): unknown[] {
  let current: unknown[] = [data];
  for (const step of parseJsonPath(path)) {
    current = current.flatMap((value): unknown[] => {
      if (value === null || typeof value !== 'object') return [];
      if (step.kind === 'wildcard') return Array.isArray(value) ? value : Object.values(value);
      if (step.kind === 'index') return Array.isArray(value) && step.index < value.length ? [value[step.index]] : [];
      const next = (value as Record<string, unknown>)[step.name];
      return next === undefined ? [] : [next];
    });
  }
  return current;
}

/** Records at `path`: the matches, with arrays among them flattened one level. */
export function selectRecords(data: unknown, path: string): Record<string, unknown>[] {
  return evaluateJsonPath(data, path)
    .flatMap((value) => (Array.isArray(value) ? value : [value]))
    .filter((value): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value));
}

/** The first scalar at `path` as text (a next-page token), or undefined. */
export function selectScalar(data: unknown, path: string): string | undefined {
  const [first] = evaluateJsonPath(data, path);
  if (first === null || first === undefined || first === '' || typeof first === 'object') return undefined;
  return String(first);
}
