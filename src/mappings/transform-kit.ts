/**
 * What every transform is made of. A transform is resolved once per spec (`make`, which
 * validates its arguments) into a pure function of one value; a data problem is returned as
 * a `TransformFailure`, never thrown, so one bad record costs no stack unwinding and the
 * engine can collect every issue of a record.
 */
import type { z } from 'zod';

/** Per-call context: `now` and `timeZone` only matter to relative dates. */
export interface MappingContext {
  now?: Date;
  /** IANA zone for "today"; default Asia/Shanghai. */
  timeZone?: string;
}

export class TransformFailure {
  constructor(readonly message: string) {}
}

export const fail = (message: string): TransformFailure => new TransformFailure(message);

export type TransformFn = (value: unknown, context: MappingContext) => unknown;

export interface TransformEnv {
  lookups: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Override specs may reference lookups of the base spec: don't check them. */
  partial?: boolean;
}

export interface TransformDef<A = unknown> {
  /** Validates the arguments; the string form (`trim`) passes `undefined`. */
  args: z.ZodType<A>;
  /** The function, or a spec error (a lookup table that does not exist, a unit pair with no fixed factor). */
  make(args: A, env: TransformEnv): TransformFn | string;
  /** Empty values (undefined, null, blank strings) skip transforms unless this says otherwise. */
  acceptsEmpty?: (args: A) => boolean;
}

/** Keeps the per-transform argument type while the registry stores them side by side. */
export const defineTransform = <A>(def: TransformDef<A>): TransformDef<unknown> => def as TransformDef<unknown>;

export const isEmpty = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** A value as it appears in an issue message: strings quoted, objects by kind. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : `Date ${value.toISOString()}`;
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value);
}

/** Scalars read as text; lists and objects are a data problem, not something to stringify. */
export function asText(value: unknown): string | TransformFailure {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    default:
      return fail(`${show(value)} is not text`);
  }
}
