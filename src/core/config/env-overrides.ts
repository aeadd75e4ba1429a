import { showValue, type ConfigProblem } from './problems.js';

export interface EnvOverride {
  /** Environment variable name. */
  env: string;
  /** Config path it sets: section, then key. */
  path: readonly [string, string];
  integer?: boolean;
}

/**
 * Settings a platform (container, PaaS, systemd unit) sets through the environment; they win
 * over the YAML so one file serves every replica and environment. Empty values count as unset.
 */
export const envOverrides: readonly EnvOverride[] = [
  { env: 'PORT', path: ['server', 'port'], integer: true },
  { env: 'HOST', path: ['server', 'host'] },
  { env: 'DEALER_HUB_DATA_DIR', path: ['database', 'dataDir'] },
  { env: 'DATABASE_URL', path: ['database', 'url'] },
  { env: 'REDIS_URL', path: ['redis', 'url'] },
  { env: 'LOG_LEVEL', path: ['log', 'level'] },
];

export interface OverrideResult {
  problems: ConfigProblem[];
  /** Dotted config path → the env var that set it, so schema errors can name the real source. */
  sources: Map<string, string>;
  /** Paths whose env value was unusable: the env problem is the cause, so their schema errors are noise. */
  failedPaths: string[];
}

/** Applies `envOverrides` to the plain data read from YAML, in place. */
export function applyEnvOverrides(data: Record<string, unknown>, env: NodeJS.ProcessEnv): OverrideResult {
  const result: OverrideResult = { problems: [], sources: new Map(), failedPaths: [] };
  for (const { env: name, path, integer } of envOverrides) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    let value: string | number = raw;
    if (integer) {
      if (!/^\s*\d+\s*$/.test(raw)) {
        result.problems.push({ subject: name, message: `expected an integer, got ${showValue(raw)}` });
        result.failedPaths.push(path.join('.'));
        continue;
      }
      value = Number(raw);
    }
    const [section, key] = path;
    const current = data[section];
    // A section that is not a mapping is the YAML's own error; the schema reports it there.
    if (current !== undefined && (current === null || typeof current !== 'object' || Array.isArray(current))) continue;
    data[section] = { ...(current as Record<string, unknown> | undefined), [key]: value };
    result.sources.set(`${section}.${key}`, name);
  }
  return result;
}
