/**
 * The `oracle-ebs` connector's YAML entry: where the EBS database is and the few facts of the
 * implementation the built-in queries need (master organization, which stock counts, where a
 * ship-to's region code lives).
 *
 * ```yaml
 * ebs:
 *   kind: oracle-ebs
 *   url: ${EBS_URL}                 # oracle://APPS_RO:pw@ebsdb.example.com:1521/EBSPROD
 *   organizationId: 204             # the item master organization (MTL_PARAMETERS.MASTER_ORGANIZATION_ID)
 *   categorySetId: 1100000041       # products.category = MTL_CATEGORIES_B.SEGMENT1 in this set
 *   warehouseLevel: organization
 *   warehouses: { M1: WH-SZ, M2: WH-CD }
 *   tiers: { KEY_ACCOUNT: A, DEALER: B }
 *   shipToRegion: { attribute: ATTRIBUTE5 }
 *   operatingUnitIds: [204]
 * ```
 *
 * With `orders:` (order-options.ts) the connector also takes approved orders, through Order Import.
 */
import { z } from 'zod';
import { parseUrl, sqlRetrySchema } from '../sql/index.js';
import { ebsOrdersSchema } from './order-options.js';

const code = z.string().trim().min(1).max(64);
const id = z.number().int().positive();

/** HZ_LOCATIONS columns a region key may be built from. */
export const LOCATION_COLUMNS = ['COUNTRY', 'STATE', 'PROVINCE', 'CITY', 'COUNTY', 'POSTAL_CODE', 'ADDRESS1', 'ADDRESS2', 'ADDRESS3', 'ADDRESS4'] as const;
export const AR_CLASSES = ['INV', 'DM', 'CM', 'CB', 'DEP', 'GUAR', 'PMT', 'BR'] as const;

const regionSchema = z.union([
  z
    .object({
      attribute: z
        .string()
        .regex(/^ATTRIBUTE([1-9]|1\d|20)$/, 'expected ATTRIBUTE1 … ATTRIBUTE20 of HZ_LOCATIONS')
        .describe('HZ_LOCATIONS descriptive flexfield column holding the 6-digit district code.'),
    })
    .strict(),
  z
    .object({
      lookup: z
        .record(z.string().min(1), z.string().regex(/^\d{6}$/, 'expected a 6-digit district code'))
        .describe('Region key → 6-digit district code, e.g. "广东省/深圳市/南山区": "440305".'),
      key: z.array(z.enum(LOCATION_COLUMNS)).min(1).default(['PROVINCE', 'CITY', 'COUNTY']).describe('HZ_LOCATIONS columns joined by "/" into the region key.'),
    })
    .strict(),
]);

export const oracleEbsOptionsSchema = z
  .object({
    url: z
      .string()
      .refine((url) => parseUrl(url)?.protocol === 'oracle:' && (parseUrl(url)?.pathname.length ?? 0) > 1, {
        message: 'expected oracle://user:password@host:1521/SERVICE_NAME (percent-encode special characters; use ${ENV_VAR})',
      })
      .describe('A read-only APPS-schema user is enough for the streams (they only SELECT); `orders:` also needs INSERT and DELETE on OE_HEADERS_IFACE_ALL / OE_LINES_IFACE_ALL and SELECT on OE_ORDER_HEADERS_ALL and OE_PROCESSING_MSGS(_TL).'),
    pageSize: z.number().int().min(1).max(100_000).default(5000),
    timeoutMs: z.number().int().positive().default(60_000).describe('Connect and per-statement timeout, in ms.'),
    retry: sqlRetrySchema.default({ retries: 2, minDelayMs: 500, maxDelayMs: 10_000 }),
    organizationId: id.describe('The item master organization (ORGANIZATION_ID); products are read there.'),
    inventoryOrganizationIds: z.array(id).default([]).describe('Organizations whose on-hand stock is read; default: every one under the master.'),
    warehouseLevel: z
      .enum(['organization', 'subinventory'])
      .default('organization')
      .describe('A warehouse is an inventory organization (key ORGANIZATION_CODE) or a subinventory (key ORGANIZATION_CODE.SUBINVENTORY_CODE).'),
    warehouses: z.record(code, code).default({}).describe('Warehouse key → warehouse code; when set, only these warehouses are read.'),
    nettableOnly: z.boolean().default(true).describe('Only stock in nettable subinventories (MTL_SECONDARY_INVENTORIES.AVAILABILITY_TYPE = 1).'),
    categorySetId: id.optional().describe('Category set whose category (SEGMENT1) becomes products.category; default: ITEM_TYPE.'),
    salesItemsOnly: z.boolean().default(true).describe('Only items with CUSTOMER_ORDER_FLAG = Y.'),
    itemStatuses: z
      .record(code, z.enum(['active', 'inactive', 'discontinued']))
      .default({ Active: 'active', Inactive: 'inactive', Obsolete: 'discontinued' })
      .describe('INVENTORY_ITEM_STATUS_CODE → product status; other codes read as inactive.'),
    dealerClasses: z.array(code).default([]).describe('Only accounts of these CUSTOMER_CLASS_CODEs are dealers; default: every external account.'),
    tiers: z.record(code, code).default({}).describe('CUSTOMER_CLASS_CODE → dealer tier.'),
    defaultTier: code.default('standard').describe('Tier of an account whose class is not in tiers.'),
    operatingUnitIds: z.array(id).default([]).describe('ORG_IDs whose ship-tos and receivables are read; default: all.'),
    shipToRegion: regionSchema.default({ lookup: {}, key: ['PROVINCE', 'CITY', 'COUNTY'] }).describe('Where the ship-to\'s district code comes from.'),
    creditCurrency: z.string().regex(/^[A-Z]{3}$/, 'expected a 3-letter currency code').default('CNY').describe('Currency of the account-level credit limit read.'),
    arClasses: z.array(z.enum(AR_CLASSES)).min(1).default(['INV', 'DM', 'CM', 'CB']).describe('AR_PAYMENT_SCHEDULES_ALL classes listed as open items.'),
    orders: ebsOrdersSchema.optional().describe('Take approved orders through the Order Import interface (an order target); see order-options.ts.'),
  })
  .strict();

export type OracleEbsOptions = z.infer<typeof oracleEbsOptionsSchema>;

/** A text as an Oracle string literal (values from the configuration, never from records). */
export const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;
export const inList = (values: ReadonlyArray<string | number>): string => values.map((v) => (typeof v === 'number' ? String(v) : literal(v))).join(', ');
