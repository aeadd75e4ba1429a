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

export interface ConnectorInstance {
  check(): Promise<CheckResult>;
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
