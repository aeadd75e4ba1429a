/**
 * The streams of the `oracle-ebs` connector as data: query, keyset and default mapping each.
 * Field names are the EBS column names lower-cased (the sql connector lower-cases Oracle's
 * upper-case names); dates arrive as 'YYYY-MM-DDTHH:MM:SS', numbers as numbers.
 */
import type { MappingSpec, TransformCall } from '../../mappings/types.js';
import type { CanonicalEntity, StreamSpec } from '../contract.js';
import type { SqlOptions } from '../sql/index.js';
import type { OracleEbsOptions } from './options.js';
import { arOpenItemsQuery, creditQuery, dealersQuery, productsQuery, shipTosQuery, stockQuery } from './queries.js';

export interface EbsStream {
  name: string;
  entity: CanonicalEntity;
  mode: 'incremental' | 'snapshot';
  query(options: OracleEbsOptions): string;
  /** Keyset: the cursor column, then tie-breakers making it unique. */
  cursor: { column: string; tieBreaker?: string[] };
  primaryKey: string[];
  mapping(options: OracleEbsOptions): MappingSpec;
}

const code: TransformCall[] = ['trim'];
const text: TransformCall[] = ['trim', 'nullIfEmpty'];
const day: TransformCall[] = [{ date: 'YYYY-MM-DD' }];
const money: TransformCall[] = ['toDecimal'];

export const EBS_STREAMS: readonly EbsStream[] = [
  {
    name: 'products',
    entity: 'products',
    mode: 'incremental',
    query: productsQuery,
    cursor: { column: 'last_update_date', tieBreaker: ['inventory_item_id'] },
    primaryKey: ['inventory_item_id'],
    mapping: (o) => ({
      fields: {
        sku: { from: 'segment1', transforms: code, required: true },
        name: { from: ['description', 'segment1'], transforms: ['trim'], required: true },
        uom: { from: 'primary_uom_code', transforms: text },
        shelf_life_days: { from: 'shelf_life_days', transforms: ['toInt', { map: { '0': null } }] },
        category: { from: 'category', transforms: text },
        // A status the table does not know reads as inactive: nothing becomes orderable by accident.
        status: { from: 'inventory_item_status_code', transforms: ['trim', { lookup: { table: 'itemStatuses', default: 'inactive' } }] },
      },
      lookups: { itemStatuses: { ...o.itemStatuses } },
    }),
  },
  {
    name: 'stock',
    entity: 'stock_lots',
    mode: 'snapshot',
    query: stockQuery,
    cursor: { column: 'segment1', tieBreaker: ['warehouse_key', 'lot_number'] },
    primaryKey: ['segment1', 'warehouse_key', 'lot_number'],
    mapping: (o) => ({
      fields: {
        sku: { from: 'segment1', transforms: code, required: true },
        warehouse_code: { from: 'warehouse_key', transforms: Object.keys(o.warehouses).length > 0 ? ['trim', { lookup: 'warehouses' }] : code, required: true },
        lot: { from: 'lot_number', transforms: code, default: 'NOLOT' },
        on_hand: { from: 'on_hand', transforms: ['toInt'], required: true },
        production_date: { from: 'origination_date', transforms: day },
        expiry_date: { from: 'expiration_date', transforms: day },
        received_at: { from: 'date_received', transforms: day },
      },
      lookups: { warehouses: { ...o.warehouses } },
    }),
  },
  {
    name: 'dealers',
    entity: 'dealers',
    mode: 'incremental',
    query: dealersQuery,
    cursor: { column: 'last_update_date', tieBreaker: ['cust_account_id'] },
    primaryKey: ['cust_account_id'],
    mapping: (o) => ({
      fields: {
        code: { from: 'account_number', transforms: code, required: true },
        name: { from: ['party_name', 'account_name'], transforms: ['trim'], required: true },
        tier: { from: 'customer_class_code', transforms: ['trim', { lookup: { table: 'tiers', default: o.defaultTier } }], default: o.defaultTier, required: true },
        // An inactive account can be re-activated in EBS: suspended, not closed.
        status: { from: 'status', transforms: ['trim', { map: { A: 'active', I: 'suspended' } }] },
        cooperation_since: { from: ['account_established_date', 'creation_date'], transforms: day },
      },
      lookups: { tiers: { ...o.tiers } },
    }),
  },
  {
    name: 'ship_tos',
    entity: 'ship_tos',
    mode: 'incremental',
    query: shipTosQuery,
    cursor: { column: 'last_update_date', tieBreaker: ['site_use_id'] },
    primaryKey: ['site_use_id'],
    mapping: (o) => ({
      fields: {
        dealer_code: { from: 'account_number', transforms: code, required: true },
        code: { from: 'location', transforms: code, required: true },
        name: { from: ['party_site_name', 'location'], transforms: ['trim'], required: true },
        address: { from: 'full_address', transforms: ['trim'], required: true },
        region_code: { from: 'region_key', transforms: 'attribute' in o.shipToRegion ? code : ['trim', { lookup: 'regions' }], required: true },
        status: { from: 'status', transforms: [{ map: { A: 'active', I: 'inactive' } }] },
      },
      lookups: { regions: 'lookup' in o.shipToRegion ? { ...o.shipToRegion.lookup } : {} },
    }),
  },
  {
    name: 'credit',
    entity: 'credit_accounts',
    mode: 'snapshot',
    query: creditQuery,
    cursor: { column: 'account_number' },
    primaryKey: ['account_number'],
    mapping: () => ({
      fields: {
        dealer_code: { from: 'account_number', transforms: code, required: true },
        credit_limit: { from: 'overall_credit_limit', transforms: money, required: true },
        ar_open: { from: 'ar_open', transforms: money },
        overdue: { from: 'overdue', transforms: money },
        oldest_overdue_days: { from: 'oldest_overdue_days', transforms: ['toInt'] },
        currency: { from: 'currency_code', transforms: ['trim', 'upper'] },
      },
    }),
  },
  {
    name: 'ar_open_items',
    entity: 'ar_open_items',
    mode: 'snapshot',
    query: arOpenItemsQuery,
    cursor: { column: 'payment_schedule_id' },
    primaryKey: ['payment_schedule_id'],
    mapping: () => ({
      fields: {
        dealer_code: { from: 'account_number', transforms: code, required: true },
        document_no: { from: 'document_no', transforms: code, required: true },
        document_date: { from: 'trx_date', transforms: day, required: true },
        due_date: { from: ['due_date', 'trx_date'], transforms: day, required: true },
        amount: { from: 'amount_due_original', transforms: money, required: true },
        open_amount: { from: 'amount_due_remaining', transforms: money, required: true },
        currency: { from: 'invoice_currency_code', transforms: ['trim', 'upper'] },
      },
    }),
  },
];

export function ebsStreamSpecs(options: OracleEbsOptions): StreamSpec[] {
  return EBS_STREAMS.map((s) => ({ name: s.name, entity: s.entity, mode: s.mode, primaryKey: s.primaryKey, cursorField: s.cursor.column, defaultMapping: s.mapping(options) }));
}

/** The same streams as a `sql` connector configuration (dialect oracle). */
export function toSqlOptions(options: OracleEbsOptions): SqlOptions {
  const streams = EBS_STREAMS.map((s) => [s.name, { entity: s.entity, mode: s.mode, query: s.query(options), cursor: s.cursor, primaryKey: s.primaryKey }] as const);
  return { dialect: 'oracle', url: options.url, pageSize: options.pageSize, timeoutMs: options.timeoutMs, retry: options.retry, streams: Object.fromEntries(streams) };
}
