/** Text transforms: cleaning codes and names as they come from ERPs and spreadsheets. */
import { z } from 'zod';
import { asText, defineTransform, fail, isEmpty, show, TransformFailure, type TransformFn } from './transform-kit.js';

/** No arguments: the string form, or `{ name: null }` / `{ name: true }` in YAML. */
export const noArgs = z.union([z.undefined(), z.null(), z.literal(true)], { error: 'takes no arguments' });

const text = (convert: (value: string) => unknown): TransformFn => (value) => {
  const s = asText(value);
  return s instanceof TransformFailure ? s : convert(s);
};

const ALL_DIGITS = /^\d+$/;
const LEADING_ZEROS = /^0+(?=\d)/;

export const textTransforms = {
  trim: defineTransform({ args: noArgs, make: () => text((s) => s.trim()) }),
  upper: defineTransform({ args: noArgs, make: () => text((s) => s.toUpperCase()) }),
  lower: defineTransform({ args: noArgs, make: () => text((s) => s.toLowerCase()) }),
  // SAP's ALPHA conversion pads purely numeric codes only; "00A1" is a real key and is kept.
  stripLeadingZeros: defineTransform({
    args: noArgs,
    make: () => text((s) => (ALL_DIGITS.test(s) ? s.replace(LEADING_ZEROS, '') : s)),
  }),
  toString: defineTransform({
    args: noArgs,
    make: () => (value) => (value instanceof Date ? (Number.isNaN(value.getTime()) ? fail(`${show(value)} is not a date`) : value.toISOString()) : asText(value)),
  }),
  // Turns an empty cell into an explicit null, so a re-sync clears the stored value.
  nullIfEmpty: defineTransform({ args: noArgs, acceptsEmpty: () => true, make: () => (value) => (isEmpty(value) ? null : value) }),
  replace: defineTransform({
    args: z.object({ pattern: z.string(), with: z.string().default(''), flags: z.string().default('g') }).strict(),
    make: ({ pattern, with: replacement, flags }) => {
      let regex: RegExp;
      try {
        regex = new RegExp(pattern, flags);
      } catch (error) {
        return `bad pattern: ${(error as Error).message}`;
      }
      return text((s) => s.replace(regex, replacement));
    },
  }),
  prefix: defineTransform({ args: z.string(), make: (prefix) => text((s) => prefix + s) }),
  suffix: defineTransform({ args: z.string(), make: (suffix) => text((s) => s + suffix) }),
  pad: defineTransform({
    args: z
      .object({ length: z.number().int().min(1).max(255), char: z.string().length(1).default('0'), side: z.enum(['left', 'right']).default('left') })
      .strict(),
    make: ({ length, char, side }) => text((s) => (side === 'left' ? s.padStart(length, char) : s.padEnd(length, char))),
  }),
};
