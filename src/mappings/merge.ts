/**
 * A connector's default mapping with the user's YAML on top. Overrides work on whole fields
 * — a field in the override replaces the default's field, `null` removes it — so a user
 * never has to guess how half a rule combines with the other half. Lookup tables likewise
 * replace by table name.
 */
import type { FieldRule, MappingSpec } from './types.js';

/** An override as written in the config: `fieldName: null` removes a default field. */
export interface MappingOverride {
  fields?: Record<string, FieldRule | string | null>;
  lookups?: Record<string, Record<string, unknown>>;
}

export function mergeMappings(base: MappingSpec, override: MappingOverride | Partial<MappingSpec> | undefined): MappingSpec {
  if (!override || (!override.fields && !override.lookups)) return base;
  const fields: Record<string, FieldRule | string> = { ...base.fields };
  for (const [name, rule] of Object.entries(override.fields ?? {})) {
    if (rule === null) delete fields[name];
    else fields[name] = rule;
  }
  const merged: MappingSpec = { fields };
  if (base.lookups || override.lookups) merged.lookups = { ...base.lookups, ...override.lookups };
  return merged;
}
