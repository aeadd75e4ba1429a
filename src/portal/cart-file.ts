/**
 * A cart from an uploaded file: CSV or XLSX with a SKU column and a quantity column (header
 * names as the batch route accepts them, e.g. sku/物料编码 and qty/数量; other columns are
 * ignored), or without a header, the first two columns. Nothing is placed: the lines go to
 * the cart, where the quote judges them.
 */
import { UserError } from '../core/errors.js';
import { parseCsv } from '../orders/batch/read-csv.js';
import { readFirstSheet } from '../orders/batch/read-xlsx.js';

export interface CartLine {
  sku: string;
  qty: number;
}
export interface CartFileProblem {
  row: number;
  message: string;
}

export const MAX_CART_ROWS = 500;
const SKU_NAMES = ['sku', '物料编码', '商品编码', 'item'];
const QTY_NAMES = ['qty', 'quantity', '数量'];

function unreadable(message: string): UserError {
  return new UserError(message, { code: 'unreadable_file' }, 400);
}

/** Rows of cells → cart lines; the same SKU twice adds up. Pure. */
export function linesFromRows(rows: ReadonlyArray<ReadonlyArray<string>>): { lines: CartLine[]; problems: CartFileProblem[] } {
  const nonEmpty = rows.map((cells, index) => ({ cells: cells.map((c) => c.trim()), row: index + 1 })).filter((r) => r.cells.some(Boolean));
  if (nonEmpty.length === 0) throw unreadable('the file has no rows');
  const head = nonEmpty[0]!.cells.map((c) => c.toLowerCase());
  let skuAt = head.findIndex((c) => SKU_NAMES.includes(c));
  let qtyAt = head.findIndex((c) => QTY_NAMES.includes(c));
  const hasHeader = skuAt >= 0 || qtyAt >= 0;
  if (hasHeader && (skuAt < 0 || qtyAt < 0)) throw unreadable(`the header row needs both a SKU column (${SKU_NAMES.join('/')}) and a quantity column (${QTY_NAMES.join('/')})`);
  if (!hasHeader) [skuAt, qtyAt] = [0, 1];
  const data = hasHeader ? nonEmpty.slice(1) : nonEmpty;
  if (data.length > MAX_CART_ROWS) throw unreadable(`the file has ${data.length} rows; a cart takes at most ${MAX_CART_ROWS}`);
  const totals = new Map<string, number>();
  const problems: CartFileProblem[] = [];
  for (const { cells, row } of data) {
    const sku = (cells[skuAt] ?? '').toUpperCase();
    const qtyText = cells[qtyAt] ?? '';
    if (!sku) problems.push({ row, message: `row ${row}: no SKU` });
    else if (!/^\d{1,7}$/.test(qtyText) || Number(qtyText) < 1) problems.push({ row, message: `row ${row}: quantity "${qtyText}" is not a whole number ≥ 1` });
    else totals.set(sku, (totals.get(sku) ?? 0) + Number(qtyText));
  }
  return { lines: [...totals].map(([sku, qty]) => ({ sku, qty })), problems };
}

/** The CSV's records (the batch route's reader: UTF-8 only, blank lines skipped). */
export function csvRows(bytes: Buffer): string[][] {
  return parseCsv(bytes).map((parsed) => parsed.record);
}

/**
 * The first sheet's rows as text, placed by spreadsheet row number so problems name the row a
 * person sees. Read with the batch route's streaming, stall-guarded reader.
 */
export async function xlsxRows(bytes: Buffer): Promise<string[][]> {
  const read = await readFirstSheet(bytes, { maxRows: MAX_CART_ROWS + 1, tooMany: `the sheet has more than ${MAX_CART_ROWS} rows; a cart takes at most ${MAX_CART_ROWS}` });
  const rows: string[][] = Array.from({ length: read.at(-1)?.row ?? 0 }, () => []);
  for (const { row, values } of read) rows[row - 1] = values.map((value) => value ?? '');
  return rows;
}
