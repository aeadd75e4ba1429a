/** Mapping specs shipped as YAML files (connectors' defaults) or written by users. */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { validateMappingSpec } from './schema.js';
import type { MappingSpec } from './types.js';

/** Parses and validates; YAML syntax errors carry their line and column. */
export function parseMappingYaml(text: string): { spec?: MappingSpec; errors: string[] } {
  const document = parseDocument(text);
  if (document.errors.length > 0) return { errors: document.errors.map((error) => error.message.split('\n')[0] ?? error.message) };
  return validateMappingSpec(document.toJS());
}

/** Reads a mapping file at start-up; an invalid file is a configuration error, so this throws. */
export function loadMappingFile(path: string | URL): MappingSpec {
  const { spec, errors } = parseMappingYaml(readFileSync(path, 'utf8'));
  if (!spec) throw new Error(`mapping file ${String(path)} is invalid:\n  ${errors.join('\n  ')}`);
  return spec;
}
