/** A 1-based line and column in the configuration file, as editors count them. */
export interface Position {
  line: number;
  col: number;
}

/**
 * One thing wrong with the configuration. `subject` is a dotted config path, or an env var
 * name when the value came from the environment (then there is no file position to give).
 */
export interface ConfigProblem {
  pos?: Position | undefined;
  subject: string;
  message: string;
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/**
 * `connectors.sap.password`, `schedules["nightly.analyze"].cron`, `list[2]`: schedule and
 * connector names may contain dots, so such keys are quoted to keep the path unambiguous.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      if (PLAIN_KEY.test(key)) out += out ? `.${key}` : key;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

export function formatProblem(fileLabel: string, problem: ConfigProblem): string {
  const where = problem.pos ? `${fileLabel}:${problem.pos.line}:${problem.pos.col} ` : '';
  return `${where}${problem.subject}: ${problem.message}`;
}

/** File order reads best; problems without a position (from env vars) go last. */
export function sortProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const rank = (p: ConfigProblem) => (p.pos ? p.pos.line * 1e6 + p.pos.col : Number.MAX_SAFE_INTEGER);
  return [...problems].sort((a, b) => rank(a) - rank(b));
}

/** A value as a message shows it: strings quoted and cut short, collections by their YAML name. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') {
    const cut = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return JSON.stringify(cut);
  }
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}
