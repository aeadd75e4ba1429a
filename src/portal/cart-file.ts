/**
 * A cart from an uploaded file: CSV or XLSX with a SKU column and a quantity column (header
 * names as the batch route accepts them, e.g. sku/物料编码 and qty/数量; other columns are
 * ignored), or without a header, the first two columns. Nothing is placed: the lines go to
 * the cart, where the quote judges them.
 */
import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { UserError } from '../core/errors.js';

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

export function csvRows(bytes: Buffer): string[][] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw unreadable('the CSV file is not valid UTF-8 text; save it as "CSV UTF-8"');
  }
  try {
    return parse(text, { relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (error) {
    throw unreadable(`the CSV file cannot be read: ${(error as Error).message}`);
  }
}

/** The first sheet's rows as text (numbers and formula results as shown). */
export async function xlsxRows(bytes: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.read(Readable.from([bytes]));
  } catch {
    throw unreadable('the upload is not an XLSX workbook');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw unreadable('the workbook has no sheet');
  if (sheet.rowCount > MAX_CART_ROWS + 1) throw unreadable(`the sheet has ${sheet.rowCount} rows; a cart takes at most ${MAX_CART_ROWS}`);
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => {
    const values = (row.values as unknown[]).slice(1);
    rows.push(values.map((v) => (v === null || v === undefined ? '' : typeof v === 'object' && v !== null && 'result' in v ? String((v as { result: unknown }).result) : typeof v === 'object' && v !== null && 'text' in v ? String((v as { text: unknown }).text) : String(v))));
  });
  return rows;
}
