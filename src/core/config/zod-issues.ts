import type { Document, LineCounter } from 'yaml';
import type { z } from 'zod';
import { formatPath, showValue, type ConfigProblem } from './problems.js';
import { closestKey } from './suggest.js';
import { locatePath } from './yaml-positions.js';

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  tuple: 'a list',
};

/**
 * Short, actionable messages written for someone editing YAML, not for a TypeScript
 * developer. Passed per parse, so messages a schema sets itself (the cron pattern) still win.
 */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      if (issue.input === undefined) return `required, expected ${expected}`;
      return `expected ${expected}, got ${showValue(issue.input)}`;
    }
    case 'invalid_value':
      if (issue.values.length === 1) return `expected ${showValue(issue.values[0])}, got ${showValue(issue.input)}`;
      return `expected one of ${issue.values.map(String).join('|')}, got ${showValue(issue.input)}`;
    case 'too_small':
    case 'too_big':
      return sizeMessage(issue);
    case 'invalid_format':
      if (issue.format === 'regex' && 'pattern' in issue) return `must match ${String(issue.pattern)}, got ${showValue(issue.input)}`;
      return `expected a valid ${issue.format}, got ${showValue(issue.input)}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}, got ${showValue(issue.input)}`;
    case 'invalid_key': {
      // The key is already in the path; say only what a name must look like.
      const rules = issue.issues.map((inner) => (inner.code === 'invalid_format' && inner.pattern ? `must match ${inner.pattern}` : inner.message));
      return `invalid name: ${rules.join('; ')}`;
    }
    default:
      return undefined;
  }
};

type SizeIssue = z.core.$ZodRawIssue<z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig>;

function sizeMessage(issue: SizeIssue): string {
  const small = issue.code === 'too_small';
  const limit = Number(small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum);
  if (issue.origin === 'string') {
    if (small && limit === 1) return 'must not be empty';
    const length = typeof issue.input === 'string' ? ` (got ${issue.input.length})` : '';
    return `must be at ${small ? 'least' : 'most'} ${limit} characters long${length}`;
  }
  if (issue.origin === 'array' || issue.origin === 'set') {
    return `must have at ${small ? 'least' : 'most'} ${limit} items`;
  }
  const op = small ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
  return `must be ${op} ${limit}, got ${showValue(issue.input)}`;
}

export interface IssueContext {
  doc: Document;
  lineCounter: LineCounter;
  schema: z.ZodType;
  /** Dotted path → env var that supplied the value (those values have no place in the file). */
  sources: ReadonlyMap<string, string>;
  /** Paths already reported by substitution; their schema issues would only repeat it. */
  failedPaths: readonly string[];
}

/** One problem per zod issue, except unknown keys: one per key, placed on the key itself. */
export function issuesToProblems(issues: readonly z.core.$ZodIssue[], context: IssueContext): ConfigProblem[] {
  const { doc, lineCounter, schema, sources, failedPaths } = context;
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = issue.path;
    const dotted = formatPath(path);
    if (failedPaths.some((failed) => dotted === failed || dotted.startsWith(`${failed}.`) || dotted.startsWith(`${failed}[`))) continue;
    if (issue.code === 'unrecognized_keys') {
      const allowed = objectKeysAt(schema, path);
      for (const key of issue.keys) {
        const keyPath = [...path, key];
        const near = closestKey(key, allowed);
        const message = near
          ? `unknown key (did you mean "${near}"?)`
          : `unknown key${allowed.length > 0 ? `; expected one of ${allowed.join('|')}` : ''}`;
        problems.push({ pos: locatePath(doc, lineCounter, keyPath, 'key'), subject: formatPath(keyPath), message });
      }
      continue;
    }
    const env = sources.get(dotted);
    if (env) {
      problems.push({ subject: `${env} (${dotted})`, message: issue.message });
      continue;
    }
    const at = issue.code === 'invalid_key' ? 'key' : 'value';
    problems.push({ pos: locatePath(doc, lineCounter, path, at), subject: dotted, message: issue.message });
  }
  return problems;
}

interface DefLike {
  type: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  in?: unknown;
  valueType?: unknown;
}

function defOf(schema: unknown): DefLike | undefined {
  return (schema as { _zod?: { def?: DefLike } } | undefined)?._zod?.def;
}

function unwrap(schema: unknown): unknown {
  let current = schema;
  for (let def = defOf(current); def; def = defOf(current)) {
    if (def.innerType !== undefined) current = def.innerType;
    else if (def.type === 'pipe') current = def.in;
    else break;
  }
  return current;
}

/** The keys a strict object at `path` allows, for "did you mean" suggestions. */
export function objectKeysAt(schema: unknown, path: readonly PropertyKey[]): string[] {
  let current = unwrap(schema);
  for (const segment of path) {
    const def = defOf(current);
    if (def?.type === 'object' && def.shape) current = unwrap(def.shape[String(segment)]);
    else if (def?.type === 'record') current = unwrap(def.valueType);
    else return [];
  }
  const def = defOf(current);
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}
