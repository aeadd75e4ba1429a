import path from 'node:path';

/** Used when neither `--config` nor `DEALER_HUB_CONFIG` names a file: the embedded demo. */
export const DEFAULT_CONFIG_FILE = 'config/demo.yaml';

/**
 * The configuration file to load, as an absolute path: the `--config` value, else
 * `DEALER_HUB_CONFIG`, else `<cwd>/config/demo.yaml`. Empty values count as unset; relative
 * paths are taken from `cwd`.
 */
export function resolveConfigPath(cliValue: string | undefined, env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string {
  const chosen = nonEmpty(cliValue) ?? nonEmpty(env.DEALER_HUB_CONFIG) ?? DEFAULT_CONFIG_FILE;
  return path.resolve(cwd, chosen);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
