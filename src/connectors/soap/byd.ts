/**
 * SAP Business ByDesign, inbound service ManageSalesOrderIn (the WSDL in
 * ../shared/fixtures/sap-soap): `create` and `cancel` are MaintainBundle calls,
 * `find` a QuerySalesOrderIn/FindByElements call by BuyerID when configured.
 *
 * - create: one SalesOrder, actionCode 01 — BuyerID = our order number (the reference a lookup
 *   finds it by; BuyerID holds 35 characters, our UUID does not fit), Name = the dealer's own PO
 *   number (when given), AccountParty = the dealer,
 *   ProductRecipientParty = the ship-to, PricingTerms/CurrencyCode, requested date, and per line an
 *   Item with ItemProduct, one ItemScheduleLine with the quantity, ShipFromItemLocation when the
 *   line has a warehouse, and ItemMainPrice so ByD books our net amount (gifts at price 0).
 *   BasicMessageHeader/UUID is derived from our order id: the WSDL's MaintainBundle policy
 *   declares sapidp:Idempotency, so ByD answers a repeated message with the first result.
 * - The answer: SalesOrder/ID → erpOrderNo; Log items with SeverityCode 3 (error), or
 *   MaximumLogItemSeverityCode 3, → TargetRejection with their Notes.
 * - find: ManageSalesOrderIn has no query operation. With `lookup.type: query` the connector
 *   calls QuerySalesOrderIn/FindByElements (SelectionByBuyerID = our number, equal); with
 *   `message-uuid` it answers "not found" and relies on the idempotent create above.
 * - cancel: MaintainBundle actionCode 02 on the order ID with SalesTerms/CancellationReasonCode
 *   (its own deterministic message UUID). With a query lookup an order whose
 *   CancellationStatusCode is already 4 (cancelled) is left alone, so a repeat is a no-op.
 */
import type { Logger } from '../../core/logger.js';
import { TransientError } from '../../core/errors.js';
import { TargetRejection, type ErpOrderRef, type OrderDocument, type OrderTarget } from '../contract.js';
import { asArray, text, type SoapCaller } from './client.js';
import type { BydSoapOptions } from './options.js';
import { clip, compact, mapCode, priceRate, stableUuid } from './util.js';

/** ByD LogItemSeverityCode: 1 information, 2 warning, 3 error. */
const ERROR_SEVERITY = '3';
/** CancellationStatusCode 4: cancelled (1 not cancelled, 2 partially cancelled). */
const CANCELLED = '4';

interface LogSummary {
  errors: string[];
  others: string[];
  failed: boolean;
}

function readLog(log: unknown): LogSummary {
  const l = (log ?? {}) as Record<string, unknown>;
  const items = asArray(l.Item as unknown[]).map((item) => item as Record<string, unknown>);
  const note = (item: Record<string, unknown>) => text(item.Note) ?? text(item.TypeID) ?? 'no text';
  const errors = items.filter((item) => text(item.SeverityCode) === ERROR_SEVERITY).map(note);
  const failed = errors.length > 0 || text(l.MaximumLogItemSeverityCode) === ERROR_SEVERITY;
  return { errors: failed && errors.length === 0 ? items.map(note) : errors, others: items.filter((item) => text(item.SeverityCode) !== ERROR_SEVERITY).map(note), failed };
}

export interface BydTargetDeps {
  manage: SoapCaller;
  /** QuerySalesOrderIn, when `lookup.type` is query. */
  query: SoapCaller | null;
  logger: Logger;
}

export function createBydTarget(options: BydSoapOptions, deps: BydTargetDeps): OrderTarget {
  const { byd, maps } = options;
  const { manage, query } = deps;
  const system = manage.system;

  /** FindByElements with one equal-selection on ID or BuyerID; the orders whose field matches exactly. */
  async function findBy(selection: 'SelectionByID' | 'SelectionByBuyerID', value: string, signal: AbortSignal) {
    if (!query || byd.lookup.type !== 'query') return null;
    const response = await query.call(
      byd.lookup.operation,
      {
        SalesOrderSelectionByElements: { [selection]: [{ InclusionExclusionCode: 'I', IntervalBoundaryTypeCode: '1', LowerBoundaryID: value }] },
        ProcessingConditions: { QueryHitsMaximumNumberValue: 10, QueryHitsUnlimitedIndicator: false },
      },
      signal,
    );
    const log = readLog(response.Log);
    // A lookup that fails must not read as "not there": that would create a second order.
    if (log.failed) throw new TransientError(query.scrub(`${query.system}: ${byd.lookup.operation} failed: ${log.errors.join('; ')}`));
    const field = selection === 'SelectionByID' ? 'ID' : 'BuyerID';
    return asArray(response.SalesOrder as unknown[])
      .map((order) => order as Record<string, any>)
      .filter((order) => text(order[field]) === value);
  }

  async function maintain(args: Record<string, unknown>, what: string, number: string, signal: AbortSignal) {
    const response = await manage.call(byd.operation, args, signal);
    const log = readLog(response.Log);
    if (log.failed) {
      const said = log.errors.join('; ');
      throw new TargetRejection(manage.scrub(`${system}: ByD refused to ${what} sales order for ${number}: ${said}`), manage.scrub(said));
    }
    return { orders: asArray(response.SalesOrder as unknown[]).map((o) => o as Record<string, unknown>), log };
  }

  function salesOrder(order: OrderDocument) {
    const unit = (uom: string) => mapCode(maps.units, uom);
    return compact({
      attributes: { actionCode: '01', itemListCompleteTransmissionIndicator: 'true' },
      BuyerID: order.number,
      Name: order.externalRef ?? undefined,
      SalesAndServiceBusinessArea: byd.distributionChannelCode ? { DistributionChannelCode: byd.distributionChannelCode } : undefined,
      AccountParty: { PartyID: mapCode(maps.customers, order.dealer.code) },
      ProductRecipientParty: { PartyID: mapCode(maps.shipTos, order.shipTo.code) },
      EmployeeResponsibleParty: byd.employeeResponsiblePartyId ? { PartyID: byd.employeeResponsiblePartyId } : undefined,
      SellerParty: byd.sellerPartyId ? { PartyID: byd.sellerPartyId } : undefined,
      SalesUnitParty: byd.salesUnitPartyId ? { PartyID: byd.salesUnitPartyId } : undefined,
      RequestedFulfillmentPeriodPeriodTerms: order.requestedDate
        ? { StartDateTime: { attributes: { timeZoneCode: byd.timeZoneCode }, $value: `${order.requestedDate}T00:00:00Z` } }
        : undefined,
      PricingTerms: { CurrencyCode: order.currency, GrossAmountIndicator: false },
      Item: order.lines.map((line) => {
        const price = line.isGift ? { rate: '0', per: '1' } : priceRate(line.net, line.qty);
        return compact({
          attributes: { actionCode: '01' },
          ID: String(line.lineNo * 10),
          BuyerID: String(line.lineNo),
          ProcessingTypeCode: line.isGift ? byd.giftProcessingTypeCode : undefined,
          ItemProduct: { ProductID: mapCode(maps.materials, line.sku), UnitOfMeasure: unit(line.uom) },
          ItemScheduleLine: [{ Quantity: { attributes: { unitCode: unit(line.uom) }, $value: String(line.qty) } }],
          ShipFromItemLocation: line.warehouseCode ? { LocationID: mapCode(maps.plants, line.warehouseCode) } : undefined,
          PriceAndTaxCalculationItem:
            byd.prices === 'net'
              ? { ItemMainPrice: { Rate: { DecimalValue: price.rate, CurrencyCode: order.currency, BaseDecimalValue: price.per, BaseMeasureUnitCode: unit(line.uom) } } }
              : undefined,
        });
      }),
      TextCollection:
        order.note && byd.noteTextTypeCode ? { Text: [{ attributes: { actionCode: '01' }, TypeCode: byd.noteTextTypeCode, ContentText: order.note }] } : undefined,
    });
  }

  return {
    async find(order, signal) {
      const found = await findBy('SelectionByBuyerID', order.number, signal);
      const first = found?.[0];
      const id = first ? text(first.ID) : undefined;
      if (!id) return null;
      const others = found!.length > 1 ? `; ${found!.length - 1} more with this BuyerID: ${found!.slice(1).map((o) => text(o.ID)).join(', ')}` : '';
      return { erpOrderNo: id, detail: clip(`ByD sales order ${id} found by BuyerID ${order.number}${others}`) };
    },

    async create(order, signal): Promise<ErpOrderRef> {
      const args = { BasicMessageHeader: { UUID: stableUuid(`${order.orderId}:create`) }, SalesOrder: [salesOrder(order)] };
      const { orders, log } = await maintain(args, 'create', order.number, signal);
      const id = text(orders[0]?.ID);
      if (!id) {
        // No error and no order: nothing we can record. Transient: the retry looks the order up first.
        throw new TransientError(manage.scrub(`${system}: ${byd.operation} returned no sales order ID for ${order.number}${log.others.length ? `: ${log.others.join('; ')}` : ''}`));
      }
      deps.logger.info({ erpOrderNo: id, number: order.number }, 'ByD sales order created');
      const notes = log.others.length ? `; ${log.others.join('; ')}` : '';
      return { erpOrderNo: id, detail: clip(`ByD sales order ${id} (BuyerID ${order.number})${notes}`) };
    },

    async cancel(order, signal) {
      const found = await findBy('SelectionByID', order.erpOrderNo, signal);
      if (found) {
        const current = found[0];
        if (!current) throw new TargetRejection(`${system}: ByD has no sales order ${order.erpOrderNo} to cancel`, `sales order ${order.erpOrderNo} not found`);
        if (text(current.Status?.CancellationStatusCode) === CANCELLED) return;
      }
      const args = {
        BasicMessageHeader: { UUID: stableUuid(`${order.orderId}:cancel`) },
        SalesOrder: [{ attributes: { actionCode: '02' }, ID: order.erpOrderNo, SalesTerms: { CancellationReasonCode: byd.cancellationReasonCode } }],
      };
      await maintain(args, 'cancel', order.number, signal);
      deps.logger.info({ erpOrderNo: order.erpOrderNo, number: order.number }, 'ByD sales order cancelled');
    },
  };
}
