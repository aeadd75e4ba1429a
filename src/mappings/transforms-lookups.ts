/**
 * Lookup transforms: code translation through named tables (`spec.lookups`) or inline maps,
 * and validation against a closed list. Keys are compared as text, so a boolean `true` or
 * a number `0` matches the YAML keys `'true'` and `'0'`.
 */
import { z } from 'zod';
import { asText, defineTransform, fail, show, TransformFailure } from './transform-kit.js';

const toMap = (table: Readonly<Record<string, unknown>>): ReadonlyMap<string, unknown> => new Map(Object.entries(table));

export const lookupTransforms = {
  lookup: defineTransform({
    args: z.union([z.string().min(1), z.object({ table: z.string().min(1), default: z.unknown().optional() }).strict()], {
      error: 'expected a table name or { table, default }',
    }),
    make: (args, env) => {
      const { table, default: fallback } = typeof args === 'string' ? { table: args, default: undefined } : args;
      const entries = env.lookups[table];
      if (!entries) {
        if (!env.partial) return `table "${table}" is not defined in lookups${suggestTables(env.lookups)}`;
        return () => fail(`lookup table "${table}" is not defined`);
      }
      const map = toMap(entries);
      const hasDefault = typeof args !== 'string' && Object.hasOwn(args, 'default');
      return (value) => {
        const key = asText(value);
        if (key instanceof TransformFailure) return key;
        if (map.has(key)) return map.get(key);
        return hasDefault ? fallback : fail(`unknown value ${show(key)} in lookup ${table}`);
      };
    },
  }),
  // Unlike `lookup`, values not in the map pass through: it rewrites a few values (0 → null).
  map: defineTransform({
    args: z.record(z.string(), z.unknown()),
    make: (table) => {
      const map = toMap(table);
      return (value) => {
        const key = asText(value);
        return !(key instanceof TransformFailure) && map.has(key) ? map.get(key) : value;
      };
    },
  }),
  oneOf: defineTransform({
    args: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1),
    make: (allowed) => {
      const set = new Set(allowed.map(String));
      const list = allowed.map(String).join(', ');
      return (value) => {
        const key = asText(value);
        if (key instanceof TransformFailure) return key;
        return set.has(key) ? value : fail(`${show(value)} is not one of ${list}`);
      };
    },
  }),
};

function suggestTables(lookups: Readonly<Record<string, unknown>>): string {
  const names = Object.keys(lookups);
  return names.length > 0 ? ` (defined: ${names.join(', ')})` : '';
}
