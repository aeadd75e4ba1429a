/**
 * Default mappings of the file connector: the header names ARE the canonical field names, so
 * a file exported with canonical headers needs no mapping at all. Built from one small table
 * of field kinds per entity; whether a field is required comes from the canonical schema.
 * Promotions use the camelCase names of the promotion definition (src/ordering/promotions/
 * definition.ts): `rule` and `eligibility` are objects in YAML/JSON and JSON text in a CSV cell.
 */
import { canonicalShape } from '../../core/sync/canonical.js';
import type { FieldRule, MappingSpec, TransformCall } from '../../mappings/types.js';
import type { CanonicalEntity } from '../contract.js';
import type { FileFormat } from './options.js';

/**
 * json: an object, or JSON text (parsed by the canonical schema); window: a promotion/coupon
 * window bound (date, local date-time or instant; read by the canonical schema); limit: a
 * whole number or "unlimited".
 */
type Kind = 'code' | 'text' | 'int' | 'decimal' | 'date' | 'bool' | 'currency' | 'status' | 'json' | 'window' | 'limit';

export const FIELD_KINDS: Record<CanonicalEntity, Record<string, Kind>> = {
  regions: { code: 'code', name: 'text' },
  dealers: {
    code: 'code', name: 'text', tier: 'code', dealer_group: 'text', status: 'status', cooperation_since: 'date',
    payment_terms_days: 'int', currency: 'currency', min_remaining_shelf_life_days: 'int',
  },
  dealer_regions: { dealer_code: 'code', region_code: 'code', valid_from: 'date', valid_to: 'date' },
  ship_tos: { dealer_code: 'code', code: 'code', name: 'text', address: 'text', region_code: 'code', contact: 'text', phone: 'text', status: 'status' },
  products: {
    sku: 'code', name: 'text', uom: 'text', pack_size: 'int', round_to_pack: 'bool', shelf_life_days: 'int',
    min_remaining_shelf_life_days: 'int', category: 'text', brand: 'text', status: 'status',
  },
  prices: {
    price_list_code: 'code', sku: 'code', unit_price: 'decimal', min_qty: 'int', currency: 'currency', tier: 'code',
    dealer_code: 'code', valid_from: 'date', valid_to: 'date',
  },
  warehouses: { code: 'code', name: 'text', region_code: 'code', priority: 'int', status: 'status' },
  stock_lots: { sku: 'code', warehouse_code: 'code', lot: 'code', on_hand: 'int', production_date: 'date', expiry_date: 'date', received_at: 'date' },
  credit_accounts: {
    dealer_code: 'code', credit_limit: 'decimal', ar_open: 'decimal', overdue: 'decimal', oldest_overdue_days: 'int', currency: 'currency',
  },
  ar_open_items: {
    dealer_code: 'code', document_no: 'code', document_date: 'date', due_date: 'date', amount: 'decimal', open_amount: 'decimal',
    currency: 'currency', paid_at: 'date',
  },
  promotions: {
    code: 'code', name: 'text', rule: 'json', eligibility: 'json', priority: 'int', stackable: 'bool', exclusiveGroup: 'code',
    validFrom: 'window', validTo: 'window', timeZone: 'text', requiresCoupon: 'bool', budgetAmount: 'decimal', budgetUses: 'int',
    perDealerLimit: 'int', status: 'status', source: 'text',
  },
  coupons: {
    code: 'code', promotion_code: 'code', max_uses: 'limit', per_dealer_limit: 'int', dealer_code: 'code', valid_from: 'window',
    valid_to: 'window', status: 'status',
  },
};

/** The transforms that turn a cell of this kind into its canonical form. */
function transforms(kind: Kind, format: FileFormat): TransformCall[] {
  switch (kind) {
    case 'code':
    case 'text':
      return ['trim'];
    case 'status':
      return ['trim', 'lower'];
    case 'currency':
      return ['trim', 'upper'];
    case 'int':
      return ['toInt'];
    case 'decimal':
      return ['toDecimal'];
    case 'bool':
      return ['toBoolean'];
    case 'date':
      // XLSX date cells arrive as Dates (or serial numbers); text files carry ISO dates.
      return format === 'xlsx' ? ['excelDate'] : [{ date: 'YYYY-MM-DD' }];
    case 'json':
    case 'window':
    case 'limit':
      // As read: the canonical schema knows the forms (objects or JSON text; Dates or text).
      return [];
  }
}

const isRequired = (entity: CanonicalEntity, field: string): boolean => {
  const schema = canonicalShape(entity)[field];
  return schema ? !schema.safeParse(undefined).success : false;
};

/**
 * The default mapping of `entity` read from files of `format`. `pattern` (the stream's file
 * pattern) names where promotions came from: promotions.source = "file:<pattern>".
 */
export function defaultMapping(entity: CanonicalEntity, format: FileFormat, pattern?: string): MappingSpec {
  const fields: Record<string, FieldRule> = {};
  for (const [field, kind] of Object.entries(FIELD_KINDS[entity])) {
    const required = isRequired(entity, field);
    // Optional fields: an empty cell becomes null, so a re-sync can clear a value.
    fields[field] = required ? { from: field, transforms: transforms(kind, format), required: true } : { from: field, transforms: ['nullIfEmpty', ...transforms(kind, format)] };
  }
  if (entity === 'promotions') fields.source = { value: `file:${pattern ?? format}` };
  return { fields };
}
