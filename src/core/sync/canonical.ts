/**
 * Canonical records: what a mapping must produce for each entity before the sync runner
 * upserts it. Codes stand in for ids (the runner resolves them in SQL). Dates are
 * 'YYYY-MM-DD', money and other decimals are decimal strings, quantities are integers.
 */
import { z } from 'zod';
import type { CanonicalEntity } from '../../connectors/contract.js';

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
} satisfies Record<CanonicalEntity, z.ZodObject>;

export type CanonicalRecord<E extends CanonicalEntity> = z.infer<(typeof canonicalSchemas)[E]>;

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
};
