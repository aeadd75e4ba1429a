/**
 * Default mappings of the file connector: the header names ARE the canonical field names, so
 * a file exported with canonical headers needs no mapping at all. Built from one small table
 * of field kinds per entity; whether a field is required comes from the canonical schema.
 */
import { canonicalSchemas } from '../../core/sync/canonical.js';
import type { FieldRule, MappingSpec, TransformCall } from '../../mappings/types.js';
import type { CanonicalEntity } from '../contract.js';
import type { FileFormat } from './options.js';

type Kind = 'code' | 'text' | 'int' | 'decimal' | 'date' | 'bool' | 'currency' | 'status';

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
  }
}

const isRequired = (entity: CanonicalEntity, field: string): boolean => {
  const shape = canonicalSchemas[entity].shape as Record<string, { safeParse(value: unknown): { success: boolean } }>;
  return shape[field] ? !shape[field].safeParse(undefined).success : false;
};

/** The default mapping of `entity` read from files of `format`. */
export function defaultMapping(entity: CanonicalEntity, format: FileFormat): MappingSpec {
  const fields: Record<string, FieldRule> = {};
  for (const [field, kind] of Object.entries(FIELD_KINDS[entity])) {
    const required = isRequired(entity, field);
    // Optional fields: an empty cell becomes null, so a re-sync can clear a value.
    fields[field] = required ? { from: field, transforms: transforms(kind, format), required: true } : { from: field, transforms: ['nullIfEmpty', ...transforms(kind, format)] };
  }
  return { fields };
}
