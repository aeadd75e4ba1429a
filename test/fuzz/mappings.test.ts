/**
 * The mapping engine under fuzzing: random mapping specs are either accepted or refused with
 * messages (never an exception), accepted specs compile, and mapping any record — the shipped
 * file-connector defaults or a random spec — never throws: problems are issues on the result.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultMapping, FIELD_KINDS } from '../../src/connectors/file/default-mappings.js';
import type { CanonicalEntity } from '../../src/connectors/contract.js';
import { applyMapping, compileMapping, parseMappingYaml, TRANSFORM_NAMES, validateMappingSpec, type MappingSpec } from '../../src/mappings/index.js';
import { RUNS } from './mutate.js';

/** Values a source system sends: text, numbers, dates, SAP /Date()/, nested objects, junk. */
const leaf = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('', ' ', '0', '00012', '-1', '1e309', 'NaN', '12,50', '/Date(1700000000000)/', '/Date(-99999999999999999)/', '20240230', '2024-02-30', '31.12.9999', 'true', 'X', '\u0000', '\ud800'),
  fc.double(),
  fc.integer(),
  fc.bigInt().map(String),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.date({ noInvalidDate: false }),
);
const value = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 3 })),
})).value;
const record = (keys: readonly string[]) =>
  fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })), value, { maxKeys: keys.length + 2 }) as fc.Arbitrary<Record<string, unknown>>;

const argument = fc.oneof(value, fc.record({ table: fc.string({ maxLength: 4 }), default: leaf }), fc.record({ scale: fc.integer({ min: -2, max: 40 }) }), fc.record({ length: fc.integer({ min: -1, max: 50 }), char: fc.string({ maxLength: 2 }) }));
const transform = fc.oneof(fc.constantFrom(...TRANSFORM_NAMES), fc.tuple(fc.constantFrom(...TRANSFORM_NAMES), argument).map(([name, arg]) => ({ [name]: arg })), fc.string({ maxLength: 8 }));
const path = fc.oneof(fc.constantFrom('a', 'b.c', 'items[0].qty', 'to_Item.results', 'x[', 'a..b', '[]', ''), fc.string({ maxLength: 10 }));
const rule = fc.oneof(
  path,
  fc.record(
    {
      from: fc.oneof(path, fc.array(path, { maxLength: 3 })),
      concat: fc.array(path, { maxLength: 3 }),
      separator: fc.string({ maxLength: 2 }),
      value,
      transforms: fc.array(transform, { maxLength: 4 }),
      default: value,
      required: fc.boolean(),
    },
    { requiredKeys: [] },
  ),
);
const spec = fc.record(
  {
    fields: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), rule, { maxKeys: 5 }),
    lookups: fc.dictionary(fc.string({ maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 4 }), leaf, { maxKeys: 3 }), { maxKeys: 2 }),
  },
  { requiredKeys: [] },
);

function checkResult(result: ReturnType<typeof applyMapping>): void {
  expect(Array.isArray(result.issues)).toBe(true);
  if (result.issues.length > 0) expect(result.value).toBeNull();
  for (const issue of result.issues) expect(issue.message.length).toBeGreaterThan(0);
}

describe('mapping engine under fuzzing', () => {
  it(`${RUNS} random specs: validated with messages, and every accepted one maps random records without throwing`, () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(spec, value), fc.array(record(['a', 'b', 'items', 'to_Item', 'x']), { minLength: 1, maxLength: 3 }), (candidate, records) => {
        const { spec: valid, errors } = validateMappingSpec(candidate);
        if (!valid) {
          expect(errors.length).toBeGreaterThan(0);
          return;
        }
        accepted++;
        const compiled = compileMapping(valid);
        for (const r of records) checkResult(compiled(r));
      }),
      { numRuns: RUNS },
    );
    // Not only refusals: the generator reaches the mapping itself.
    expect(accepted).toBeGreaterThan(RUNS / 10);
  });

  const shipped: Array<{ name: string; spec: MappingSpec; keys: string[] }> = [];
  for (const entity of Object.keys(FIELD_KINDS) as CanonicalEntity[]) {
    for (const format of ['csv', 'xlsx', 'json'] as const) shipped.push({ name: `${entity}/${format}`, spec: defaultMapping(entity, format), keys: Object.keys(FIELD_KINDS[entity]) });
  }

  it(`${RUNS} random records through the file connector's shipped mappings (${shipped.length} specs) → a value or issues`, () => {
    fc.assert(
      fc.property(fc.constantFrom(...shipped).chain((s) => fc.tuple(fc.constant(s), record(s.keys))), ([s, r]) => checkResult(applyMapping(s.spec, r))),
      { numRuns: RUNS },
    );
  });

  it(`${RUNS / 5} random YAML texts → a spec or messages, never an exception`, () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), spec.map((s) => JSON.stringify(s))), (text) => {
        const { spec: parsed, errors } = parseMappingYaml(text);
        if (!parsed) expect(errors.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS / 5 },
    );
  });
});

describe('mapping YAML the fuzzer broke once', () => {
  it('refuses an alias without an anchor, and an alias bomb, with a message', () => {
    expect(parseMappingYaml('fields: *nowhere').errors[0]).toMatch(/alias/i);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`), 'fields: *h'].join('\n');
    expect(parseMappingYaml(bomb).errors[0]).toMatch(/alias/i);
  });
});
