import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';
import { applyEnvOverrides } from './env-overrides.js';
import { substituteEnv } from './env-substitution.js';
import { formatProblem, sortProblems, type ConfigProblem } from './problems.js';
import { configSchema, type AppConfig } from './schema.js';
import { positionAt } from './yaml-positions.js';
import { configErrorMap, issuesToProblems } from './zod-issues.js';
import type { z } from 'zod';

/**
 * Validation that needs knowledge this module must not import (each connector kind's options
 * schema lives in src/connectors). Issues carry full config paths so they get file positions.
 */
export interface ConfigRefinement {
  refine(config: AppConfig): readonly z.core.$ZodIssue[];
}

export interface LoadedConfig {
  /** Validated, defaults applied, normalised and deep-frozen. */
  config: AppConfig;
  /** Absolute path of the file it came from. */
  file: string;
}

/**
 * Reads, validates and freezes the configuration once, at start (the Fastify way: clone,
 * validate, default, freeze). This module is the only reader of the environment; callers
 * pass `env` (normally `process.env`). Throws ConfigError, listing every problem at once.
 */
export function loadConfig(file: string, env: NodeJS.ProcessEnv, refinement?: ConfigRefinement): LoadedConfig {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(error);
    throw new ConfigError(
      `Cannot read configuration file ${absolute}: ${reason} (choose one with --config or DEALER_HUB_CONFIG)`,
      { file: absolute },
      { cause: error },
    );
  }
  return { config: parseConfigText(text, displayName(absolute), env, refinement), file: absolute };
}

/**
 * Parses configuration text; `fileLabel` is what messages call the file. The steps, in order:
 * YAML (with positions) → `${VAR}` substitution in values → env overrides (PORT, HOST,
 * DEALER_HUB_DATA_DIR, DATABASE_URL, REDIS_URL, LOG_LEVEL) → schema with defaults →
 * normalisation → deep freeze. A relative `database.dataDir` is resolved against the process
 * working directory (where the daemon was started, as with `npm start`), not against the file.
 */
export function parseConfigText(
  text: string,
  fileLabel: string,
  env: NodeJS.ProcessEnv,
  refinement?: ConfigRefinement,
): AppConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    fail(
      fileLabel,
      doc.errors.map((error) => ({ pos: positionAt(lineCounter, error.pos[0]), subject: 'syntax error', message: error.message })),
    );
  }

  const substitution = substituteEnv(doc, lineCounter, env);
  const raw: unknown = doc.toJS();
  const data = dropEmptySections(raw);
  const overrides = data ? applyEnvOverrides(data, env) : { problems: [], sources: new Map<string, string>(), failedPaths: [] };

  const parsed = configSchema.safeParse(data ?? raw, { error: configErrorMap });
  const problems: ConfigProblem[] = [...substitution.problems, ...overrides.problems];
  const issues = parsed.success ? (refinement?.refine(parsed.data) ?? []) : parsed.error.issues;
  problems.push(
    ...issuesToProblems(issues, {
      doc,
      lineCounter,
      schema: configSchema,
      sources: overrides.sources,
      failedPaths: [...substitution.failedPaths, ...overrides.failedPaths],
    }),
  );
  if (problems.length > 0 || !parsed.success) fail(fileLabel, problems);

  return deepFreeze(normalise(parsed.data));
}

/**
 * An empty document is an all-defaults config, and a section whose entries are all commented
 * out (`schedules:` followed by comments) is null in YAML; both mean "nothing here", not an error.
 * Returns undefined when the top level is not a mapping, leaving that to the schema to report.
 */
function dropEmptySections(value: unknown): Record<string, unknown> | undefined {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return undefined;
  const data = value as Record<string, unknown>;
  for (const key of Object.keys(configSchema.shape)) if (data[key] === null) delete data[key];
  return data;
}

function normalise(parsed: AppConfig): AppConfig {
  // zod defaults are shallow copies of shared objects; freezing them would freeze the schema's defaults.
  const config = structuredClone(parsed);
  config.database.dataDir = path.resolve(config.database.dataDir);
  if (!config.database.url?.trim()) config.database.url = undefined;
  if (!config.redis.url?.trim()) config.redis.url = undefined;
  return config;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function fail(fileLabel: string, problems: readonly ConfigProblem[]): never {
  const lines = sortProblems(problems).map((problem) => formatProblem(fileLabel, problem));
  throw new ConfigError(`Invalid configuration in ${fileLabel}:\n${lines.map((line) => `  - ${line}`).join('\n')}`, {
    file: fileLabel,
    problems: lines,
  });
}

/** Paths under the working directory read best relative (`config/demo.yaml:12:3`, clickable in editors). */
function displayName(absolute: string): string {
  const relative = path.relative(process.cwd(), absolute);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absolute;
}
