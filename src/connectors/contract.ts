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

export interface ConnectorInstance {
  check(): Promise<CheckResult>;
  /** Present when the configured connector can take orders (see OrderTarget). */
  orders?: OrderTarget;
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
