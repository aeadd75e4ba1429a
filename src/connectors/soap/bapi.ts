/**
 * SAP ECC / S/4HANA on-premise through BAPIs exposed as a web service (SOAMANAGER; the model
 * WSDL is test/fixtures/sap-soap/ECC_BAPI_SALESORDER.wsdl). BAPI_SALESORDER_CREATEFROMDAT2
 * semantics:
 *
 * - create: ORDER_HEADER_IN (DOC_TYPE, SALES_ORG, DISTR_CHAN, DIVISION, PURCH_NO_C = our order
 *   number — the reference find looks for — PURCH_DATE, REQ_DATE_H, CURRENCY), ORDER_PARTNERS
 *   (AG sold-to, WE ship-to), ORDER_ITEMS_IN (ITM_NUMBER = line × 10, MATERIAL, PLANT, TARGET_QTY,
 *   TARGET_QU, ITEM_CATEG for gifts), ORDER_SCHEDULES_IN (one line per item: REQ_DATE, REQ_QTY),
 *   ORDER_CONDITIONS_IN (the net line price as `priceCondition`, when configured) and ORDER_TEXT.
 *   SALESDOCUMENT → erpOrderNo. RETURN lines of TYPE E or A → TargetRejection with their
 *   messages; S/I/W are kept in the detail. The web-service runtime commits a successful call
 *   (no BAPI_TRANSACTION_COMMIT over SOAP).
 * - find: BAPI_SALESORDER_GETLIST-like, PURCHASE_ORDER_NUMBER = our number (+ SALES_ORGANIZATION);
 *   SALES_ORDERS has one line per item, so the distinct SD_DOC whose PURCH_NO_C matches.
 * - cancel: the document's items (from the same list) get REASON_REJ through
 *   BAPI_SALESORDER_CHANGE (ORDER_HEADER_INX-UPDATEFLAG U, ORDER_ITEM_IN + ORDER_ITEM_INX with
 *   REASON_REJ = X). Setting the same reason again changes nothing, so a repeat succeeds.
 *
 * SOAMANAGER services return a TABLES parameter only when the request carried it: every call
 * sends RETURN (and SALES_ORDERS) empty.
 */
import type { Logger } from '../../core/logger.js';
import { TransientError } from '../../core/errors.js';
import { TargetRejection, type ErpOrderRef, type OrderTarget } from '../contract.js';
import { asArray, text, type SoapCaller } from './client.js';
import type { BapiSoapOptions } from './options.js';
import { clip, compact, mapCode, priceRate } from './util.js';

interface ReturnLine {
  type: string;
  text: string;
}

/** RETURN lines (BAPIRET2 table or one BAPIRETURN structure) as "TYPE ID/NUMBER: MESSAGE". */
function readReturn(value: unknown): ReturnLine[] {
  const v = value as Record<string, unknown> | undefined;
  const rows = v && 'item' in v ? asArray(v.item as unknown[]) : asArray(v as unknown);
  return rows
    .map((row) => row as Record<string, unknown>)
    .filter((row) => text(row.TYPE) || text(row.MESSAGE))
    .map((row) => {
      const id = text(row.ID);
      const number = text(row.NUMBER) ?? text(row.CODE);
      const where = id ? `${id}/${number ?? ''}` : number;
      return { type: text(row.TYPE) ?? '', text: `${where ? `${where}: ` : ''}${text(row.MESSAGE) ?? 'no message text'}` };
    });
}

const isError = (line: ReturnLine) => line.type === 'E' || line.type === 'A';
/** Item numbers are NUMC 6: line 1 → 000010. */
const itemNumber = (lineNo: number) => String(lineNo * 10).padStart(6, '0');
/** COND_P_UNT is DEC 5. */
const MAX_PRICE_UNIT = 99_999;
/** ORDER_TEXT TEXT_LINE is CHAR 132. */
const TEXT_LINE = 132;

export interface BapiTargetDeps {
  service: SoapCaller;
  logger: Logger;
}

export function createBapiTarget(options: BapiSoapOptions, deps: BapiTargetDeps): OrderTarget {
  const { bapi, maps } = options;
  const { service } = deps;
  const system = service.system;
  const unit = (uom: string) => mapCode(maps.units, uom);

  /** The list lines of our order number, by sales document. */
  async function listByPurchaseOrder(number: string, signal: AbortSignal): Promise<Map<string, Array<Record<string, unknown>>>> {
    const response = await service.call(
      bapi.operations.find,
      { PURCHASE_ORDER_NUMBER: number, SALES_ORDERS: '', SALES_ORGANIZATION: bapi.salesArea.salesOrg },
      signal,
    );
    const errors = readReturn(response.RETURN).filter(isError);
    // A failed lookup must not read as "not there": that would create a second order.
    if (errors.length > 0) throw new TransientError(service.scrub(`${system}: ${bapi.operations.find} failed: ${errors.map((e) => e.text).join('; ')}`));
    const documents = new Map<string, Array<Record<string, unknown>>>();
    for (const row of asArray((response.SALES_ORDERS as Record<string, unknown> | undefined)?.item as unknown[])) {
      const line = row as Record<string, unknown>;
      const document = text(line.SD_DOC);
      if (!document || (text(line.PURCH_NO_C) ?? text(line.PURCH_NO)) !== number) continue;
      documents.set(document, [...(documents.get(document) ?? []), line]);
    }
    return documents;
  }

  return {
    async find(order, signal) {
      const documents = [...(await listByPurchaseOrder(order.number, signal)).keys()].sort();
      const first = documents[0];
      if (!first) return null;
      const others = documents.length > 1 ? `; also ${documents.slice(1).join(', ')}` : '';
      return { erpOrderNo: first, detail: clip(`sales document ${first} found by PURCH_NO_C ${order.number}${others}`) };
    },

    async create(order, signal): Promise<ErpOrderRef> {
      const items = order.lines.map((line) => ({ line, number: itemNumber(line.lineNo) }));
      const freeOfCharge = (isGift: boolean) => isGift && Boolean(bapi.giftItemCategory);
      const conditions = bapi.priceCondition
        ? items
            .filter(({ line }) => !freeOfCharge(line.isGift))
            .map(({ line, number }) => {
              const price = line.isGift ? { rate: '0', per: '1' } : priceRate(line.net, line.qty, MAX_PRICE_UNIT);
              return { ITM_NUMBER: number, COND_TYPE: bapi.priceCondition, COND_VALUE: price.rate, CURRENCY: order.currency, COND_UNIT: unit(line.uom), COND_P_UNT: price.per };
            })
        : [];
      const note = order.note && bapi.noteTextId ? order.note.match(new RegExp(`[\\s\\S]{1,${TEXT_LINE}}`, 'g')) ?? [] : [];
      const args = compact({
        ORDER_HEADER_IN: compact({
          DOC_TYPE: bapi.salesArea.docType,
          SALES_ORG: bapi.salesArea.salesOrg,
          DISTR_CHAN: bapi.salesArea.distrChan,
          DIVISION: bapi.salesArea.division,
          REQ_DATE_H: order.requestedDate ?? undefined,
          PURCH_DATE: order.orderDate,
          PURCH_NO_C: order.number,
          CURRENCY: order.currency,
        }),
        ORDER_PARTNERS: {
          item: [
            { PARTN_ROLE: 'AG', PARTN_NUMB: mapCode(maps.customers, order.dealer.code) },
            { PARTN_ROLE: 'WE', PARTN_NUMB: mapCode(maps.shipTos, order.shipTo.code) },
          ],
        },
        ORDER_ITEMS_IN: {
          item: items.map(({ line, number }) =>
            compact({
              ITM_NUMBER: number,
              MATERIAL: mapCode(maps.materials, line.sku),
              PLANT: line.warehouseCode ? mapCode(maps.plants, line.warehouseCode) : undefined,
              TARGET_QTY: String(line.qty),
              TARGET_QU: unit(line.uom),
              ITEM_CATEG: freeOfCharge(line.isGift) ? bapi.giftItemCategory : undefined,
            }),
          ),
        },
        ORDER_SCHEDULES_IN: {
          item: items.map(({ line, number }) => ({ ITM_NUMBER: number, SCHED_LINE: '0001', REQ_DATE: order.requestedDate ?? order.orderDate, REQ_QTY: String(line.qty) })),
        },
        ORDER_CONDITIONS_IN: conditions.length > 0 ? { item: conditions } : undefined,
        ORDER_TEXT:
          note.length > 0
            ? { item: note.map((line, i) => ({ ITM_NUMBER: '000000', TEXT_ID: bapi.noteTextId, LANGU: bapi.textLanguage, FORMAT_COL: i === 0 ? '*' : '=', TEXT_LINE: line })) }
            : undefined,
        RETURN: '',
      });
      const response = await service.call(bapi.operations.create, args, signal);
      const messages = readReturn(response.RETURN);
      const errors = messages.filter(isError);
      if (errors.length > 0) {
        const said = errors.map((e) => e.text).join('; ');
        throw new TargetRejection(service.scrub(`${system}: SAP refused sales order for ${order.number}: ${said}`), service.scrub(said));
      }
      const document = text(response.SALESDOCUMENT);
      if (!document) {
        throw new TransientError(service.scrub(`${system}: ${bapi.operations.create} returned no SALESDOCUMENT for ${order.number}${messages.length ? `: ${messages.map((m) => m.text).join('; ')}` : ''}`));
      }
      deps.logger.info({ erpOrderNo: document, number: order.number }, 'SAP sales order created');
      const notes = messages.filter((m) => m.type === 'W').map((m) => m.text);
      return { erpOrderNo: document, detail: clip(`sales document ${document} (PURCH_NO_C ${order.number})${notes.length ? `; warnings: ${notes.join('; ')}` : ''}`) };
    },

    async cancel(order, signal) {
      const lines = (await listByPurchaseOrder(order.number, signal)).get(order.erpOrderNo) ?? [];
      const itemNumbers = [...new Set(lines.map((line) => text(line.ITM_NUMBER)).filter((n): n is string => Boolean(n)))];
      if (itemNumbers.length === 0) {
        const said = `no sales document ${order.erpOrderNo} with PURCH_NO_C ${order.number}`;
        throw new TargetRejection(`${system}: cannot cancel: ${said}`, said);
      }
      const response = await service.call(
        bapi.operations.change,
        {
          ORDER_HEADER_INX: { UPDATEFLAG: 'U' },
          ORDER_ITEM_IN: { item: itemNumbers.map((n) => ({ ITM_NUMBER: n, REASON_REJ: bapi.rejectionReason })) },
          ORDER_ITEM_INX: { item: itemNumbers.map((n) => ({ ITM_NUMBER: n, UPDATEFLAG: 'U', REASON_REJ: 'X' })) },
          RETURN: '',
          SALESDOCUMENT: order.erpOrderNo,
        },
        signal,
      );
      const errors = readReturn(response.RETURN).filter(isError);
      if (errors.length > 0) {
        const said = errors.map((e) => e.text).join('; ');
        throw new TargetRejection(service.scrub(`${system}: SAP refused to cancel ${order.erpOrderNo} (${order.number}): ${said}`), service.scrub(said));
      }
      deps.logger.info({ erpOrderNo: order.erpOrderNo, number: order.number, items: itemNumbers.length }, 'SAP sales order items rejected');
    },
  };
}
