/**
 * Request inputs for the route fuzzer, derived from the app's own OpenAPI document (so a new
 * route or field is fuzzed without anyone listing it): values that fit the JSON schema, then
 * the same with wrong types, dropped and extra keys, hostile strings and extreme numbers.
 */
import fc from 'fast-check';

type Schema = Record<string, unknown>;

/** Strings a careless or hostile client sends: injection, traversal, control and odd Unicode. */
export const HOSTILE_STRINGS = [
  "' OR '1'='1",
  "'; DROP TABLE orders; --",
  "1' UNION SELECT token_hash FROM api_credentials --",
  "T001-01' --",
  '%',
  '_',
  '\\',
  '$1',
  '../../etc/passwd',
  '\u0000',
  '\ud800',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '牛奶',
  ' ',
  '',
  'x'.repeat(5000),
  '{"a":1}',
  '__proto__',
  'constructor',
  '1e309',
  '-0',
  'NaN',
  '2026-02-30',
  '9999-12-31T23:59:59Z',
];

const hostile = fc.constantFrom(...HOSTILE_STRINGS);
const anyNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, 0.1 + 0.2));

export function resolveRef(schema: Schema, components: Record<string, Schema>): Schema {
  const ref = schema.$ref;
  if (typeof ref === 'string') return resolveRef(components[ref.split('/').pop()!] ?? {}, components);
  return schema;
}

/** Values shaped by `schema` (loosely: lengths and ranges are hints, not guarantees). */
export function fromSchema(raw: Schema | undefined, components: Record<string, Schema>, depth = 0): fc.Arbitrary<unknown> {
  if (!raw || depth > 6) return fc.constant(null);
  const schema = resolveRef(raw, components);
  const alternatives = (schema.anyOf ?? schema.oneOf ?? schema.allOf) as Schema[] | undefined;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => fromSchema(s, components, depth + 1)));
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if ('const' in schema) return fc.constant(schema.const);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = (schema.required ?? []) as string[];
      const shape = Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, fromSchema(s, components, depth + 1)]));
      if (Object.keys(shape).length === 0) return fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 8 }), anyNumber), { maxKeys: 3 });
      return fc.record(shape, { requiredKeys: required.filter((k) => k in shape) });
    }
    case 'array':
      return fc.array(fromSchema(schema.items as Schema, components, depth + 1), { maxLength: Math.min(4, Number(schema.maxItems ?? 4)) });
    case 'integer':
      return fc.oneof(fc.integer({ min: Number(schema.minimum ?? -10), max: Math.min(Number(schema.maximum ?? 1000), 1_000_000) }), fc.integer({ min: 1, max: 100 }));
    case 'number':
      return fc.oneof(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 1000 }));
    case 'boolean':
      return fc.boolean();
    case 'string':
      if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.format === 'date') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
      return fc.oneof(fc.string({ minLength: Number(schema.minLength ?? 0), maxLength: Math.min(20, Number(schema.maxLength ?? 20)) }), fc.stringMatching(/^[A-Z0-9-]{1,12}$/));
    default:
      return fc.oneof(fc.string({ maxLength: 10 }), anyNumber, fc.boolean(), fc.constant(null));
  }
}

/** Replace one value somewhere in `value` (or the value itself) with junk; drop or add a key. */
export function mutateValue(value: unknown): fc.Arbitrary<unknown> {
  const junk = fc.oneof(hostile, anyNumber, fc.constant(null), fc.boolean(), fc.constant([]), fc.constant({}), fc.anything({ maxDepth: 2 }));
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    return fc.oneof(
      junk,
      fc.tuple(fc.string({ maxLength: 10 }), junk).map(([k, v]) => ({ ...(value as object), [k]: v })),
      ...(keys.length > 0
        ? [
            fc.constantFrom(...keys).map((k) => {
              const copy = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
              delete (copy as Record<string, unknown>)[k];
              return copy;
            }),
            fc.constantFrom(...keys).chain((k) =>
              mutateValue((value as Record<string, unknown>)[k]).map((v) => (Array.isArray(value) ? Object.assign([...value], { [k]: v }) : { ...(value as object), [k]: v })),
            ),
          ]
        : []),
    );
  }
  return junk;
}

/** A body for a route: shaped by its schema, mutated, or anything at all. */
export function bodyFor(schema: Schema | undefined, components: Record<string, Schema>): fc.Arbitrary<unknown> {
  const shaped = fromSchema(schema, components);
  return fc.oneof({ weight: 3, arbitrary: shaped }, { weight: 4, arbitrary: shaped.chain(mutateValue) }, { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) }, { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) });
}

/** A query string from the route's declared parameters (shaped or hostile) plus stray ones. */
export function queryFor(params: Array<{ name: string; schema?: Schema }>, components: Record<string, Schema>): fc.Arbitrary<string> {
  const entries = params.map((p) => fc.tuple(fc.constant(p.name), fc.oneof(fromSchema(p.schema, components).map(String), hostile, fc.string({ maxLength: 12 }))));
  const declared = entries.length > 0 ? fc.subarray(entries).chain((picked) => (picked.length > 0 ? fc.tuple(...picked) : fc.constant([] as Array<[string, string]>))) : fc.constant([] as Array<[string, string]>);
  const stray = fc.array(fc.tuple(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'limit[]', 'a[b]')), fc.oneof(hostile, fc.string({ maxLength: 8 }))), { maxLength: 2 });
  return fc.tuple(declared, stray).map(([a, b]) => new URLSearchParams([...a, ...b]).toString());
}
