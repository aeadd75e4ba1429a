/** The mapping engine's public API: source records → canonical records, specs as data. */
export { applyMapping, compileMapping, type CompiledMapping } from './compile.js';
export { loadMappingFile, parseMappingYaml } from './load.js';
export { mergeMappings, type MappingOverride } from './merge.js';
export { mappingOverrideSchema, mappingSpecSchema, validateMappingSpec } from './schema.js';
export { TRANSFORM_NAMES } from './transforms.js';
export type { MappingContext } from './transform-kit.js';
export type { FieldRule, MappingIssue, MappingResult, MappingSpec, TransformCall } from './types.js';
