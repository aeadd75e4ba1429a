/**
 * Canonical records: what a mapping must produce for each entity before the sync runner
 * upserts it. Codes stand in for ids (the runner resolves them in SQL). Dates are
 * 'YYYY-MM-DD', money and other decimals are decimal strings, quantities are integers.
 *
 * Promotions and coupons are validated by the promotion definitions themselves
 * (src/ordering/promotions/definition.ts) and converted to their row values here, so their
 * schemas are an object (the fields a mapping produces) piped into that conversion.
 */
import { z } from 'zod';
import type { CanonicalEntity } from '../../connectors/contract.js';
import { couponInput, PROMOTION_TYPES, promotionInput } from '../../ordering/promotions/definition.js';
import { promotionRecord } from '../../promotions/record.js';
import { isTimeZone, parseWindowBound } from '../../promotions/window.js';
import { UserError } from '../errors.js';

const code = z.string().trim().min(1).max(64);
const text = z.string().trim().min(1).max(500);
const optionalText = z.string().trim().max(500).nullish();
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');
const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal number');
const nonNegativeDecimal = z.string().regex(/^\d+(\.\d+)?$/, 'expected a non-negative decimal number');
const quantity = z.number().int('expected a whole number').min(0, 'expected a quantity ≥ 0');
const regionCode = z.string().regex(/^\d{2}(\d{2}(\d{2})?)?$/, 'expected a 2-, 4- or 6-digit region code');
const districtCode = z.string().regex(/^\d{6}$/, 'expected a 6-digit district code');
const currency = z.string().regex(/^[A-Z]{3}$/, 'expected a 3-letter currency code');

type Issues = z.core.$ZodRawIssue[];
const isBlank = (value: unknown): boolean => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
const required = z.custom<unknown>((value) => !isBlank(value), 'required value is missing');
const optional = z.unknown().optional();
const TRUE = new Set(['true', '1', 'yes', 'y']);
const FALSE = new Set(['false', '0', 'no', 'n']);
// Amounts inside a rule are decimal strings; a YAML or JSON number there is taken as written.
const RULE_AMOUNTS = new Set(['threshold', 'amountOff', 'every', 'maxAmountOff', 'percentOff', 'minSubtotal', 'price', 'unitPrice']);

/** A window bound as text: an XLSX date cell (a Date built from the cell's wall time in UTC) becomes that local date-time. */
function windowText(value: unknown): unknown {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString().slice(0, 19) : value;
}

function amountsAsText(value: unknown, key?: string): unknown {
  if (typeof value === 'number' && key !== undefined && RULE_AMOUNTS.has(key)) return String(value);
  if (Array.isArray(value)) return value.map((item) => amountsAsText(item));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, amountsAsText(v, k)]));
  return value;
}

/** `rule`/`eligibility` as objects: a CSV cell holds JSON text, YAML and JSON sources hold the object. */
function jsonField(value: unknown, field: string, issues: Issues): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch (error) {
    issues.push({ code: 'custom', path: [field], message: `not valid JSON (${(error as Error).message})`, input: value });
    return undefined;
  }
}

/**
 * The source record as `promotionInput` takes it: blank values left out (so its defaults
 * apply), JSON text parsed, and whole numbers and yes/no values written as text read as such.
 */
function promotionSource(record: Record<string, unknown>, issues: Issues): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [field, raw] of Object.entries(record)) {
    if (isBlank(raw) || field === 'source') continue;
    let value = typeof raw === 'string' ? raw.trim() : raw;
    if (field === 'rule' || field === 'eligibility') value = jsonField(value, field, issues);
    if (field === 'rule') value = amountsAsText(value);
    if ((field === 'priority' || field === 'budgetUses' || field === 'perDealerLimit') && typeof value === 'string' && /^\d+$/.test(value)) value = Number(value);
    if ((field === 'stackable' || field === 'requiresCoupon') && typeof value === 'string') {
      const word = value.toLowerCase();
      if (TRUE.has(word)) value = true;
      else if (FALSE.has(word)) value = false;
    }
    if (field === 'budgetAmount' && typeof value === 'number') value = String(value);
    if (field === 'validFrom' || field === 'validTo') value = windowText(value);
    input[field] = value;
  }
  return input;
}

/** One issue per problem, named by its field; an unknown rule type says which types there are. */
function promotionIssue(issue: z.core.$ZodIssue, input: Record<string, unknown>): { path: PropertyKey[]; message: string } {
  const rule = input.rule as { type?: unknown } | undefined;
  if (issue.code === 'invalid_union' && issue.path.length === 1 && issue.path[0] === 'rule') {
    if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) return { path: ['rule'], message: 'expected an object with a "type" (JSON text in a CSV cell)' };
    if (!PROMOTION_TYPES.includes(rule.type as never)) return { path: ['rule', 'type'], message: `expected one of ${PROMOTION_TYPES.join(', ')}` };
  }
  return { path: issue.path, message: issue.message };
}

/** A promotion record (the fields of `promotionInput`, camelCase) and where it came from. */
const promotionFields = z.object({
  code: required,
  name: required,
  rule: required,
  eligibility: optional,
  priority: optional,
  stackable: optional,
  exclusiveGroup: optional,
  validFrom: optional,
  validTo: optional,
  timeZone: optional,
  requiresCoupon: optional,
  budgetAmount: optional,
  budgetUses: optional,
  perDealerLimit: optional,
  status: optional,
  /** Stored in promotions.source (e.g. "file:promotions.yaml"); default "sync". */
  source: z.string().trim().min(1).max(200).nullish(),
});

/** Validated by `promotionInput` and turned into its row by `promotionRecord`, as the admin API does. */
const promotionsSchema = promotionFields.transform((record, ctx) => {
  const input = promotionSource(record, ctx.issues);
  if (ctx.issues.length > 0) return z.NEVER;
  const parsed = promotionInput.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.issues.push({ code: 'custom', ...promotionIssue(issue, input), input: undefined });
    return z.NEVER;
  }
  if (!isTimeZone(parsed.data.timeZone)) {
    ctx.issues.push({ code: 'custom', path: ['timeZone'], message: `unknown time zone "${parsed.data.timeZone}" (an IANA name such as Asia/Shanghai)`, input: parsed.data.timeZone });
    return z.NEVER;
  }
  try {
    return { ...promotionRecord(parsed.data), source: record.source ?? null };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    const field = typeof error.details?.field === 'string' ? error.details.field : 'validFrom';
    ctx.issues.push({ code: 'custom', path: [field], message: error.message, input: input[field] });
    return z.NEVER;
  }
});

/** max_uses: a whole number, or "unlimited"; blank means single use (as couponInput's default). */
const useLimit = z.preprocess(
  (value) => (typeof value === 'string' ? (/^\s*\d+\s*$/.test(value) ? Number(value) : value.trim().toLowerCase()) : value),
  z.union([z.number().int().positive().max(1_000_000_000), z.literal('unlimited')], { error: 'expected a whole number ≥ 1 or "unlimited"' }),
);
const couponBound = z.preprocess(windowText, z.string().trim().max(40));
const INSTANT = /(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * A coupon bound for the sink: an instant (…Z) stays an instant; a local date or date-time
 * is kept as local wall time ("2026-11-11T00:00:00") and read in the promotion's time zone
 * when written (sinks.ts). `approx` reads a local bound in Asia/Shanghai, to check the order.
 */
function couponWindowBound(text: string | null | undefined, field: string, issues: Issues): { value: string | null; approx: Date | null } | undefined {
  if (text === null || text === undefined || text === '') return { value: null, approx: null };
  try {
    const approx = parseWindowBound(text, 'Asia/Shanghai', field)!;
    const value = INSTANT.test(text) ? approx.toISOString() : parseWindowBound(text, 'UTC', field)!.toISOString().slice(0, 19);
    return { value, approx };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    issues.push({ code: 'custom', path: [field], message: error.message, input: text });
    return undefined;
  }
}

const couponFields = z.object({
  /** Stored upper-case: codes are matched case-insensitively, so "vip-88" and "VIP-88" are one coupon. */
  code: couponInput.shape.code,
  promotion_code: promotionInput.shape.code,
  /** Blank: single use; "unlimited": no limit. */
  max_uses: useLimit.nullish(),
  per_dealer_limit: z.number().int().positive().nullish(),
  /** A code issued to one dealer; blank: any dealer the promotion is open to. */
  dealer_code: code.nullish(),
  /** A date, local date-time or instant; local ones are read in the promotion's time zone. */
  valid_from: couponBound.nullish(),
  valid_to: couponBound.nullish(),
  status: z.enum(['active', 'disabled']).nullish(),
});

const couponsSchema = couponFields.transform((coupon, ctx) => {
  const from = couponWindowBound(coupon.valid_from, 'valid_from', ctx.issues);
  const to = couponWindowBound(coupon.valid_to, 'valid_to', ctx.issues);
  if (!from || !to) return z.NEVER;
  if (from.approx && to.approx && to.approx.getTime() <= from.approx.getTime()) {
    ctx.issues.push({ code: 'custom', path: ['valid_to'], message: `valid_to (${coupon.valid_to}) must be after valid_from (${coupon.valid_from})`, input: coupon.valid_to });
    return z.NEVER;
  }
  return {
    code: coupon.code.toUpperCase(),
    promotion_code: coupon.promotion_code,
    max_uses: coupon.max_uses === 'unlimited' ? null : (coupon.max_uses ?? 1),
    per_dealer_limit: coupon.per_dealer_limit ?? null,
    dealer_code: coupon.dealer_code ?? null,
    valid_from: from.value,
    valid_to: to.value,
    status: coupon.status ?? 'active',
  };
});

export const canonicalSchemas = {
  regions: z.object({ code: regionCode, name: text }),
  dealers: z.object({
    code,
    name: text,
    tier: code,
    dealer_group: optionalText,
    status: z.enum(['active', 'suspended', 'closed']).nullish(),
    cooperation_since: date.nullish(),
    payment_terms_days: z.number().int().min(0).nullish(),
    currency: currency.nullish(),
    min_remaining_shelf_life_days: z.number().int().min(0).nullish(),
  }),
  dealer_regions: z.object({ dealer_code: code, region_code: regionCode, valid_from: date.nullish(), valid_to: date.nullish() }),
  ship_tos: z.object({
    dealer_code: code,
    code,
    name: text,
    address: text,
    region_code: districtCode,
    contact: optionalText,
    phone: optionalText,
    status: z.enum(['active', 'inactive']).nullish(),
  }),
  products: z.object({
    sku: code,
    name: text,
    uom: z.string().trim().min(1).max(16).nullish(),
    pack_size: z.number().int().positive().nullish(),
    round_to_pack: z.boolean().nullish(),
    shelf_life_days: z.number().int().positive().nullish(),
    min_remaining_shelf_life_days: z.number().int().min(0).nullish(),
    category: optionalText,
    brand: optionalText,
    status: z.enum(['active', 'inactive', 'discontinued']).nullish(),
  }),
  prices: z.object({
    price_list_code: code,
    sku: code,
    unit_price: nonNegativeDecimal,
    min_qty: z.number().int().min(1).nullish(),
    currency: currency.nullish(),
    tier: code.nullish(),
    dealer_code: code.nullish(),
    valid_from: date.nullish(),
    valid_to: date.nullish(),
  }),
  warehouses: z.object({ code, name: text, region_code: regionCode, priority: z.number().int().nullish(), status: z.enum(['active', 'inactive']).nullish() }),
  stock_lots: z.object({
    sku: code,
    warehouse_code: code,
    lot: code,
    on_hand: quantity,
    production_date: date.nullish(),
    expiry_date: date.nullish(),
    received_at: date.nullish(),
  }),
  credit_accounts: z.object({
    dealer_code: code,
    credit_limit: nonNegativeDecimal,
    ar_open: decimal.nullish(),
    overdue: nonNegativeDecimal.nullish(),
    oldest_overdue_days: z.number().int().min(0).nullish(),
    currency: currency.nullish(),
  }),
  ar_open_items: z.object({
    dealer_code: code,
    document_no: code,
    document_date: date,
    due_date: date,
    amount: decimal,
    open_amount: decimal,
    currency: currency.nullish(),
    paid_at: date.nullish(),
  }),
  promotions: promotionsSchema,
  coupons: couponsSchema,
} satisfies Record<CanonicalEntity, z.ZodObject | z.ZodPipe<z.ZodObject, z.ZodTransform>>;

/** What the sync runner upserts (for promotions and coupons: their row values). */
export type CanonicalRecord<E extends CanonicalEntity> = z.infer<(typeof canonicalSchemas)[E]>;

/** The fields a mapping produces for `entity`, with their schemas (the object before any conversion). */
export function canonicalShape(entity: CanonicalEntity): Record<string, z.ZodType> {
  const schema = canonicalSchemas[entity];
  return (schema instanceof z.ZodPipe ? (schema.in as z.ZodObject) : schema).shape;
}

/** The natural key of each entity: duplicates within one page are an issue, not two upserts. */
export const canonicalKeys: Record<CanonicalEntity, readonly string[]> = {
  regions: ['code'],
  dealers: ['code'],
  dealer_regions: ['dealer_code', 'region_code', 'valid_from'],
  ship_tos: ['dealer_code', 'code'],
  products: ['sku'],
  prices: ['price_list_code', 'sku', 'min_qty'],
  warehouses: ['code'],
  stock_lots: ['sku', 'warehouse_code', 'lot'],
  credit_accounts: ['dealer_code'],
  ar_open_items: ['dealer_code', 'document_no'],
  promotions: ['code'],
  coupons: ['code'],
};
