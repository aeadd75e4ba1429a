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
 * The interface rows and price helpers are in ./order-import.ts, the ORA- error reading in ./ora-errors.ts.
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
 * Errors: the database refusing the data is a TargetRejection with Oracle's message, configuration
 * errors stay ConfigErrors, everything else is transient and retried (./ora-errors.ts).
 */
import { TransientError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { TargetRejection, type ErpOrderRef, type OrderDocument, type OrderTarget } from '../contract.js';
import type { QueryFn, SqlDriver } from '../sql/index.js';
import { oraCode, translateOrderError } from './ora-errors.js';
import { bytes, cancelInsert, clip, HEADERS_IFACE, headerInsert, LINES_IFACE, lineInsert, REFERENCE_MAX_BYTES, text } from './order-import.js';
import type { EbsOrdersOptions } from './order-options.js';

export { clipBytes, INSTRUCTIONS_MAX_BYTES, insertStatement, REFERENCE_MAX_BYTES, unitSellingPrice } from './order-import.js';

/** Prefix of the ERP number given to an order queued in the interface but not yet imported. */
export const PROVISIONAL_PREFIX = 'IFACE:';
export const isProvisionalErpOrderNo = (erpOrderNo: string): boolean => erpOrderNo.startsWith(PROVISIONAL_PREFIX);

/** Oracle allows at most 1000 expressions in an IN list. */
const IN_LIST_MAX = 999;

export interface EbsOrderTargetSettings {
  driver: SqlDriver;
  orders: EbsOrdersOptions;
  /** The item master organization (options.organizationId): unmapped SKUs are looked up there. */
  organizationId: number;
  /** Names the database in messages (`oracle ebsdb:1521/EBSPROD`) and scrubs secrets. */
  context: { where: string; scrub(text: string): string };
  logger?: Logger;
}

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

  const translate = (error: unknown, order: Pick<OrderDocument, 'number'>, what: string) => translateOrderError(error, context, order, what);

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
          const head = headerInsert(orders, order, ref, shipTo);
          await query(head.sql, head.params);
          for (const line of order.lines) {
            signal.throwIfAborted();
            const statement = lineInsert(orders, order, ref, line, items.get(line.sku)!);
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
            const cancel = cancelInsert(orders, ref);
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
