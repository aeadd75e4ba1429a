/**
 * Mapping specs as data: the zod schema of their shape, plus the checks zod cannot express
 * alone — transform names and arguments, lookups that exist, parseable paths. Every error
 * names its path in the spec (`fields.on_hand.transforms[1]: …`).
 */
import { z } from 'zod';
import { parsePath } from './paths.js';
import { resolveTransform } from './transforms.js';
import type { MappingOverride } from './merge.js';
import type { MappingSpec, TransformCall } from './types.js';

const transformCall = z.union([z.string(), z.record(z.string(), z.unknown())], { error: 'expected a transform name or { name: args }' });

const fieldRule = z
  .object({
    from: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
    concat: z.array(z.string()).min(2).optional(),
    separator: z.string().optional(),
    value: z.unknown().optional(),
    transforms: z.array(transformCall).optional(),
    default: z.unknown().optional(),
    required: z.boolean().optional(),
  })
  .strict();

/** A bare string is shorthand for `{ from: <string> }`; the parsed spec is normalised. */
const field = z.preprocess((value) => (typeof value === 'string' ? { from: value } : value), fieldRule);
const lookups = z.record(z.string(), z.record(z.string(), z.unknown()));

type Report = (path: PropertyKey[], message: string) => void;
const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** Tolerant of a malformed spec, so a wrong type in one field doesn't hide a typo in another. */
function checkSpec(spec: unknown, report: Report, partial: boolean): void {
  if (!isObject(spec) || !isObject(spec.fields)) return;
  const env = { lookups: isObject(spec.lookups) ? (spec.lookups as MappingSpec['lookups'] & object) : {}, partial };
  for (const [name, raw] of Object.entries(spec.fields)) {
    const rule = typeof raw === 'string' ? { from: raw } : raw;
    if (!isObject(rule)) continue;
    const at = (...path: PropertyKey[]) => ['fields', name, ...path];
    const sources = (['from', 'concat', 'value'] as const).filter((key) => Object.hasOwn(rule, key));
    if (sources.length !== 1) report(at(), sources.length === 0 ? 'needs one of from, concat or value' : `use only one of ${sources.join(', ')}`);
    if (rule.separator !== undefined && rule.concat === undefined) report(at('separator'), 'separator only applies to concat');
    const paths: [PropertyKey[], string][] =
      typeof rule.from === 'string'
        ? [[at('from'), rule.from]]
        : [...strings(rule.from).map((p, i): [PropertyKey[], string] => [at('from', i), p]), ...strings(rule.concat).map((p, i): [PropertyKey[], string] => [at('concat', i), p])];
    for (const [path, text] of paths) {
      const parsed = parsePath(text);
      if (typeof parsed === 'string') report(path, parsed);
    }
    if (!Array.isArray(rule.transforms)) continue;
    rule.transforms.forEach((call: unknown, i) => {
      const resolved = resolveTransform(call as TransformCall, env);
      if (typeof resolved === 'string') report(at('transforms', i), resolved);
    });
  }
}

const refine = (partial: boolean) => (spec: unknown, ctx: z.core.$RefinementCtx) =>
  checkSpec(spec, (path, message) => ctx.addIssue({ code: 'custom', path, message }), partial);

export const mappingSpecSchema = z
  .object({ fields: z.record(z.string(), field), lookups: lookups.optional() })
  .strict()
  .superRefine(refine(false));

/** The user's override: any subset of fields, `null` to remove one; lookups may live in the base. */
export const mappingOverrideSchema = z
  .object({ fields: z.record(z.string(), field.nullable()).optional(), lookups: lookups.optional() })
  .strict()
  .superRefine(refine(true));

/** `fields.on_hand.transforms[1]` from zod's path. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join('');
}

export function validateMappingSpec(spec: unknown): { spec?: MappingSpec; errors: string[] };
export function validateMappingSpec(spec: unknown, options: { partial: true }): { spec?: MappingOverride; errors: string[] };
export function validateMappingSpec(spec: unknown, options?: { partial?: boolean }): { spec?: MappingSpec | MappingOverride; errors: string[] };
export function validateMappingSpec(spec: unknown, options: { partial?: boolean } = {}): { spec?: MappingSpec | MappingOverride; errors: string[] } {
  const result = (options.partial ? mappingOverrideSchema : mappingSpecSchema).safeParse(spec);
  if (result.success) return { spec: result.data as MappingSpec | MappingOverride, errors: [] };
  const errors = result.error.issues.map((issue) => (issue.path.length > 0 ? `${formatPath(issue.path)}: ${issue.message}` : issue.message));
  // zod skips refinements once the shape is wrong; run them anyway so every error shows at once.
  checkSpec(spec, (path, message) => errors.push(`${formatPath(path)}: ${message}`), options.partial === true);
  return { errors: [...new Set(errors)] };
}
