/**
 * The SELECTs behind each Oracle E-Business Suite stream (R12 table and column names). The
 * sql connector wraps each as a subquery and pages it by keyset, so every query yields one
 * row per record with non-null key columns. Unquoted aliases come back lower-cased.
 * Options are embedded as numbers or escaped literals; nothing from records is.
 */
import { inList, literal, type OracleEbsOptions } from './options.js';

const and = (conditions: Array<string | false | undefined>) => conditions.filter(Boolean).join('\n   AND ');

/** Items of the master organization; a category change also moves the item's stamp. */
export function productsQuery(o: OracleEbsOptions): string {
  const assignments = `FROM MTL_ITEM_CATEGORIES mic%JOIN%
      WHERE mic.INVENTORY_ITEM_ID = msi.INVENTORY_ITEM_ID AND mic.ORGANIZATION_ID = msi.ORGANIZATION_ID AND mic.CATEGORY_SET_ID = ${o.categorySetId}`;
  const category = `(SELECT MIN(mc.SEGMENT1) ${assignments.replace('%JOIN%', ' JOIN MTL_CATEGORIES_B mc ON mc.CATEGORY_ID = mic.CATEGORY_ID')})`;
  const assigned = `(SELECT MAX(mic.LAST_UPDATE_DATE) ${assignments.replace('%JOIN%', '')})`;
  return `SELECT msi.INVENTORY_ITEM_ID, msi.SEGMENT1, msi.DESCRIPTION, msi.PRIMARY_UOM_CODE, msi.ITEM_TYPE,
       msi.INVENTORY_ITEM_STATUS_CODE, msi.CUSTOMER_ORDER_ENABLED_FLAG, msi.SHELF_LIFE_CODE,
       CASE WHEN msi.SHELF_LIFE_CODE = 2 THEN msi.SHELF_LIFE_DAYS END AS SHELF_LIFE_DAYS,
       ${o.categorySetId ? category : 'msi.ITEM_TYPE'} AS CATEGORY,
       ${o.categorySetId ? `GREATEST(msi.LAST_UPDATE_DATE, NVL(${assigned}, msi.LAST_UPDATE_DATE))` : 'msi.LAST_UPDATE_DATE'} AS LAST_UPDATE_DATE
  FROM MTL_SYSTEM_ITEMS_B msi
 WHERE ${and([`msi.ORGANIZATION_ID = ${o.organizationId}`, o.salesItemsOnly && `msi.CUSTOMER_ORDER_FLAG = 'Y'`])}`;
}

/** The warehouse an on-hand row counts in: its organization, or organization.subinventory. */
function warehouseKey(o: OracleEbsOptions): string {
  return o.warehouseLevel === 'subinventory' ? `mp.ORGANIZATION_CODE || '.' || moqd.SUBINVENTORY_CODE` : 'mp.ORGANIZATION_CODE';
}

/**
 * On hand per item × warehouse × lot in the primary UOM (PRIMARY_TRANSACTION_QUANTITY; the
 * TRANSACTION_QUANTITY of a row may be in another UOM). Lots with nothing left are not listed.
 */
export function stockQuery(o: OracleEbsOptions): string {
  const organizations = o.inventoryOrganizationIds.length > 0 ? `moqd.ORGANIZATION_ID IN (${inList(o.inventoryOrganizationIds)})` : `mp.MASTER_ORGANIZATION_ID = ${o.organizationId}`;
  const warehouses = Object.keys(o.warehouses);
  return `SELECT msi.SEGMENT1, ${warehouseKey(o)} AS WAREHOUSE_KEY, NVL(moqd.LOT_NUMBER, 'NOLOT') AS LOT_NUMBER,
       SUM(moqd.PRIMARY_TRANSACTION_QUANTITY) AS ON_HAND, MIN(mln.ORIGINATION_DATE) AS ORIGINATION_DATE,
       MIN(mln.EXPIRATION_DATE) AS EXPIRATION_DATE, MIN(NVL(moqd.ORIG_DATE_RECEIVED, moqd.DATE_RECEIVED)) AS DATE_RECEIVED
  FROM MTL_ONHAND_QUANTITIES_DETAIL moqd
  JOIN MTL_SYSTEM_ITEMS_B msi ON msi.INVENTORY_ITEM_ID = moqd.INVENTORY_ITEM_ID AND msi.ORGANIZATION_ID = moqd.ORGANIZATION_ID
  JOIN MTL_PARAMETERS mp ON mp.ORGANIZATION_ID = moqd.ORGANIZATION_ID${
    o.nettableOnly
      ? `
  JOIN MTL_SECONDARY_INVENTORIES msub ON msub.ORGANIZATION_ID = moqd.ORGANIZATION_ID AND msub.SECONDARY_INVENTORY_NAME = moqd.SUBINVENTORY_CODE AND msub.AVAILABILITY_TYPE = 1`
      : ''
  }
  LEFT JOIN MTL_LOT_NUMBERS mln ON mln.INVENTORY_ITEM_ID = moqd.INVENTORY_ITEM_ID AND mln.ORGANIZATION_ID = moqd.ORGANIZATION_ID AND mln.LOT_NUMBER = moqd.LOT_NUMBER
 WHERE ${and([organizations, o.salesItemsOnly && `msi.CUSTOMER_ORDER_FLAG = 'Y'`, warehouses.length > 0 && `${warehouseKey(o)} IN (${inList(warehouses)})`])}
 GROUP BY msi.SEGMENT1, ${warehouseKey(o)}, NVL(moqd.LOT_NUMBER, 'NOLOT')
HAVING SUM(moqd.PRIMARY_TRANSACTION_QUANTITY) > 0`;
}

/** Which accounts are dealers: external ones, of the configured classes. Every account-based stream applies it. */
function dealerAccounts(o: OracleEbsOptions): string[] {
  return [`NVL(hca.CUSTOMER_TYPE, 'R') = 'R'`, ...(o.dealerClasses.length > 0 ? [`hca.CUSTOMER_CLASS_CODE IN (${inList(o.dealerClasses)})`] : [])];
}

/** Dealer accounts; a change of the party (its name) moves the stamp too. */
export function dealersQuery(o: OracleEbsOptions): string {
  return `SELECT hca.CUST_ACCOUNT_ID, hca.ACCOUNT_NUMBER, hca.ACCOUNT_NAME, hp.PARTY_NAME, hca.CUSTOMER_CLASS_CODE, hca.STATUS,
       hca.ACCOUNT_ESTABLISHED_DATE, hca.CREATION_DATE, GREATEST(hca.LAST_UPDATE_DATE, hp.LAST_UPDATE_DATE) AS LAST_UPDATE_DATE
  FROM HZ_CUST_ACCOUNTS hca
  JOIN HZ_PARTIES hp ON hp.PARTY_ID = hca.PARTY_ID
 WHERE ${and(dealerAccounts(o))}`;
}

/** The region column: a flexfield attribute holding the code, or a key the `regions` lookup translates (|| skips NULLs). */
function regionKey(o: OracleEbsOptions): string {
  const region = o.shipToRegion;
  return 'attribute' in region ? `hl.${region.attribute}` : region.key.map((column) => `hl.${column}`).join(` || '/' || `);
}

/** SHIP_TO site uses with their address; the address reads from province down, as written in China. */
export function shipTosQuery(o: OracleEbsOptions): string {
  const parts = ['PROVINCE', 'CITY', 'COUNTY', 'ADDRESS1', 'ADDRESS2', 'ADDRESS3', 'ADDRESS4'].map((c) => `hl.${c}`).join(` || ' ' || `);
  return `SELECT hcsu.SITE_USE_ID, hca.ACCOUNT_NUMBER, hcsu.LOCATION, hps.PARTY_SITE_NUMBER, hps.PARTY_SITE_NAME, hp.PARTY_NAME,
       hl.ADDRESS1, hl.ADDRESS2, hl.CITY, hl.COUNTY, hl.STATE, hl.PROVINCE, hl.POSTAL_CODE, hl.COUNTRY,
       TRIM(REGEXP_REPLACE(${parts}, ' {2,}', ' ')) AS FULL_ADDRESS,
       ${regionKey(o)} AS REGION_KEY,
       CASE WHEN hcsu.STATUS = 'A' AND hcas.STATUS = 'A' THEN 'A' ELSE 'I' END AS STATUS,
       GREATEST(hcsu.LAST_UPDATE_DATE, hcas.LAST_UPDATE_DATE, hps.LAST_UPDATE_DATE, hl.LAST_UPDATE_DATE) AS LAST_UPDATE_DATE
  FROM HZ_CUST_SITE_USES_ALL hcsu
  JOIN HZ_CUST_ACCT_SITES_ALL hcas ON hcas.CUST_ACCT_SITE_ID = hcsu.CUST_ACCT_SITE_ID
  JOIN HZ_CUST_ACCOUNTS hca ON hca.CUST_ACCOUNT_ID = hcas.CUST_ACCOUNT_ID
  JOIN HZ_PARTIES hp ON hp.PARTY_ID = hca.PARTY_ID
  JOIN HZ_PARTY_SITES hps ON hps.PARTY_SITE_ID = hcas.PARTY_SITE_ID
  JOIN HZ_LOCATIONS hl ON hl.LOCATION_ID = hps.LOCATION_ID
 WHERE ${and([`hcsu.SITE_USE_CODE = 'SHIP_TO'`, o.operatingUnitIds.length > 0 && `hcsu.ORG_ID IN (${inList(o.operatingUnitIds)})`, ...dealerAccounts(o)])}`;
}

/** Open receivables of an account in one currency, restricted to the configured operating units. */
function openReceivables(o: OracleEbsOptions, extra: string[] = []): string {
  return `FROM AR_PAYMENT_SCHEDULES_ALL aps WHERE ${and([
    'aps.CUSTOMER_ID = hca.CUST_ACCOUNT_ID',
    `aps.STATUS = 'OP'`,
    'aps.INVOICE_CURRENCY_CODE = hcpa.CURRENCY_CODE',
    o.operatingUnitIds.length > 0 && `aps.ORG_ID IN (${inList(o.operatingUnitIds)})`,
    ...extra,
  ])}`;
}

/**
 * Account-level credit limits (SITE_USE_ID IS NULL) in `creditCurrency`, with the open and
 * overdue balance as of the database's today. Accounts without an overall limit are not
 * credit-checked by EBS and are not listed.
 */
export function creditQuery(o: OracleEbsOptions): string {
  const overdue = [`aps.DUE_DATE < TRUNC(SYSDATE)`, `aps.CLASS IN ('INV', 'DM', 'CB')`, 'aps.AMOUNT_DUE_REMAINING > 0'];
  return `SELECT hca.ACCOUNT_NUMBER, hcpa.CURRENCY_CODE, hcpa.OVERALL_CREDIT_LIMIT,
       (SELECT NVL(SUM(aps.AMOUNT_DUE_REMAINING), 0) ${openReceivables(o)}) AS AR_OPEN,
       (SELECT NVL(SUM(aps.AMOUNT_DUE_REMAINING), 0) ${openReceivables(o, overdue)}) AS OVERDUE,
       (SELECT TRUNC(SYSDATE) - MIN(TRUNC(aps.DUE_DATE)) ${openReceivables(o, overdue)}) AS OLDEST_OVERDUE_DAYS
  FROM HZ_CUST_PROFILE_AMTS hcpa
  JOIN HZ_CUST_ACCOUNTS hca ON hca.CUST_ACCOUNT_ID = hcpa.CUST_ACCOUNT_ID
 WHERE ${and(['hcpa.SITE_USE_ID IS NULL', `hcpa.CURRENCY_CODE = ${literal(o.creditCurrency)}`, 'hcpa.OVERALL_CREDIT_LIMIT IS NOT NULL', ...dealerAccounts(o)])}`;
}

/** Open payment schedules; an installment after the first is TRX_NUMBER/n. */
export function arOpenItemsQuery(o: OracleEbsOptions): string {
  return `SELECT aps.PAYMENT_SCHEDULE_ID, hca.ACCOUNT_NUMBER, aps.TRX_NUMBER, aps.TERMS_SEQUENCE_NUMBER, aps.CLASS,
       CASE WHEN NVL(aps.TERMS_SEQUENCE_NUMBER, 1) > 1 THEN aps.TRX_NUMBER || '/' || aps.TERMS_SEQUENCE_NUMBER ELSE aps.TRX_NUMBER END AS DOCUMENT_NO,
       aps.TRX_DATE, aps.DUE_DATE, aps.AMOUNT_DUE_ORIGINAL, aps.AMOUNT_DUE_REMAINING, aps.INVOICE_CURRENCY_CODE
  FROM AR_PAYMENT_SCHEDULES_ALL aps
  JOIN HZ_CUST_ACCOUNTS hca ON hca.CUST_ACCOUNT_ID = aps.CUSTOMER_ID
 WHERE ${and([`aps.STATUS = 'OP'`, `aps.CLASS IN (${inList(o.arClasses)})`, o.operatingUnitIds.length > 0 && `aps.ORG_ID IN (${inList(o.operatingUnitIds)})`, ...dealerAccounts(o)])}`;
}
