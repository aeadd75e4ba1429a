/**
 * The connector contract (types only). A connector is one declared value: its kind, an
 * options schema, the streams it can read and the targets it can write, and `create()`.
 * The sync runner — not the connector — owns cursors: it saves each page's records and the
 * page's `cursor` in one transaction, and hands the saved cursor back on the next run.
 */
import type { z } from 'zod';
import type { Logger } from '../core/logger.js';
import type { MappingSpec } from '../mappings/types.js';

/** The canonical tables a stream can feed (schemas: src/core/sync/canonical.ts; tables: sinks.ts). */
export type CanonicalEntity =
  | 'regions'
  | 'dealers'
  | 'dealer_regions'
  | 'ship_tos'
  | 'products'
  | 'prices'
  | 'warehouses'
  | 'stock_lots'
  | 'credit_accounts'
  | 'ar_open_items'
  | 'promotions'
  | 'coupons';

/** Opaque to the runner; JSON-serialisable (stored in sync_state.cursor). */
export type Cursor = string | number | boolean | null | Cursor[] | { [key: string]: Cursor };

export type SourceRecord = Record<string, unknown>;

export interface StreamSpec {
  name: string;
  entity: CanonicalEntity;
  /**
   * incremental: records changed since the cursor; snapshot: the whole set every run, so rows
   * missing from a completed run have disappeared from the source.
   */
  mode: 'incremental' | 'snapshot';
  /** Source field(s) identifying a record, for issues and de-duplication within a page. */
  primaryKey: readonly string[];
  /** Source field the cursor advances on (incremental streams). */
  cursorField?: string;
  /** Mapping from source records to canonical ones; the user's YAML may override fields. */
  defaultMapping: MappingSpec;
}

/** Where a record came from, so an issue can name the file and row or the record key. */
export interface RecordOrigin {
  file?: string;
  /** 1-based row / record number within `file` or the response. */
  row?: number;
}

export interface Page {
  records: SourceRecord[];
  /** Parallel to `records` when the connector knows origins (files do). */
  origins?: RecordOrigin[];
  /** Records the connector itself could not read (a malformed CSV row); the page goes on. */
  rejected?: Array<RecordOrigin & { message: string }>;
  /**
   * The position just after this page. Reading again from it yields only what comes after:
   * the rest of this run's data, or — from the last page's cursor — only records that are new
   * or changed since (an incremental stream's resume point). The stream ends when the
   * iterator ends.
   */
  cursor: Cursor;
}

export interface CheckResult {
  ok: boolean;
  /** One line for `dealer-hub check`: what was reached, or why not. */
  detail: string;
}

export interface ConnectorDeps {
  logger: Logger;
  /** For tests and for connectors that compute relative windows. */
  now: () => Date;
}

/**
 * An order as an ERP target receives it: everything a sales-order create needs, with money as
 * decimal strings and each line's discount already allocated (promotions included), so the ERP
 * books exactly what the dealer was quoted. Built from the store by src/delivery (issue 6).
 */
export interface OrderDocument {
  /** Our order id (UUID): the idempotency key every target stores as its external reference. */
  orderId: string;
  /** Our human-facing number (DH…), also sent as the customer reference where there is room. */
  number: string;
  /** The dealer's purchase-order number, when it gave one. */
  externalRef: string | null;
  dealer: { code: string; name: string };
  shipTo: { code: string; name: string; address: string; regionCode: string; contact: string | null; phone: string | null };
  currency: string;
  /** 'YYYY-MM-DD' in the business time zone. */
  orderDate: string;
  requestedDate: string | null;
  note: string | null;
  lines: Array<{
    lineNo: number;
    sku: string;
    qty: number;
    uom: string;
    /** Up to 4 decimals. */
    unitPrice: string;
    gross: string;
    discount: string;
    net: string;
    isGift: boolean;
    warehouseCode: string | null;
    /** Reserved lots, first-expiring first. */
    lots: Array<{ lot: string; qty: number; expiryDate: string | null }>;
  }>;
  totals: { gross: string; discount: string; net: string };
}

/** What the ERP calls the order it holds for ours. */
export interface ErpOrderRef {
  erpOrderNo: string;
  /** A short summary of the ERP's answer, kept on the outbox row (no secrets, ≤ 500 chars). */
  detail?: string;
  /**
   * The ERP accepted the order but has not assigned its number yet (`erpOrderNo` is a stand-in,
   * e.g. EBS's `IFACE:<reference>` before Order Import ran). Delivery keeps the order `released`
   * (no ERP number on it) and asks `find` again later (job `delivery.confirm`) until the answer is
   * final: a real number confirms the order, a TargetRejection holds it.
   */
  provisional?: boolean;
}

/**
 * A system that takes our approved orders (an ERP). Delivery is at least once; these methods
 * make it exactly once: `find` looks up the order created earlier for `orderId` by the external
 * reference the target stored it under (SAP PurchaseOrderByCustomer, EBS ORIG_SYS_DOCUMENT_REF,
 * a unique key in a staging table), and the relay calls `create` only when `find` found none.
 * Throw `TargetRejection` when the ERP refuses the order on its merits (not retried; the order
 * is held with the ERP's message); any other error is transient and retried.
 */
export interface OrderTarget {
  find(order: Pick<OrderDocument, 'orderId' | 'number'>, signal: AbortSignal): Promise<ErpOrderRef | null>;
  create(order: OrderDocument, signal: AbortSignal): Promise<ErpOrderRef>;
  /** Cancels (or rejects the remaining quantities of) an order the ERP already has. Idempotent. */
  cancel(order: { orderId: string; number: string; erpOrderNo: string }, signal: AbortSignal): Promise<void>;
  /**
   * Optional, for reconciliation (src/reconciliation): the orders the target holds that carry an
   * external reference, from `since` on (by the target's own order date; a target that cannot
   * filter by date may list more, never less). Streamed in pages: the consumer may stop early,
   * and the target checks `signal` between pages (`signal.throwIfAborted()`). Read-only.
   * Targets without it are not asked which orders they hold; reconciliation says so.
   */
  listSince?(since: Date, signal: AbortSignal): AsyncIterable<ErpOrderListing>;
}

/** One order as `OrderTarget.listSince` lists it. */
export interface ErpOrderListing {
  /** The external reference the target stored the order under: our order id or our number (as `find` looks it up). */
  reference: string;
  /** The ERP's order number; '' while the ERP has not numbered it yet. */
  erpOrderNo: string;
  /** Our number as the target also holds it (a customer-reference field), when it keeps one besides `reference`. */
  number?: string | null;
}

/** The target said no on the merits (BAPI RETURN type E, OData 400 with a message, ORA- constraint). */
export class TargetRejection extends Error {
  constructor(
    message: string,
    /** The target's own words, shown to the reviewer. */
    readonly targetMessage: string,
  ) {
    super(message);
    this.name = 'TargetRejection';
  }
}

/**
 * What a WMS receives to pick and ship an order the ERP has confirmed: the order document less
 * its money, with the ERP's number. Built from the store by src/delivery (issue 6).
 */
export interface ShipmentRequest {
  orderId: string;
  /** Our order number: the key the WMS request is idempotent on. */
  number: string;
  erpOrderNo: string | null;
  externalRef: string | null;
  dealer: OrderDocument['dealer'];
  shipTo: OrderDocument['shipTo'];
  requestedDate: string | null;
  note: string | null;
  lines: Array<Pick<OrderDocument['lines'][number], 'lineNo' | 'sku' | 'qty' | 'uom' | 'warehouseCode' | 'lots' | 'isGift'>>;
}

/** What the WMS calls the outbound order it holds for ours. */
export interface ShipmentRef {
  shipmentId: string;
  /** A short summary of the WMS's answer, kept on the outbox row (no secrets, ≤ 500 chars). */
  detail?: string;
}

/**
 * A system that ships our confirmed orders (a WMS). Delivery is at least once; `find` (the
 * outbound order already requested for our order number) before `request` makes it exactly once,
 * as does an idempotency key the WMS honours. Throw `TargetRejection` when the WMS refuses the
 * request on its merits (not retried; the order stays confirmed); any other error is transient.
 */
export interface ShipmentTarget {
  find(order: { orderId: string; number: string }, signal: AbortSignal): Promise<ShipmentRef | null>;
  request(shipment: ShipmentRequest, signal: AbortSignal): Promise<ShipmentRef>;
}

/** The tracking states that move an order: picked up and in transit → shipped; delivered → delivered. */
export type TrackingStatus = 'picked_up' | 'in_transit' | 'delivered';

/** One tracking event as a TMS reports it (webhook or poll), mapped to our terms. */
export interface TrackingEvent {
  /** Our order number (or id) when the TMS carries it; else the order is found by tracking number. */
  reference: string | null;
  carrier: string | null;
  trackingNumber: string | null;
  /** Null when the TMS's status means nothing to the order (label created, exception, unknown). */
  status: TrackingStatus | null;
  /** The TMS's own status word. */
  rawStatus: string;
  occurredAt: Date | null;
}

/** Who is tracked: an order we believe shipped. */
export interface TrackingQuery {
  orderId: string;
  number: string;
  erpOrderNo: string | null;
  carrier: string | null;
  trackingNumber: string | null;
}

/** A request as it reached the webhook: the raw body (what is signed) and the headers (lower-case names). */
export interface WebhookDelivery {
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

export type WebhookVerdict = { ok: true; deliveryId: string } | { ok: false; reason: string };

/** A TMS's signed webhook: verification (signature, time window, the delivery id for replay protection) and parsing. */
export interface TrackingWebhook {
  verify(delivery: WebhookDelivery, now: Date): WebhookVerdict;
  /** The tracking events in a verified body; throws on a body that is not what the TMS sends. */
  parse(body: Buffer): TrackingEvent[];
}

/** A system that reports where shipments are (a TMS), polled per shipment and/or pushing webhooks. */
export interface TrackingSource {
  /** Present when the connector can be asked about one shipment (polling). */
  track?(query: TrackingQuery, signal: AbortSignal): Promise<TrackingEvent[]>;
  /** Present when the connector takes signed webhooks (POST /webhooks/tms/:connector). */
  webhook?: TrackingWebhook;
}

/** A credit-limit change as the ERP receives it (the outbox payload of `credit.limit_changed`). Money as decimal strings. */
export interface CreditLimitChange {
  /** Our credit_limit_changes id: the idempotency key of every write. */
  changeId: number;
  dealerCode: string;
  currency: string;
  oldLimit: string;
  newLimit: string;
  reason: string;
  actor: string;
}

/**
 * A system that applies our credit-limit changes (an ERP's customer credit master). Delivery is
 * at least once, so `applyCreditLimit` must be idempotent on `changeId` (a staging row keyed by
 * it, an idempotency header). Throw `TargetRejection` when the ERP refuses the change on its
 * merits (not retried; the outbox row is `rejected` with its words); any other error is
 * transient and retried.
 */
export interface CreditLimitTarget {
  applyCreditLimit(change: CreditLimitChange, signal: AbortSignal): Promise<{ reference?: string; detail?: string }>;
}

export interface ConnectorInstance {
  check(): Promise<CheckResult>;
  /** Present when the configured connector can take orders (see OrderTarget). */
  orders?: OrderTarget;
  /** Present when the configured connector can take shipment requests (a WMS; see ShipmentTarget). */
  shipments?: ShipmentTarget;
  /** Present when the configured connector reports tracking (a TMS; see TrackingSource). */
  tracking?: TrackingSource;
  /** Present when the configured connector applies credit-limit changes (see CreditLimitTarget). */
  creditLimits?: CreditLimitTarget;
  /**
   * Pages after `cursor` (null = from the beginning). Checks `signal` between pages and throws
   * its abort reason (`signal.throwIfAborted()`). A stream with nothing new yields no page.
   */
  read(stream: string, cursor: Cursor | null, signal: AbortSignal): AsyncIterable<Page>;
  close(): Promise<void>;
}

export interface ConnectorDefinition<Options = unknown> {
  kind: string;
  /** Validates the connector's YAML entry, less the keys the framework owns (`kind`, `enabled`, `mappings`). */
  optionsSchema: z.ZodType<Options>;
  /** Streams this configuration offers (may depend on options, e.g. SQL queries). */
  streams(options: Options): StreamSpec[];
  create(options: Options, deps: ConnectorDeps): ConnectorInstance;
}

export function defineConnector<Options>(definition: ConnectorDefinition<Options>): ConnectorDefinition<Options> {
  return definition;
}
