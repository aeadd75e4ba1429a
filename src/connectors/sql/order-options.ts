/**
 * `orders:` of a `sql` connector: the staging tables an ERP imports sales orders from (Kingdee /
 * Yonyou style), and which column takes which field of the order. The header table must hold a
 * UNIQUE key on `orderIdColumn` (our order id): that key is what makes a repeated delivery find
 * the order instead of staging it twice.
 *
 * ```yaml
 * orders:
 *   headerTable: erp_stage.so_header
 *   linesTable: erp_stage.so_line
 *   orderIdColumn: ext_order_id        # UNIQUE in the header table
 *   keyColumn: id                      # staging id the database generates (identity / sequence)
 *   erpOrderNoColumn: erp_order_no     # read back after the insert (a default, trigger or sequence); else keyColumn
 *   header: { ext_order_no: number, cust_code: dealer.code, amount: totals.net }
 *   lines:  { header_id: headerKey, line_no: lineNo, sku: sku, qty: qty, price: unitPrice }
 *   cancel: { column: status, value: CANCELLED }
 * ```
 */
import { z } from 'zod';

/** Fields of OrderDocument a header column can take. */
export const HEADER_FIELDS = [
  'orderId', 'number', 'externalRef', 'dealer.code', 'dealer.name', 'shipTo.code', 'shipTo.name', 'shipTo.address', 'shipTo.regionCode',
  'shipTo.contact', 'shipTo.phone', 'currency', 'orderDate', 'requestedDate', 'note', 'totals.gross', 'totals.discount', 'totals.net', 'lineCount',
] as const;

/** Fields a line column can take: the line's own, the order's id and number, and the header's staging key. */
export const LINE_FIELDS = [
  'orderId', 'number', 'headerKey', 'lineNo', 'sku', 'qty', 'uom', 'unitPrice', 'gross', 'discount', 'net', 'isGift', 'warehouseCode', 'lots',
] as const;

export type HeaderField = (typeof HEADER_FIELDS)[number];
export type LineField = (typeof LINE_FIELDS)[number];

const identifier = /^[A-Za-z_][A-Za-z0-9_$#]*$/;
/** Names are embedded in SQL, so only plain identifiers (optionally schema-qualified) are accepted. */
const column = z.string().max(128).regex(identifier, 'expected a column name (letters, digits, _, $, #)');
const table = z
  .string()
  .max(257)
  .regex(/^[A-Za-z_][A-Za-z0-9_$#]*(\.[A-Za-z_][A-Za-z0-9_$#]*)?$/, 'expected a table name, optionally with its schema: schema.table');

export const DEFAULT_HEADER_COLUMNS: Record<string, HeaderField> = {
  order_no: 'number',
  external_ref: 'externalRef',
  dealer_code: 'dealer.code',
  ship_to_code: 'shipTo.code',
  ship_to_address: 'shipTo.address',
  currency: 'currency',
  order_date: 'orderDate',
  gross: 'totals.gross',
  discount: 'totals.discount',
  net: 'totals.net',
  note: 'note',
};

export const DEFAULT_LINE_COLUMNS: Record<string, LineField> = {
  ext_order_id: 'orderId',
  line_no: 'lineNo',
  sku: 'sku',
  qty: 'qty',
  uom: 'uom',
  unit_price: 'unitPrice',
  gross: 'gross',
  discount: 'discount',
  net: 'net',
  is_gift: 'isGift',
  warehouse_code: 'warehouseCode',
};

export const sqlOrdersSchema = z
  .object({
    headerTable: table.describe('Staging table of order headers (schema.table); one row per order.'),
    linesTable: table.describe('Staging table of order lines.'),
    orderIdColumn: column.default('ext_order_id').describe('Header column that takes our order id; it must be UNIQUE (a repeated delivery finds the order by it).'),
    keyColumn: column.optional().describe('Header column the database fills with a staging id (identity, sequence); lines can refer to it as headerKey.'),
    erpOrderNoColumn: column.optional().describe('Header column read back as the ERP order number after the insert; when empty or unset, the staging id (keyColumn) is shown.'),
    header: z
      .record(column, z.enum(HEADER_FIELDS))
      .default(DEFAULT_HEADER_COLUMNS)
      .describe('Header column → order field. Replaces the default set; columns left out take the table defaults.'),
    lines: z.record(column, z.enum(LINE_FIELDS)).default(DEFAULT_LINE_COLUMNS).describe('Line column → line field. Replaces the default set.'),
    cancel: z
      .object({
        column: column.describe('Header column set on cancellation.'),
        value: z.union([z.string(), z.number()]).describe('Value that tells the ERP the order is cancelled.'),
      })
      .strict()
      .optional()
      .describe('How a cancellation is staged (UPDATE of the header row). Unset: cancellations are refused and must be made in the ERP.'),
  })
  .strict()
  .superRefine((orders, ctx) => {
    if (!orders.keyColumn && !orders.erpOrderNoColumn) {
      ctx.addIssue({ code: 'custom', path: ['erpOrderNoColumn'], message: 'name erpOrderNoColumn or keyColumn: one of them is read back as the ERP order number' });
    }
    if (Object.values(orders.lines).includes('headerKey') && !orders.keyColumn) {
      ctx.addIssue({ code: 'custom', path: ['lines'], message: 'a line column takes headerKey, so keyColumn must name the header’s staging id' });
    }
    if (orders.orderIdColumn in orders.header) {
      ctx.addIssue({ code: 'custom', path: ['header', orders.orderIdColumn], message: `${orders.orderIdColumn} is the orderIdColumn; it is filled with our order id already` });
    }
    if (Object.keys(orders.lines).length === 0) ctx.addIssue({ code: 'custom', path: ['lines'], message: 'map at least one line column' });
  });

export type SqlOrdersOptions = z.infer<typeof sqlOrdersSchema>;
