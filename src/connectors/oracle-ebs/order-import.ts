/**
 * The rows the `oracle-ebs` OrderTarget writes into Order Management's Order Import open interface,
 * and the price and text helpers they need.
 *
 * Column names and widths follow Oracle's own interface insert in OE_INF_POPULATE_PUB
 * (OEXPIFPB.pls 120.2): ORIG_SYS_DOCUMENT_REF / ORIG_SYS_LINE_REF / CUSTOMER_PO_NUMBER
 * varchar2(50), CUSTOMER_NUMBER varchar2(30), ORDER_QUANTITY_UOM varchar2(3), CHANGE_REASON
 * varchar2(30), SHIPPING_INSTRUCTIONS varchar2(240), CALCULATE_PRICE_FLAG varchar2(1), WHO
 * columns not null. Key columns per Order Import: ORDER_SOURCE_ID + ORIG_SYS_DOCUMENT_REF identify
 * the order ("和订单来源构成唯一性"), OPERATION_CODE INSERT/UPDATE, READY_FLAG 'Y'
 * (https://blog.csdn.net/zhao__fang/article/details/68932565).
 */
import { Decimal } from 'decimal.js';
import type { OrderDocument } from '../contract.js';
import type { EbsOrdersOptions } from './order-options.js';

/** ORIG_SYS_DOCUMENT_REF varchar2(50) (OEXPIFPB.pls). */
export const REFERENCE_MAX_BYTES = 50;
/** SHIPPING_INSTRUCTIONS varchar2(240) in the interface (OEXPIFPB.pls); EBS columns count bytes. */
export const INSTRUCTIONS_MAX_BYTES = 240;
const DETAIL_MAX = 500;

export const HEADERS_IFACE = 'OE_HEADERS_IFACE_ALL';
export const LINES_IFACE = 'OE_LINES_IFACE_ALL';

/** A column's value: a bind, an SQL expression, or a 'YYYY-MM-DD' day bound through TO_DATE. */
type Value = { bind: unknown } | { sql: string } | { day: string | null };

const bind = (value: unknown): Value => ({ bind: value ?? null });
const sql = (text: string): Value => ({ sql: text });

/** `INSERT INTO table (…) VALUES (…)` with Oracle's positional binds :1, :2, … */
export function insertStatement(table: string, columns: ReadonlyArray<readonly [string, Value]>): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const values = columns.map(([, value]) => {
    if ('sql' in value) return value.sql;
    params.push('bind' in value ? value.bind : value.day);
    return 'day' in value ? `TO_DATE(:${params.length}, 'YYYY-MM-DD')` : `:${params.length}`;
  });
  return { sql: `INSERT INTO ${table} (${columns.map(([name]) => name).join(', ')}) VALUES (${values.join(', ')})`, params };
}

export const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** At most `max` UTF-8 bytes of `text`, cut between characters (EBS VARCHAR2 widths are bytes). */
export function clipBytes(text: string, max: number): string {
  if (bytes(text) <= max) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    const size = bytes(char);
    if (used + size > max - 3) break;
    out += char;
    used += size;
  }
  return `${out}...`;
}

/** A detail text cut to DETAIL_MAX characters. */
export const clip = (text: string) => (text.length > DETAIL_MAX ? `${text.slice(0, DETAIL_MAX - 1)}…` : text);
/** A row value as text, null when absent or empty. */
export const text = (value: unknown): string | null => (value === null || value === undefined || value === '' ? null : String(value));

/**
 * UNIT_SELLING_PRICE for a line whose allocated net is `net` over `qty` units: the fewest
 * decimals (4 to 10) with which qty × price rounds (half up, at the net's scale) back to the net,
 * so EBS books exactly what the dealer was quoted although the price itself may be rounded.
 */
export function unitSellingPrice(net: string, qty: number): string {
  const total = new Decimal(net);
  if (qty <= 0) return total.toFixed(4);
  const scale = Math.max(2, total.decimalPlaces());
  let price = total.div(qty);
  for (let places = 4; places <= 10; places++) {
    price = total.div(qty).toDecimalPlaces(places, Decimal.ROUND_HALF_UP);
    if (price.times(qty).toDecimalPlaces(scale, Decimal.ROUND_HALF_UP).equals(total)) return price.toFixed(places);
  }
  return price.toFixed(10);
}

/** The OE_HEADERS_IFACE_ALL row queuing `order` under `ref` (OPERATION_CODE 'INSERT'). */
export function headerInsert(orders: EbsOrdersOptions, order: OrderDocument, ref: string, shipTo: number) {
  const soldTo = orders.customerMap[order.dealer.code];
  return insertStatement(HEADERS_IFACE, [
    ['ORDER_SOURCE_ID', bind(orders.orderSourceId)],
    ['ORIG_SYS_DOCUMENT_REF', bind(ref)],
    ['ORG_ID', bind(orders.orgId)],
    ['OPERATION_CODE', sql(`'INSERT'`)],
    ['ORDER_TYPE_ID', bind(orders.orderTypeId)],
    ['ORDERED_DATE', { day: order.orderDate }],
    ['REQUEST_DATE', { day: order.requestedDate }],
    ['TRANSACTIONAL_CURR_CODE', bind(order.currency)],
    ['SOLD_TO_ORG_ID', bind(soldTo ?? null)],
    ['CUSTOMER_NUMBER', bind(soldTo === undefined ? order.dealer.code : null)],
    ['SHIP_TO_ORG_ID', bind(shipTo)],
    ['CUSTOMER_PO_NUMBER', bind(order.externalRef)],
    ['PRICE_LIST_ID', bind(orders.priceListId ?? null)],
    ['SHIPPING_INSTRUCTIONS', bind(order.note ? clipBytes(order.note, INSTRUCTIONS_MAX_BYTES) : null)],
    ['BOOKED_FLAG', bind(orders.booked ? 'Y' : 'N')],
    ['READY_FLAG', sql(`'Y'`)],
    ['CREATION_DATE', sql('SYSDATE')],
    ['CREATED_BY', bind(orders.createdBy)],
    ['LAST_UPDATE_DATE', sql('SYSDATE')],
    ['LAST_UPDATED_BY', bind(orders.createdBy)],
  ]);
}

/** The OE_LINES_IFACE_ALL row for one line: our frozen prices (CALCULATE_PRICE_FLAG 'N'), gifts at 0. */
export function lineInsert(orders: EbsOrdersOptions, order: OrderDocument, ref: string, line: OrderDocument['lines'][number], itemId: number) {
  const warehouse = line.warehouseCode ? orders.warehouseMap[line.warehouseCode] : undefined;
  return insertStatement(LINES_IFACE, [
    ['ORDER_SOURCE_ID', bind(orders.orderSourceId)],
    ['ORIG_SYS_DOCUMENT_REF', bind(ref)],
    ['ORIG_SYS_LINE_REF', bind(String(line.lineNo))],
    ['ORG_ID', bind(orders.orgId)],
    ['LINE_NUMBER', bind(line.lineNo)],
    ['OPERATION_CODE', sql(`'INSERT'`)],
    ['LINE_TYPE_ID', bind((line.isGift ? orders.giftLineTypeId : undefined) ?? orders.lineTypeId ?? null)],
    ['INVENTORY_ITEM_ID', bind(itemId)],
    ['ORDERED_QUANTITY', bind(line.qty)],
    ['ORDER_QUANTITY_UOM', bind(orders.uomMap[line.uom] ?? line.uom)],
    ['UNIT_LIST_PRICE', bind(line.isGift ? '0' : line.unitPrice)],
    ['UNIT_SELLING_PRICE', bind(line.isGift ? '0' : unitSellingPrice(line.net, line.qty))],
    ['CALCULATE_PRICE_FLAG', sql(`'N'`)],
    ['SHIP_FROM_ORG_ID', bind(warehouse ?? null)],
    ['REQUEST_DATE', { day: order.requestedDate }],
    ['CREATION_DATE', sql('SYSDATE')],
    ['CREATED_BY', bind(orders.createdBy)],
    ['LAST_UPDATE_DATE', sql('SYSDATE')],
    ['LAST_UPDATED_BY', bind(orders.createdBy)],
  ]);
}

/** The header-only OE_HEADERS_IFACE_ALL row cancelling the imported order under `ref` (OPERATION_CODE 'UPDATE'). */
export function cancelInsert(orders: EbsOrdersOptions, ref: string) {
  return insertStatement(HEADERS_IFACE, [
    ['ORDER_SOURCE_ID', bind(orders.orderSourceId)],
    ['ORIG_SYS_DOCUMENT_REF', bind(ref)],
    ['ORG_ID', bind(orders.orgId)],
    ['OPERATION_CODE', sql(`'UPDATE'`)],
    ['CANCELLED_FLAG', sql(`'Y'`)],
    ['CHANGE_REASON', bind(orders.cancelReason)],
    ['CHANGE_COMMENTS', bind(orders.cancelComment)],
    ['READY_FLAG', sql(`'Y'`)],
    ['CREATION_DATE', sql('SYSDATE')],
    ['CREATED_BY', bind(orders.createdBy)],
    ['LAST_UPDATE_DATE', sql('SYSDATE')],
    ['LAST_UPDATED_BY', bind(orders.createdBy)],
  ]);
}
