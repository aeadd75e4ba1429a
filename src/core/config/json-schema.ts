import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { configSchema } from './schema.js';

/** `config/dealer-hub.schema.json`; the same depth from `src/core/config` and `dist/core/config`. */
export const JSON_SCHEMA_FILE = fileURLToPath(new URL('../../../config/dealer-hub.schema.json', import.meta.url));

type JsonSchema = Record<string, unknown>;

const ENV_REFERENCE: JsonSchema = {
  type: 'string',
  pattern: '^\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}$',
  description: 'Filled from the environment when the file is loaded, e.g. ${PORT:-8080}.',
};

/**
 * The JSON Schema editors use for completion and checks while writing YAML (via the
 * `# yaml-language-server: $schema=...` line). Input side: defaulted keys are optional.
 */
export function buildJsonSchema(): JsonSchema {
  const { $schema, ...rest } = z.toJSONSchema(configSchema, { io: 'input' });
  return {
    $schema,
    title: 'dealer-hub configuration',
    description:
      'YAML configuration of the dealer-hub daemon. String values may use ${VAR} or ${VAR:-default}; ' +
      'PORT, HOST, DEALER_HUB_DATA_DIR, DATABASE_URL, REDIS_URL and LOG_LEVEL override the file.',
    ...(allowEnvReferences(rest) as JsonSchema),
  };
}

/** The file's exact text: two-space indent, trailing newline. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;
}

/**
 * The YAML is checked by editors before `${VAR}` substitution, so `port: ${PORT:-8080}` is a
 * string there. Every value whose type or pattern a reference cannot satisfy (numbers,
 * booleans, enums, patterns) also accepts a whole reference; the loader checks the real value.
 */
function allowEnvReferences(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...schema };
  for (const key of ['properties', '$defs']) {
    const children = out[key] as Record<string, JsonSchema> | undefined;
    if (children) out[key] = Object.fromEntries(Object.entries(children).map(([name, child]) => [name, allowEnvReferences(child)]));
  }
  for (const key of ['additionalProperties', 'items']) {
    const child = out[key];
    if (child && typeof child === 'object' && !Array.isArray(child)) out[key] = allowEnvReferences(child as JsonSchema);
  }
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const list = out[key] as JsonSchema[] | undefined;
    if (list) out[key] = list.map(allowEnvReferences);
  }
  const type = out.type;
  const constrained =
    type === 'number' || type === 'integer' || type === 'boolean' || (type === 'string' && ('enum' in out || 'pattern' in out || 'const' in out));
  if (!constrained) return out;
  const { description, default: fallback, ...typed } = out;
  return {
    ...(description === undefined ? {} : { description }),
    ...(fallback === undefined ? {} : { default: fallback }),
    anyOf: [typed, ENV_REFERENCE],
  };
}
