/**
 * The engine: a spec compiled once into a function of one record. Paths are parsed and
 * transforms resolved (regexes built, lookup maps filled) at compile time, so mapping a
 * record allocates only its output and its issues.
 */
import { parsePath, readPath, type PathSegment } from './paths.js';
import { isEmpty, TransformFailure, type MappingContext } from './transform-kit.js';
import { resolveTransform, type ResolvedTransform } from './transforms.js';
import type { FieldRule, MappingIssue, MappingResult, MappingSpec } from './types.js';

export type CompiledMapping = (record: Record<string, unknown>, context?: MappingContext) => MappingResult;

interface CompiledField {
  name: string;
  /** Source path(s) as written, for issues. */
  source: string | undefined;
  read(record: Record<string, unknown>): unknown;
  /** Names the missing parts of a composite value, for the issue. */
  missing?(record: Record<string, unknown>): string;
  steps: readonly ResolvedTransform[];
  hasDefault: boolean;
  fallback: unknown;
  required: boolean;
}

const NO_CONTEXT: MappingContext = Object.freeze({});

const path = (field: string, text: string): PathSegment[] => {
  const segments = parsePath(text);
  if (typeof segments === 'string') throw new Error(`mapping field ${field}: ${segments}`);
  return segments;
};

function compileField(name: string, raw: FieldRule | string, spec: MappingSpec): CompiledField {
  const rule: FieldRule = typeof raw === 'string' ? { from: raw } : raw;
  const steps = (rule.transforms ?? []).map((call, i) => {
    const resolved = resolveTransform(call, { lookups: spec.lookups ?? {} });
    if (typeof resolved === 'string') throw new Error(`mapping field ${name}.transforms[${i}]: ${resolved}`);
    return resolved;
  });
  const base = { name, steps, hasDefault: rule.default !== undefined, fallback: rule.default, required: rule.required === true };

  if (rule.concat) {
    const parts = rule.concat.map((p) => path(name, p));
    const separator = rule.separator ?? '-';
    const labels = rule.concat;
    return {
      ...base,
      source: labels.join('+'),
      // A composite key with a missing part would be a different key: the whole value is missing.
      read(record) {
        let out = '';
        for (let i = 0; i < parts.length; i++) {
          const part = readPath(record, parts[i] as PathSegment[]);
          if (isEmpty(part)) return undefined;
          out = i === 0 ? String(part) : out + separator + String(part);
        }
        return out;
      },
      missing: (record) => labels.filter((_, i) => isEmpty(readPath(record, parts[i] as PathSegment[]))).join(', '),
    };
  }
  if (rule.from !== undefined) {
    const sources = typeof rule.from === 'string' ? [rule.from] : rule.from;
    const paths = sources.map((p) => path(name, p));
    if (paths.length === 1) {
      const only = paths[0] as PathSegment[];
      return { ...base, source: sources[0], read: (record) => readPath(record, only) };
    }
    return {
      ...base,
      source: sources.join('|'),
      read(record) {
        for (const p of paths) {
          const value = readPath(record, p);
          if (!isEmpty(value)) return value;
        }
        return undefined;
      },
    };
  }
  if (Object.hasOwn(rule, 'value')) {
    const constant = rule.value;
    return { ...base, source: undefined, read: () => constant };
  }
  throw new Error(`mapping field ${name}: needs one of from, concat or value`);
}

/** Throws on an invalid spec (a configuration error); run `validateMappingSpec` first for messages. */
export function compileMapping(spec: MappingSpec): CompiledMapping {
  const fields = Object.entries(spec.fields).map(([name, rule]) => compileField(name, rule, spec));

  return (record, context = NO_CONTEXT) => {
    const out: Record<string, unknown> = {};
    const issues: MappingIssue[] = [];
    for (const field of fields) {
      let value = field.read(record);
      if (field.hasDefault && isEmpty(value)) value = field.fallback;
      let failed = false;
      for (const step of field.steps) {
        if (!step.acceptsEmpty && isEmpty(value)) continue;
        const next = step.run(value, context);
        if (next instanceof TransformFailure) {
          issues.push(issue(field, next.message, value));
          failed = true;
          break;
        }
        value = next;
      }
      if (failed) continue;
      if (isEmpty(value)) {
        if (field.required) {
          const missing = field.missing?.(record);
          issues.push(issue(field, missing ? `required value is missing (no ${missing})` : 'required value is missing', value));
        } else if (value === null) {
          out[field.name] = null;
        }
        continue;
      }
      out[field.name] = value;
    }
    return { value: issues.length > 0 ? null : out, issues };
  };
}

function issue(field: CompiledField, message: string, value: unknown): MappingIssue {
  const out: MappingIssue = { field: field.name, message };
  if (field.source !== undefined) out.source = field.source;
  if (value !== undefined) out.value = value;
  return out;
}

const cache = new WeakMap<MappingSpec, CompiledMapping>();

/**
 * Maps one source record to a canonical record, collecting every issue; never throws for
 * data problems. Compiled specs are cached per spec object, so a spec must not be mutated
 * after its first use.
 */
export function applyMapping(spec: MappingSpec, record: Record<string, unknown>, context?: MappingContext): MappingResult {
  let compiled = cache.get(spec);
  if (!compiled) {
    compiled = compileMapping(spec);
    cache.set(spec, compiled);
  }
  return compiled(record, context);
}

