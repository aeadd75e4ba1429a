import { isMap, isScalar, isSeq, parseDocument, type Document, type LineCounter, type Scalar } from 'yaml';
import { formatPath, type ConfigProblem } from './problems.js';
import { positionAt } from './yaml-positions.js';

/** `$${` (an escaped literal), or `${...}` (a reference), or a lone `${` that never closes. */
const TOKEN = /\$\$\{|\$\{([^}]*)\}|\$\{/g;
const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

export interface SubstitutionResult {
  problems: ConfigProblem[];
  /** Paths whose value could not be substituted; their schema errors would only repeat the cause. */
  failedPaths: string[];
}

/**
 * Replaces `${VAR}` and `${VAR:-default}` in the string values of a parsed document, in place.
 * Working on nodes rather than the raw text keeps every node's position true to the file and
 * means a value from the environment can never inject YAML structure. Keys are left alone.
 *
 * An unset or empty variable takes the default; with no default it is an error (an empty
 * secret is never what was meant). A plain (unquoted, untagged) scalar that is exactly one
 * reference is re-read as a YAML scalar, so `port: ${PORT:-8080}` is the number 8080; quote
 * it (`"${TOKEN}"`) to keep a numeric-looking value a string.
 */
export function substituteEnv(doc: Document, lineCounter: LineCounter, env: NodeJS.ProcessEnv): SubstitutionResult {
  const result: SubstitutionResult = { problems: [], failedPaths: [] };
  const visit = (node: unknown, path: PropertyKey[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '?';
        visit(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => visit(item, [...path, index]));
    } else if (isScalar(node) && typeof node.value === 'string') {
      substituteScalar(node as Scalar<string>, path);
    }
  };
  const substituteScalar = (node: Scalar<string>, path: PropertyKey[]): void => {
    const text = node.value;
    if (!text.includes('${')) return;
    const errors: string[] = [];
    let references = 0;
    const replaced = text.replace(TOKEN, (token: string, body: string | undefined) => {
      if (token === '$${') return '${';
      if (body === undefined) {
        errors.push('unclosed "${" (write "$${" for a literal "${")');
        return token;
      }
      const match = REFERENCE.exec(body);
      if (!match) {
        errors.push(`invalid reference "\${${body}}": expected \${NAME} or \${NAME:-default}`);
        return token;
      }
      references += 1;
      const [, name = '', fallback] = match;
      if (fallback?.includes('${')) {
        errors.push(`nested reference in the default of \${${name}}: not supported`);
        return token;
      }
      const value = env[name];
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined) return fallback;
      errors.push(`environment variable ${name} is ${value === '' ? 'empty' : 'not set'}`);
      return token;
    });
    if (errors.length > 0) {
      const pos = positionAt(lineCounter, node.range?.[0] ?? 0);
      for (const message of errors) result.problems.push({ pos, subject: formatPath(path), message });
      result.failedPaths.push(formatPath(path));
      return;
    }
    const wholeReference = references === 1 && /^\$\{[^}]*\}$/.test(text);
    node.value = wholeReference && node.type === 'PLAIN' && !node.tag ? (retype(replaced) as string) : replaced;
  };
  visit(doc.contents, []);
  return result;
}

/**
 * Reads a substituted value as YAML would have read it in place of the reference: numbers
 * and booleans become typed, explicit nulls become null. Anything else (including text that
 * YAML would cut at a `#` or turn into a mapping) stays the exact string from the environment.
 */
function retype(text: string): unknown {
  if (text.trim() === '' || text.includes('\n')) return text;
  const parsed = parseDocument(text);
  if (parsed.errors.length > 0 || !isScalar(parsed.contents)) return text;
  const value: unknown = parsed.contents.value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (value === null && /^(~|null|Null|NULL)$/.test(text.trim())) return null;
  return text;
}
