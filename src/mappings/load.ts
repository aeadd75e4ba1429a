/** Mapping specs shipped as YAML files (connectors' defaults) or written by users. */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { validateMappingSpec } from './schema.js';
import type { MappingSpec } from './types.js';

/** Parses and validates; YAML syntax errors carry their line and column. */
export function parseMappingYaml(text: string): { spec?: MappingSpec; errors: string[] } {
  const document = parseDocument(text);
  if (document.errors.length > 0) return { errors: document.errors.map((error) => error.message.split('\n')[0] ?? error.message) };
  let value: unknown;
  try {
    // An alias to no anchor, or too many aliases (a "billion laughs" file), throws here (found by test/fuzz).
    value = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { errors: [(error as Error).message.split('\n')[0] ?? 'the YAML cannot be read'] };
  }
  return validateMappingSpec(value);
}

/** Reads a mapping file at start-up; an invalid file is a configuration error, so this throws. */
export function loadMappingFile(path: string | URL): MappingSpec {
  const { spec, errors } = parseMappingYaml(readFileSync(path, 'utf8'));
  if (!spec) throw new Error(`mapping file ${String(path)} is invalid:\n  ${errors.join('\n  ')}`);
  return spec;
}
