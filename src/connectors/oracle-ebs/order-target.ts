/**
 * The `oracle-ebs` connector's OrderTarget: approved orders go into Order Management's Order
 * Import open interface, the documented way for external systems to enter, change and cancel
 * orders ("Order Import is Order Management's open interface for entering, changing or
 * canceling orders", Oracle Order Management Open Interfaces, API & Electronic Messaging Guide
 * R12.2, https://docs.oracle.com/cd/E26401_01/doc.122/e48842/T373258T376579.htm). The Order Import
 * concurrent program (scheduled in EBS, usually per order source) validates the rows and creates
 * the order in OE_ORDER_HEADERS_ALL / OE_ORDER_LINES_ALL; successful rows are then deleted from the
 * interface, failed ones stay with ERROR_FLAG = 'Y' and their messages in OE_PROCESSING_MSGS
 * (OE_BULK_ORDER_IMPORT_PVT.Post_Process and its messages cursor, OEBVIMNB.pls 120.13).
 *
 * Column names and widths follow Oracle's own interface insert in OE_INF_POPULATE_PUB
 * (OEXPIFPB.pls 120.2): ORIG_SYS_DOCUMENT_REF / ORIG_SYS_LINE_REF / CUSTOMER_PO_NUMBER
 * varchar2(50), CUSTOMER_NUMBER varchar2(30), ORDER_QUANTITY_UOM varchar2(3), CHANGE_REASON
 * varchar2(30), SHIPPING_INSTRUCTIONS varchar2(240), CALCULATE_PRICE_FLAG varchar2(1), WHO
 * columns not null. Key columns per Order Import: ORDER_SOURCE_ID + ORIG_SYS_DOCUMENT_REF identify
 * the order ("和订单来源构成唯一性"), OPERATION_CODE INSERT/UPDATE, READY_FLAG 'Y'
 * (https://blog.csdn.net/zhao__fang/article/details/68932565).
 *
 * - **Reference.** ORIG_SYS_DOCUMENT_REF = our order number (default; EBS shows it as the Order
 *   Source Reference and it is what the SAP targets use too) or our order id (`reference:
 *   orderId`); both fit its 50 characters, and `find` is given both. With the dedicated
 *   ORDER_SOURCE_ID it identifies our order in the interface and in OE_ORDER_HEADERS_ALL.
 *   ORIG_SYS_LINE_REF = the line number. CUSTOMER_PO_NUMBER = the dealer's PO.
 * - **create** = one transaction: look the reference up again (base table, then interface), then
 *   one OE_HEADERS_IFACE_ALL row and one OE_LINES_IFACE_ALL row per line, OPERATION_CODE 'INSERT'.
 *   Prices are ours and frozen: CALCULATE_PRICE_FLAG 'N', UNIT_LIST_PRICE = our unit price,
 *   UNIT_SELLING_PRICE = net ÷ qty (enough decimals that qty × price rounds back to the net);
 *   gift lines go at 0 with `giftLineTypeId` when set. Ids come from the maps, else from a lookup
 *   in the same tables the streams read (ship-to by HZ_CUST_SITE_USES_ALL.LOCATION, item by
 *   MTL_SYSTEM_ITEMS_B.SEGMENT1); the dealer goes as CUSTOMER_NUMBER (= ACCOUNT_NUMBER, the
 *   dealer code the dealers stream reads), which Order Import turns into SOLD_TO_ORG_ID
 *   (OE_Value_To_Id.Sold_To_Org(p_sold_to_org, p_customer_number)).
 * - **The ERP number.** Order Import runs later, on EBS's schedule, so an order just queued has no
 *   ORDER_NUMBER yet: create answers with a provisional `IFACE:<reference>` ("waiting for Order
 *   Import"). Once imported, `find` answers with OE_ORDER_HEADERS_ALL.ORDER_NUMBER; callers that
 *   hold a provisional number (`provisional: true`, isProvisionalErpOrderNo) ask `find` again to
 *   learn it (src/delivery/confirm.ts).
 * - **find** = OE_ORDER_HEADERS_ALL by ORDER_SOURCE_ID + ORIG_SYS_DOCUMENT_REF + ORG_ID → the EBS
 *   order number; else the interface → the provisional number (so a retry after a lost answer
 *   never queues the order twice); if Order Import failed it (ERROR_FLAG 'Y'), a TargetRejection
 *   with the OE_PROCESSING_MSGS texts of that run: EBS has the order and refused it — correct it in
 *   the Order Import Corrections window (then it imports) or delete the interface rows (then a
 *   replay queues it afresh).
 * - **cancel** (idempotent): imported → one OE_HEADERS_IFACE_ALL row with OPERATION_CODE 'UPDATE',
 *   CANCELLED_FLAG 'Y', CHANGE_REASON (a CANCEL_CODE lookup code) and no lines, the documented
 *   whole-order cancellation through Order Import ("the lines information should not be loaded
 *   … the header … cancelled_flag set to 'Y' and the CHANGE_REASON as a valid lookup code from
 *   CANCEL_CODE lookup type … operation code … 'UPDATE'",
 *   http://oracleapps4u.blogspot.com/2012/10/importing-orders-in-various-statuses-in.html); nothing
 *   is queued when the order is cancelled already or a cancellation is queued; a queued
 *   cancellation Order Import refused (e.g. lines shipped) is a TargetRejection with its messages.
 *   Not imported yet → the interface rows are deleted (locked first, so Order Import cannot pick
 *   them up meanwhile; rows a running import holds make it a TransientError). Neither → done.
 *
 * Errors: the database refusing the data — ORA-00001 (unique; after a re-lookup, since a racing
 * delivery may have queued the order), ORA-01400/01407 (NULL), ORA-02290/02291 (check, parent key),
 * ORA-12899 (too long), ORA-01438 (precision), ORA-20000…20999 (raised by EBS or site triggers) —
 * is a TargetRejection with Oracle's message. Configuration errors (no table, no grant, bad
 * login) stay ConfigErrors. Everything else — ORA-03113, ORA-12541, NJS-…, timeouts, locks — is
 * transient and retried: an error we do not recognise is no verdict on the order.
 */
import { Decimal } from 'decimal.js';
import { ConfigError, DealerHubError, TransientError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { TargetRejection, type ErpOrderRef, type OrderDocument, type OrderTarget } from '../contract.js';
import { DIALECTS, type QueryFn, type SqlDriver } from '../sql/index.js';
import type { EbsOrdersOptions } from './order-options.js';

/** Prefix of the ERP number given to an order queued in the interface but not yet imported. */
export const PROVISIONAL_PREFIX = 'IFACE:';
export const isProvisionalErpOrderNo = (erpOrderNo: string): boolean => erpOrderNo.startsWith(PROVISIONAL_PREFIX);

/** ORIG_SYS_DOCUMENT_REF varchar2(50) (OEXPIFPB.pls). */
export const REFERENCE_MAX_BYTES = 50;
/** SHIPPING_INSTRUCTIONS varchar2(240) in the interface (OEXPIFPB.pls); EBS columns count bytes. */
export const INSTRUCTIONS_MAX_BYTES = 240;
const DETAIL_MAX = 500;
/** Oracle allows at most 1000 expressions in an IN list. */
const IN_LIST_MAX = 999;

const HEADERS_IFACE = 'OE_HEADERS_IFACE_ALL';
const LINES_IFACE = 'OE_LINES_IFACE_ALL';

/** ORA- codes meaning "the database refused this data". */
const REFUSALS = new Set(['ORA-00001', 'ORA-01400', 'ORA-01407', 'ORA-02290', 'ORA-02291', 'ORA-12899', 'ORA-01438']);

export interface EbsOrderTargetSettings {
  driver: SqlDriver;
  orders: EbsOrdersOptions;
  /** The item master organization (options.organizationId): unmapped SKUs are looked up there. */
  organizationId: number;
  /** Names the database in messages (`oracle ebsdb:1521/EBSPROD`) and scrubs secrets. */
  context: { where: string; scrub(text: string): string };
  logger?: Logger;
}

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

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

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

const clip = (text: string) => (text.length > DETAIL_MAX ? `${text.slice(0, DETAIL_MAX - 1)}…` : text);
const text = (value: unknown): string | null => (value === null || value === undefined || value === '' ? null : String(value));

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

function oraCode(error: unknown): string | undefined {
  const raw = error as { code?: unknown; message?: unknown } | null;
  const code = typeof raw?.code === 'string' ? raw.code : '';
  const message = typeof raw?.message === 'string' ? raw.message : String(error);
  return /\b(ORA-\d{5}|NJS-\d{3}|DPI-\d{4})\b/.exec(`${code} ${message}`)?.[1];
}

function isRefusal(code: string | undefined): boolean {
  if (!code?.startsWith('ORA-')) return false;
  const n = Number(code.slice(4));
  return REFUSALS.has(code) || (n >= 20_000 && n <= 20_999);
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();

/** What the interface holds for one reference. */
interface Queued {
  errored: boolean;
  requestId: string | null;
}

export function createEbsOrderTarget({ driver, orders, organizationId, context, logger }: EbsOrderTargetSettings): OrderTarget {
  const { where, scrub } = context;
  const source = orders.orderSourceId;
  const org = orders.orgId;
  const key = (order: Pick<OrderDocument, 'orderId' | 'number'>) => (orders.reference === 'orderId' ? order.orderId : order.number);
  const keyParams = (ref: string) => [source, ref, org];
  const byReference = 'ORDER_SOURCE_ID = :1 AND ORIG_SYS_DOCUMENT_REF = :2 AND ORG_ID = :3';

  const ORDER_SQL = `SELECT ORDER_NUMBER, HEADER_ID, FLOW_STATUS_CODE, CANCELLED_FLAG FROM OE_ORDER_HEADERS_ALL WHERE ${byReference}`;
  const QUEUED_SQL = `SELECT OPERATION_CODE, ERROR_FLAG, REQUEST_ID FROM ${HEADERS_IFACE} WHERE ${byReference} AND OPERATION_CODE IN ('INSERT', 'CREATE')`;
  const QUEUED_CANCEL_SQL = `SELECT OPERATION_CODE, ERROR_FLAG, REQUEST_ID FROM ${HEADERS_IFACE} WHERE ${byReference} AND OPERATION_CODE = 'UPDATE' AND CANCELLED_FLAG = 'Y'`;
  const MESSAGES_SQL =
    `SELECT NVL(m.MESSAGE_TEXT, t.MESSAGE_TEXT) AS MESSAGE_TEXT FROM OE_PROCESSING_MSGS m ` +
    `LEFT JOIN OE_PROCESSING_MSGS_TL t ON t.TRANSACTION_ID = m.TRANSACTION_ID AND t.LANGUAGE = USERENV('LANG') ` +
    `WHERE m.ORDER_SOURCE_ID = :1 AND m.ORIGINAL_SYS_DOCUMENT_REF = :2`;

  function translate(error: unknown, order: Pick<OrderDocument, 'number'>, what: string): Error {
    if (error instanceof TargetRejection || error instanceof DealerHubError) return error;
    const code = oraCode(error);
    const said = scrub(firstLine(error));
    if (isRefusal(code)) return new TargetRejection(`${where}: EBS refused the ${what} of order ${order.number}: ${said}`, said);
    const translated = DIALECTS.oracle.translateError(error, { where, scrub });
    // Only the errors listed above are a verdict on the order; another ORA- (a lock, a full
    // tablespace, an internal error) is worth another attempt, and after the last one a person looks.
    if (translated instanceof DealerHubError && !(translated instanceof TransientError) && !(translated instanceof ConfigError)) {
      return new TransientError(translated.message, { code }, { cause: error });
    }
    return translated;
  }

  const rejection = (order: Pick<OrderDocument, 'number'>, what: string, said: string) =>
    new TargetRejection(scrub(`${where}: EBS refused the ${what} of order ${order.number}: ${said}`), scrub(said));

  /** Order Import's messages for a failed run over `ref`: the run's own when its request id is known. */
  async function messages(query: QueryFn, ref: string, requestId: string | null): Promise<string> {
    const rows = requestId
      ? await query(`${MESSAGES_SQL} AND m.REQUEST_ID = :3 ORDER BY m.TRANSACTION_ID`, [source, ref, Number(requestId)])
      : await query(`${MESSAGES_SQL} ORDER BY m.TRANSACTION_ID`, [source, ref]);
    const texts = [...new Set(rows.map((row) => text(row.MESSAGE_TEXT)?.trim()).filter((t): t is string => Boolean(t)))];
    return texts.length > 0 ? clip(texts.slice(0, 10).join('; ')) : 'Order Import marked the order in error (no message in OE_PROCESSING_MSGS)';
  }

  async function queued(query: QueryFn, statement: string, ref: string): Promise<Queued | null> {
    const rows = await query(statement, keyParams(ref));
    if (rows.length === 0) return null;
    const errored = rows.find((row) => text(row.ERROR_FLAG) === 'Y');
    const row = errored ?? rows[0]!;
    return { errored: Boolean(errored), requestId: text(row.REQUEST_ID) };
  }

  /** The order under `ref`: imported, queued, refused by Order Import (thrown), or null. */
  async function lookup(query: QueryFn, order: Pick<OrderDocument, 'orderId' | 'number'>, ref: string): Promise<ErpOrderRef | null> {
    const [imported] = await query(ORDER_SQL, keyParams(ref));
    if (imported) {
      const number = text(imported.ORDER_NUMBER);
      if (!number) throw new TransientError(`${where}: OE_ORDER_HEADERS_ALL has ${ref} without an ORDER_NUMBER`);
      const status = text(imported.FLOW_STATUS_CODE);
      return { erpOrderNo: number, detail: clip(`EBS order ${number}${status ? ` (${status})` : ''} for ORIG_SYS_DOCUMENT_REF ${ref}, ORDER_SOURCE_ID ${source}`) };
    }
    const pending = await queued(query, QUEUED_SQL, ref);
    if (!pending) return null;
    if (pending.errored) {
      const said = await messages(query, ref, pending.requestId);
      throw rejection(order, 'import', `Order Import${pending.requestId ? ` (request ${pending.requestId})` : ''}: ${said}`);
    }
    const picked = pending.requestId ? `; being imported by request ${pending.requestId}` : '';
    return {
      erpOrderNo: `${PROVISIONAL_PREFIX}${ref}`,
      provisional: true,
      detail: clip(`queued in ${HEADERS_IFACE} as ORIG_SYS_DOCUMENT_REF ${ref} (ORDER_SOURCE_ID ${source}), waiting for Order Import${picked}`),
    };
  }

  /** SHIP_TO_ORG_ID of the order's ship-to: mapped, else the dealer's SHIP_TO site use with that LOCATION. */
  async function shipToId(query: QueryFn, order: OrderDocument): Promise<number> {
    const mapped = orders.shipToMap[order.shipTo.code];
    if (mapped !== undefined) return mapped;
    const rows = await query(
      `SELECT hcsu.SITE_USE_ID FROM HZ_CUST_SITE_USES_ALL hcsu ` +
        `JOIN HZ_CUST_ACCT_SITES_ALL hcas ON hcas.CUST_ACCT_SITE_ID = hcsu.CUST_ACCT_SITE_ID ` +
        `JOIN HZ_CUST_ACCOUNTS hca ON hca.CUST_ACCOUNT_ID = hcas.CUST_ACCOUNT_ID ` +
        `WHERE hcsu.SITE_USE_CODE = 'SHIP_TO' AND hcsu.STATUS = 'A' AND hcsu.LOCATION = :1 AND hca.ACCOUNT_NUMBER = :2 AND hcsu.ORG_ID = :3`,
      [order.shipTo.code, order.dealer.code, org],
    );
    const ids = [...new Set(rows.map((row) => Number(row.SITE_USE_ID)))];
    if (ids.length !== 1) {
      const why = ids.length === 0 ? 'no active SHIP_TO site use' : `${ids.length} active SHIP_TO site uses`;
      throw rejection(order, 'entry', `${why} with LOCATION ${order.shipTo.code} for customer ${order.dealer.code} in operating unit ${org} (set orders.shipToMap)`);
    }
    return ids[0]!;
  }

  /** INVENTORY_ITEM_ID per SKU: mapped, else by SEGMENT1 in the item master organization. */
  async function itemIds(query: QueryFn, order: OrderDocument): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    const missing: string[] = [];
    for (const sku of new Set(order.lines.map((line) => line.sku))) {
      const mapped = orders.itemMap[sku];
      if (mapped !== undefined) ids.set(sku, mapped);
      else missing.push(sku);
    }
    for (let start = 0; start < missing.length; start += IN_LIST_MAX) {
      const chunk = missing.slice(start, start + IN_LIST_MAX);
      const rows = await query(
        `SELECT SEGMENT1, INVENTORY_ITEM_ID FROM MTL_SYSTEM_ITEMS_B WHERE ORGANIZATION_ID = :1 AND SEGMENT1 IN (${chunk.map((_, i) => `:${i + 2}`).join(', ')})`,
        [organizationId, ...chunk],
      );
      for (const row of rows) if (text(row.SEGMENT1)) ids.set(String(row.SEGMENT1), Number(row.INVENTORY_ITEM_ID));
    }
    const unknown = missing.filter((sku) => !ids.has(sku));
    if (unknown.length > 0) throw rejection(order, 'entry', `no item ${unknown.join(', ')} in organization ${organizationId} (MTL_SYSTEM_ITEMS_B.SEGMENT1; or set orders.itemMap)`);
    return ids;
  }

  function headerInsert(order: OrderDocument, ref: string, shipTo: number) {
    const soldTo = orders.customerMap[order.dealer.code];
    return insertStatement(HEADERS_IFACE, [
      ['ORDER_SOURCE_ID', bind(source)],
      ['ORIG_SYS_DOCUMENT_REF', bind(ref)],
      ['ORG_ID', bind(org)],
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

  function lineInsert(order: OrderDocument, ref: string, line: OrderDocument['lines'][number], itemId: number) {
    const warehouse = line.warehouseCode ? orders.warehouseMap[line.warehouseCode] : undefined;
    return insertStatement(LINES_IFACE, [
      ['ORDER_SOURCE_ID', bind(source)],
      ['ORIG_SYS_DOCUMENT_REF', bind(ref)],
      ['ORIG_SYS_LINE_REF', bind(String(line.lineNo))],
      ['ORG_ID', bind(org)],
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

  async function find(order: Pick<OrderDocument, 'orderId' | 'number'>, signal: AbortSignal): Promise<ErpOrderRef | null> {
    signal.throwIfAborted();
    const ref = key(order);
    if (bytes(ref) > REFERENCE_MAX_BYTES) return null;
    try {
      return await lookup(driver.query, order, ref);
    } catch (error) {
      throw translate(error, order, 'lookup');
    }
  }

  return {
    find,

    async create(order, signal) {
      signal.throwIfAborted();
      const ref = key(order);
      if (bytes(ref) > REFERENCE_MAX_BYTES) {
        throw new TargetRejection(`${where}: order ${order.number} cannot be entered: its reference ${ref} is longer than ORIG_SYS_DOCUMENT_REF (${REFERENCE_MAX_BYTES} bytes)`, `reference longer than ${REFERENCE_MAX_BYTES} bytes`);
      }
      try {
        return await driver.transaction(async (query) => {
          // Queued or imported meanwhile (a racing delivery, or this one's lost answer): the same order, once.
          const existing = await lookup(query, order, ref);
          if (existing) return { ...existing, detail: clip(`${existing.detail ?? ''} (already there)`.trim()) };
          const shipTo = await shipToId(query, order);
          const items = await itemIds(query, order);
          const head = headerInsert(order, ref, shipTo);
          await query(head.sql, head.params);
          for (const line of order.lines) {
            signal.throwIfAborted();
            const statement = lineInsert(order, ref, line, items.get(line.sku)!);
            await query(statement.sql, statement.params);
          }
          logger?.info({ reference: ref, orderSourceId: source, lines: order.lines.length }, 'order queued for EBS Order Import');
          return {
            erpOrderNo: `${PROVISIONAL_PREFIX}${ref}`,
            provisional: true,
            detail: clip(`queued in ${HEADERS_IFACE} with ${order.lines.length} line(s) as ORIG_SYS_DOCUMENT_REF ${ref} (ORDER_SOURCE_ID ${source}), waiting for Order Import`),
          };
        });
      } catch (error) {
        if (oraCode(error) === 'ORA-00001') {
          const found = await find(order, signal).catch(() => null);
          if (found) return { ...found, detail: clip(`${found.detail ?? ''} (already there)`.trim()) };
        }
        throw translate(error, order, 'entry');
      }
    },

    async cancel(order, signal) {
      signal.throwIfAborted();
      const ref = key(order);
      if (bytes(ref) > REFERENCE_MAX_BYTES) return;
      try {
        await driver.transaction(async (query) => {
          const [imported] = await query(ORDER_SQL, keyParams(ref));
          if (imported) {
            if (text(imported.CANCELLED_FLAG) === 'Y') return;
            const requested = await queued(query, QUEUED_CANCEL_SQL, ref);
            if (requested?.errored) {
              const said = await messages(query, ref, requested.requestId);
              throw rejection(order, 'cancellation', `Order Import${requested.requestId ? ` (request ${requested.requestId})` : ''}: ${said}`);
            }
            if (requested) return;
            const cancel = insertStatement(HEADERS_IFACE, [
              ['ORDER_SOURCE_ID', bind(source)],
              ['ORIG_SYS_DOCUMENT_REF', bind(ref)],
              ['ORG_ID', bind(org)],
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
            await query(cancel.sql, cancel.params);
            logger?.info({ reference: ref, erpOrderNo: text(imported.ORDER_NUMBER) }, 'EBS order cancellation queued for Order Import');
            return;
          }
          // Not imported: withdraw it from the interface. The lock keeps Order Import off the rows
          // until the delete commits (NOWAIT: rows a running import holds fail fast, ORA-00054).
          const rows = await query(`SELECT ERROR_FLAG, REQUEST_ID FROM ${HEADERS_IFACE} WHERE ${byReference} FOR UPDATE NOWAIT`, keyParams(ref));
          if (rows.length === 0) return;
          const running = rows.find((row) => text(row.REQUEST_ID) && text(row.ERROR_FLAG) !== 'Y');
          if (running) throw new TransientError(`${where}: order ${order.number} is being imported by request ${text(running.REQUEST_ID)}; cancel again once it is in EBS`);
          await query(`DELETE FROM ${LINES_IFACE} WHERE ${byReference}`, keyParams(ref));
          await query(`DELETE FROM ${HEADERS_IFACE} WHERE ${byReference}`, keyParams(ref));
          logger?.info({ reference: ref }, 'order withdrawn from the EBS Order Import interface');
        });
      } catch (error) {
        throw translate(error, order, 'cancellation');
      }
    },
  };
}
