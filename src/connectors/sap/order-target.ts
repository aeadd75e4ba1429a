/**
 * The `sap` connector's OrderTarget: approved orders become S/4HANA sales orders through
 * API_SALES_ORDER_SRV (OData v2), shaped by SAP's published metadata
 * (shared/fixtures/sap-odata/API_SALES_ORDER_SRV_metadata_2020_pretty.edmx).
 *
 * - **Reference.** `PurchaseOrderByCustomer` (Customer Reference, max 35) holds our order number
 *   (`DH` + 13 digits) and nothing else: `find` is given only our id and number, so the key must
 *   be computable from them and matched exactly (`eq`, no substring search). The dealer's own PO
 *   number goes to `PurchaseOrderByShipToParty` (also 35; `dealerReference: none` leaves it out).
 *   `ExternalDocumentID` would fit our UUID (40) but the metadata marks it not creatable.
 * - **find** = `GET A_SalesOrder?$filter=PurchaseOrderByCustomer eq '<number>' and
 *   SalesOrganization eq '<org>'&$select=SalesOrder…` (quotes doubled). SoldToParty is not in the
 *   filter because `find` is not given the dealer; the number is unique on its own.
 * - **create** = one deep insert `POST A_SalesOrder` with `to_Item` (items 10, 20, … = line × 10;
 *   quantities and amounts as strings, dates as `/Date(ms)/` at UTC midnight), optional ship-to
 *   partner (`to_Partner`, function WE) and, per priced item, `to_PricingElement`: our unit price
 *   in the price condition (default PPR0, per 1 unit) and the line's allocated discount as a
 *   negative absolute amount in the discount condition (default RB00), so SAP books what the dealer
 *   was quoted. (A_SalesOrderItemPrElement is not creatable on its own — the metadata says so — but
 *   deep insert under an item is SAP's documented path; the header→item association carries the
 *   same `creatable="false"` and deep insert of items is how every sales order is created.)
 *   Gift lines go as free-of-charge items (`SalesOrderItemCategory`, default TANN) without pricing
 *   elements. SAP's order number is read back from `d.SalesOrder`.
 * - **cancel** = the reason for rejection on every item: read the order with its items, then
 *   `PATCH A_SalesOrderItem(SalesOrder='…',SalesOrderItem='…')` with `SalesDocumentRjcnReason`
 *   (configured; SAP's rejection reasons are customising, so there is no safe default) for each
 *   item that has none yet. SAP then stops delivery and MRP for the item and the order's rejection
 *   status becomes "fully rejected"; the document stays for audit, unlike DELETE. Items already
 *   rejected are skipped, so a repeated cancel changes nothing. A_SalesOrderItem has no ETag in
 *   the metadata (only the header's LastChangeDateTime is a concurrency token): no If-Match.
 *
 * Errors: 400/409/422 on create or cancel (SAP said no on the merits: unknown material, blocked
 * customer, item already delivered) → TargetRejection with SAP's message. Everything else —
 * 401/403, 404 of the service, 5xx, timeouts, resets, a non-OData answer — is a TransientError
 * the relay retries; an SAP error answering a lookup (`find`, the CSRF fetch) never rejects an
 * order. An order number longer than 35 characters is rejected before any request: it could not be
 * stored where `find` looks.
 */
import { DealerHubError, TransientError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { TargetRejection, type ConnectorDeps, type ErpOrderRef, type OrderDocument, type OrderTarget } from '../contract.js';
import { andOf, queryString, readEnvelope, stringLiteral } from './odata.js';
import type { SapOptions, SapOrdersOptions } from './options.js';
import { createSapSession, SapHttpError, type SapSession } from './session.js';

/** Longest PurchaseOrderByCustomer / PurchaseOrderByShipToParty (A_SalesOrderType, MaxLength 35). */
export const REFERENCE_MAX = 35;
const DETAIL_MAX = 500;
/** SAP said no on the merits. */
const REJECTION_STATUSES = new Set([400, 409, 422]);

export interface SapOrdersConfig extends Omit<SapOrdersOptions, 'salesOrganization' | 'distributionChannel' | 'organizationDivision' | 'plantMap'> {
  salesOrganization: string;
  distributionChannel: string;
  organizationDivision: string;
  plantMap: Record<string, string>;
}

/** `orders` with the sales area and plant map filled in from `salesArea` and `plants`. */
export function resolveOrdersConfig(options: SapOptions): SapOrdersConfig {
  const orders = options.orders;
  if (!orders) throw new Error('sap: orders are not enabled for this connector');
  const area = options.salesArea;
  const pick = (value: string | undefined, fallback: string | undefined, name: string): string => {
    const chosen = value ?? fallback;
    if (!chosen) throw new Error(`sap: orders.${name} is required (or set salesArea)`);
    return chosen;
  };
  const reversePlants: Record<string, string> = {};
  for (const [plant, warehouse] of Object.entries(options.plants)) reversePlants[warehouse] ??= plant;
  return {
    ...orders,
    salesOrganization: pick(orders.salesOrganization, area?.salesOrganization, 'salesOrganization'),
    distributionChannel: pick(orders.distributionChannel, area?.distributionChannel, 'distributionChannel'),
    organizationDivision: pick(orders.organizationDivision, area?.division, 'organizationDivision'),
    plantMap: orders.plantMap ?? reversePlants,
  };
}

/** 'YYYY-MM-DD' → OData v2 Edm.DateTime JSON `/Date(ms)/` at UTC midnight (how SAP sends dates). */
export function sapDate(day: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) throw new TypeError(`not a YYYY-MM-DD date: ${JSON.stringify(day)}`);
  return `/Date(${Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))})/`;
}

const isZero = (amount: string) => /^[+-]?0*(\.0*)?$/.test(amount.trim());
const negate = (amount: string) => {
  const text = amount.trim().replace(/^\+/, '');
  return text.startsWith('-') ? text.slice(1) : `-${text}`;
};

/** The entity key literal inside a URL path: quotes doubled, then percent-encoded. */
const keyLiteral = (value: string) => `'${encodeURIComponent(value.replaceAll("'", "''"))}'`;

/** The deep-insert body of `POST A_SalesOrder` for one order. */
export function buildSalesOrder(order: OrderDocument, config: SapOrdersConfig): Record<string, unknown> {
  const items = order.lines.map((line) => {
    const unit = config.unitMap[line.uom] ?? line.uom;
    const item: Record<string, unknown> = {
      SalesOrderItem: String(line.lineNo * 10),
      Material: line.sku,
      RequestedQuantity: String(line.qty),
      RequestedQuantityUnit: unit,
    };
    const plant = line.warehouseCode ? config.plantMap[line.warehouseCode] : undefined;
    if (plant) item.ProductionPlant = plant;
    const freeOfCharge = line.isGift && config.giftItemCategory !== null;
    if (freeOfCharge) {
      item.SalesOrderItemCategory = config.giftItemCategory;
    } else if (config.pricing !== false) {
      const conditions: Array<Record<string, string>> = [
        { ConditionType: config.pricing.priceCondition, ConditionRateValue: line.unitPrice, ConditionCurrency: order.currency, ConditionQuantity: '1', ConditionQuantityUnit: unit },
      ];
      if (config.pricing.discountCondition && !isZero(line.discount)) {
        conditions.push({ ConditionType: config.pricing.discountCondition, ConditionRateValue: negate(line.discount), ConditionCurrency: order.currency });
      }
      item.to_PricingElement = conditions;
    }
    return item;
  });

  const body: Record<string, unknown> = {
    SalesOrderType: config.salesOrderType,
    SalesOrganization: config.salesOrganization,
    DistributionChannel: config.distributionChannel,
    OrganizationDivision: config.organizationDivision,
    SoldToParty: config.customerMap[order.dealer.code] ?? order.dealer.code,
    PurchaseOrderByCustomer: order.number,
    CustomerPurchaseOrderDate: sapDate(order.orderDate),
    TransactionCurrency: order.currency,
  };
  if (order.requestedDate) body.RequestedDeliveryDate = sapDate(order.requestedDate);
  if (order.externalRef && config.dealerReference === 'PurchaseOrderByShipToParty') {
    body.PurchaseOrderByShipToParty = order.externalRef.slice(0, REFERENCE_MAX);
  }
  const shipTo = config.shipToMap[order.shipTo.code];
  if (shipTo) body.to_Partner = [{ PartnerFunction: 'WE', Customer: shipTo }];
  body.to_Item = items;
  return body;
}

/** Warnings and errors from SAP's `sap-message` header (JSON), for the delivery detail. */
function sapMessages(header: string | undefined): string[] {
  if (!header) return [];
  try {
    const parsed = JSON.parse(header) as { message?: unknown; severity?: unknown; details?: unknown };
    const all = [parsed, ...(Array.isArray(parsed.details) ? parsed.details : [])] as Array<{ message?: unknown; severity?: unknown }>;
    return [...new Set(all.filter((m) => (m.severity === 'warning' || m.severity === 'error') && typeof m.message === 'string').map((m) => String(m.message)))];
  } catch {
    return [];
  }
}

const clip = (text: string) => (text.length <= DETAIL_MAX ? text : `${text.slice(0, DETAIL_MAX - 1)}…`);

export function createSapOrderTarget(options: SapOptions, deps: ConnectorDeps): OrderTarget {
  const config = resolveOrdersConfig(options);
  const system = `sap ${new URL(options.baseUrl).host}`;
  const service = options.services.salesOrder;
  const logger: Logger = deps.logger;
  const session: SapSession = createSapSession({ system, baseUrl: options.baseUrl, service, client: options.client, auth: options.auth, timeoutMs: options.timeoutMs, logger, now: deps.now });

  /** Anything but a rejection leaves as a TransientError (the relay retries it); aborts pass through. */
  function transient(error: unknown, signal: AbortSignal): unknown {
    if (signal.aborted || error instanceof TargetRejection || error instanceof TransientError) return error;
    if (error instanceof SapHttpError) return new TransientError(error.message, { status: error.status, upstreamMessage: error.sapMessage });
    if (error instanceof DealerHubError) return new TransientError(session.scrub(error.message), error.details, { cause: error });
    return error;
  }

  /** 400/409/422 → TargetRejection with SAP's words; the rest as `transient`. */
  function classify(error: unknown, what: string, signal: AbortSignal): unknown {
    if (error instanceof SapHttpError && REJECTION_STATUSES.has(error.status)) {
      const said = error.sapMessage ?? `SAP answered ${error.status} without a message`;
      return new TargetRejection(`${system}: SAP refused ${what}: ${said}`, said);
    }
    return transient(error, signal);
  }

  function reference(number: string): string {
    if (!number || number.length > REFERENCE_MAX) {
      throw new TargetRejection(
        `${system}: order number ${JSON.stringify(number)} does not fit PurchaseOrderByCustomer (max ${REFERENCE_MAX} characters), the key the order is found by`,
        `order number longer than ${REFERENCE_MAX} characters`,
      );
    }
    return number;
  }

  return {
    async find(order, signal) {
      const ref = reference(order.number);
      const params = {
        $filter: andOf([`PurchaseOrderByCustomer eq ${stringLiteral(ref)}`, `SalesOrganization eq ${stringLiteral(config.salesOrganization)}`]),
        $select: 'SalesOrder,PurchaseOrderByCustomer,SoldToParty,OverallSDDocumentRejectionSts',
        $orderby: 'SalesOrder',
        $top: 2,
      };
      try {
        const response = await session.get(`A_SalesOrder?${queryString(params)}`, signal);
        const { results } = readEnvelope(response.data, `${system}: ${service}/A_SalesOrder`);
        const first = results[0];
        if (!first || typeof first.SalesOrder !== 'string' || !first.SalesOrder) return null;
        const notes = [
          first.OverallSDDocumentRejectionSts === 'C' ? 'fully rejected' : undefined,
          results.length > 1 ? `more than one SAP order carries ${ref}` : undefined,
        ].filter(Boolean);
        if (results.length > 1) logger.warn({ system, number: ref, salesOrders: results.map((r) => r.SalesOrder) }, 'several SAP sales orders carry one order number');
        return { erpOrderNo: first.SalesOrder, detail: clip(`found SAP sales order ${first.SalesOrder} by PurchaseOrderByCustomer ${ref}${notes.length ? ` (${notes.join('; ')})` : ''}`) };
      } catch (error) {
        throw transient(error, signal);
      }
    },

    async create(order, signal) {
      reference(order.number);
      const body = buildSalesOrder(order, config);
      let response;
      try {
        response = await session.modify<{ d?: Record<string, unknown> }>('POST', 'A_SalesOrder', body, signal);
      } catch (error) {
        throw classify(error, `sales order for ${order.number}`, signal);
      }
      const created = response.data && typeof response.data === 'object' ? response.data.d : undefined;
      const salesOrder = created && typeof created.SalesOrder === 'string' ? created.SalesOrder.trim() : '';
      if (!salesOrder) {
        // The order may well exist: the retry's find picks it up instead of creating another.
        throw new TransientError(`${system}: SAP answered ${response.status} to the sales order for ${order.number} without d.SalesOrder; the retry looks it up first`);
      }
      const net = typeof created?.TotalNetAmount === 'string' ? `; SAP net ${created.TotalNetAmount} ${String(created.TransactionCurrency ?? order.currency)}, ours ${order.totals.net}` : '';
      const warnings = sapMessages(response.headers['sap-message']);
      logger.info({ system, number: order.number, salesOrder }, 'SAP sales order created');
      return {
        erpOrderNo: salesOrder,
        detail: clip(`created SAP sales order ${salesOrder} (${order.lines.length} items${net})${warnings.length ? `; SAP: ${warnings.join('; ')}` : ''}`),
      } satisfies ErpOrderRef;
    },

    async cancel(order, signal) {
      const what = `cancelling SAP sales order ${order.erpOrderNo} (${order.number})`;
      const params = {
        $select: 'SalesOrder,PurchaseOrderByCustomer,to_Item/SalesOrderItem,to_Item/SalesDocumentRjcnReason',
        $expand: 'to_Item',
      };
      let header: Record<string, unknown>;
      let items: Array<Record<string, unknown>>;
      try {
        const response = await session.get<{ d?: Record<string, unknown> }>(`A_SalesOrder(${keyLiteral(order.erpOrderNo)})?${queryString(params)}`, signal);
        const d = response.data && typeof response.data === 'object' ? response.data.d : undefined;
        if (!d || typeof d !== 'object') throw new TransientError(`${system}: reading SAP sales order ${order.erpOrderNo}: expected an OData v2 entity { d: { … } }`);
        header = d;
        items = readEnvelope({ d: d.to_Item }, `${system}: ${service}/A_SalesOrder(${order.erpOrderNo})/to_Item`).results;
      } catch (error) {
        if (error instanceof SapHttpError && error.status === 404) {
          throw new TargetRejection(`${system}: SAP has no sales order ${order.erpOrderNo} to cancel (${order.number})`, error.sapMessage ?? `sales order ${order.erpOrderNo} not found`);
        }
        throw transient(error, signal);
      }
      if (typeof header.PurchaseOrderByCustomer === 'string' && header.PurchaseOrderByCustomer !== order.number) {
        throw new TargetRejection(
          `${system}: SAP sales order ${order.erpOrderNo} carries customer reference ${JSON.stringify(header.PurchaseOrderByCustomer)}, not ${order.number}; not cancelling it`,
          `sales order ${order.erpOrderNo} belongs to reference ${header.PurchaseOrderByCustomer}`,
        );
      }
      const open = items.filter((item) => typeof item.SalesOrderItem === 'string' && !String(item.SalesDocumentRjcnReason ?? '').trim());
      for (const item of open) {
        signal.throwIfAborted();
        const path = `A_SalesOrderItem(SalesOrder=${keyLiteral(order.erpOrderNo)},SalesOrderItem=${keyLiteral(String(item.SalesOrderItem))})`;
        try {
          await session.modify('PATCH', path, { SalesDocumentRjcnReason: config.rejectionReason }, signal);
        } catch (error) {
          throw classify(error, `${what}, item ${String(item.SalesOrderItem)}`, signal);
        }
      }
      logger.info({ system, number: order.number, salesOrder: order.erpOrderNo, rejected: open.length, alreadyRejected: items.length - open.length }, 'SAP sales order cancelled');
    },
  };
}
