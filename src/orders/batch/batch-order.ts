/** One order of a batch as read from the request, before it is placed. */
import type { OrderRequest } from '../place-order.js';

/** Why a row (file) or an order (JSON) cannot be placed. */
export interface BatchProblem {
  /** Spreadsheet row (header = 1), for CSV/XLSX. */
  row?: number | undefined;
  /** Position of the order in a JSON batch (0-based), for JSON. */
  index?: number | undefined;
  field: string;
  message: string;
}

export interface BatchOrder {
  /** Position in the batch (0-based, first-seen order); keys the order when it has no externalRef. */
  index: number;
  externalRef: string | undefined;
  /** The spreadsheet rows of its lines, line by line (CSV/XLSX only). */
  rows?: number[] | undefined;
  /** What goes to placeOrder; undefined when the order could not even be assembled. */
  request: OrderRequest | undefined;
  /** Non-empty: the order is not placed. */
  problems: BatchProblem[];
}

/** Most orders one batch may carry, whatever its format. */
export const MAX_BATCH_ORDERS = 1000;
