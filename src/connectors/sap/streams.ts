/**
 * The streams of the `sap` connector, as data: which service and entity set, which fields,
 * how the change stamp is read, and the default mapping to the canonical entity. Entity sets
 * and property names are SAP's published metadata (API_PRODUCT_SRV, API_MATERIAL_STOCK_SRV,
 * API_BUSINESS_PARTNER); test/connectors/sap.test.ts checks the fixtures against it.
 */
import type { CanonicalEntity, SourceRecord, StreamSpec } from '../contract.js';
import type { MappingSpec } from '../../mappings/types.js';
import type { AggregateSpec } from '../shared/aggregate.js';
import { andOf, orOf, stringLiteral } from './odata.js';
import type { SapOptions, SapService } from './options.js';
import type { StampSpec } from './stamps.js';

export interface SapStream {
  name: string;
  entity: CanonicalEntity;
  mode: 'incremental' | 'snapshot';
  service: SapService;
  entitySet: string;
  /** Source key of one yielded record (after aggregation). */
  key: readonly string[];
  select?: readonly string[];
  expand?: readonly string[];
  /** Static `$filter` (before the change-stamp filter). */
  filter?(options: SapOptions): string | undefined;
  /** `$orderby` after the stamp fields; must end in a unique key so paging is stable. */
  orderBy: readonly string[];
  stamp?: StampSpec;
  /** Rows are summed over this key; `$orderby` must start with `aggregate.by` so groups are contiguous. */
  aggregate?: AggregateSpec;
  /** Adds derived fields to a raw record (the description in the configured language …). */
  shape?(record: SourceRecord, options: SapOptions): SourceRecord;
  mapping(options: SapOptions): MappingSpec;
}

const code = ['trim', 'stripLeadingZeros'];
const text = ['trim', 'nullIfEmpty'];

const results = (value: unknown): SourceRecord[] => {
  const list = value && typeof value === 'object' ? (value as { results?: unknown }).results : undefined;
  return Array.isArray(list) ? (list as SourceRecord[]) : [];
};

export const SAP_STREAMS: readonly SapStream[] = [
  {
    name: 'products',
    entity: 'products',
    mode: 'incremental',
    service: 'product',
    entitySet: 'A_Product',
    key: ['Product'],
    expand: ['to_Description', 'to_ProductStorage'],
    filter: (o) => orOf(o.productTypes.map((type) => `ProductType eq ${stringLiteral(type)}`)),
    orderBy: ['Product'],
    stamp: { primary: { kind: 'datetimeoffset', field: 'LastChangeDateTime' } },
    // $filter cannot reach into an expanded 1:n navigation in OData v2: pick the language here.
    shape(record, options) {
      const descriptions = results(record.to_Description);
      const chosen = descriptions.find((d) => d.Language === options.language) ?? descriptions[0];
      return { ...record, ProductDescription: chosen?.ProductDescription ?? null };
    },
    mapping: () => ({
      fields: {
        sku: { from: 'Product', transforms: code, required: true },
        name: { from: ['ProductDescription', 'Product'], transforms: ['trim'], required: true },
        uom: { from: 'BaseUnit', transforms: text },
        // TotalShelfLife is in days when ShelfLifeExpirationDatePeriod is blank or D; 0 means none.
        shelf_life_days: { from: 'to_ProductStorage.TotalShelfLife', transforms: ['toInt', { map: { '0': null } }] },
        min_remaining_shelf_life_days: { from: 'to_ProductStorage.MinRemainingShelfLife', transforms: ['toInt'] },
        category: { from: 'ProductGroup', transforms: text },
        brand: { from: 'Brand', transforms: text },
        status: { from: 'IsMarkedForDeletion', transforms: [{ map: { true: 'discontinued', false: 'active' } }], default: false },
      },
    }),
  },
  {
    name: 'stock',
    entity: 'stock_lots',
    mode: 'snapshot',
    service: 'materialStock',
    entitySet: 'A_MatlStkInAcctMod',
    key: ['Material', 'Plant', 'Batch'],
    select: ['Material', 'Plant', 'StorageLocation', 'Batch', 'InventoryStockType', 'InventorySpecialStockType', 'MaterialBaseUnit', 'MatlWrhsStkQtyInMatlBaseUnit'],
    // Unrestricted-use (01) own stock only: special stock (consignment, sales-order stock …) is not ours to promise.
    filter: (o) =>
      andOf([
        `InventoryStockType eq '01'`,
        `InventorySpecialStockType eq ''`,
        orOf(Object.keys(o.plants).map((plant) => `Plant eq ${stringLiteral(plant)}`)),
      ]),
    orderBy: ['Material', 'Plant', 'Batch', 'StorageLocation'],
    aggregate: { by: ['Material', 'Plant', 'Batch'], sum: ['MatlWrhsStkQtyInMatlBaseUnit'] },
    mapping: (o) => ({
      fields: {
        sku: { from: 'Material', transforms: code, required: true },
        warehouse_code: { from: 'Plant', transforms: Object.keys(o.plants).length > 0 ? ['trim', { lookup: 'plants' }] : ['trim'], required: true },
        lot: { from: 'Batch', transforms: ['trim'], default: 'NOLOT' },
        on_hand: { from: 'MatlWrhsStkQtyInMatlBaseUnit', transforms: ['toInt'], required: true },
      },
      lookups: { plants: { ...o.plants } },
    }),
  },
  {
    name: 'business_partners',
    entity: 'dealers',
    mode: 'incremental',
    service: 'businessPartner',
    entitySet: 'A_BusinessPartner',
    key: ['BusinessPartner'],
    expand: ['to_Customer', 'to_Customer/to_CustomerSalesArea'],
    filter: () => `Customer ne ''`,
    orderBy: ['BusinessPartner'],
    stamp: {
      primary: { kind: 'datetime', date: 'LastChangeDate', time: 'LastChangeTime' },
      fallback: { kind: 'datetime', date: 'CreationDate', time: 'CreationTime' },
    },
    // The dealer's tier and currency live in one sales area of the customer; flatten it as SalesArea.
    shape(record, options) {
      const areas = results((record.to_Customer as SourceRecord | undefined)?.to_CustomerSalesArea);
      const wanted = options.salesArea;
      const area = wanted
        ? areas.find((a) => a.SalesOrganization === wanted.salesOrganization && a.DistributionChannel === wanted.distributionChannel && a.Division === wanted.division)
        : areas[0];
      return { ...record, SalesArea: area ?? null };
    },
    mapping: (o) => ({
      fields: {
        code: { from: 'Customer', transforms: code, required: true },
        name: { from: ['BusinessPartnerFullName', 'BusinessPartnerName', 'OrganizationBPName1'], transforms: ['trim'], required: true },
        tier: { from: 'SalesArea.CustomerGroup', transforms: ['trim', { lookup: 'tiers' }], default: o.defaultTier, required: true },
        status: { from: 'BusinessPartnerIsBlocked', transforms: [{ map: { true: 'suspended', false: 'active' } }], default: false },
        cooperation_since: { from: 'CreationDate', transforms: ['sapDate'] },
        currency: { from: 'SalesArea.Currency', transforms: ['trim', 'upper', 'nullIfEmpty'] },
      },
      // defaultTier stands in for an empty CustomerGroup; it maps to itself unless tiers says otherwise.
      lookups: { tiers: { [o.defaultTier]: o.defaultTier, ...o.tiers } },
    }),
  },
];

export function sapStreamSpecs(options: SapOptions): StreamSpec[] {
  return SAP_STREAMS.map((s) => ({
    name: s.name,
    entity: s.entity,
    mode: s.mode,
    primaryKey: s.key,
    ...(s.stamp ? { cursorField: s.stamp.primary.kind === 'datetimeoffset' ? s.stamp.primary.field : s.stamp.primary.date } : {}),
    defaultMapping: s.mapping(options),
  }));
}
