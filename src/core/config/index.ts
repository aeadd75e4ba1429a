export { loadConfig, parseConfigText, type ConfigRefinement, type LoadedConfig } from './load.js';
export { resolveConfigPath, DEFAULT_CONFIG_FILE } from './locate.js';
export { envOverrides, type EnvOverride } from './env-overrides.js';
export { buildJsonSchema, renderJsonSchema, JSON_SCHEMA_FILE } from './json-schema.js';
export * from './schema.js';
