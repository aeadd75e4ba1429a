/**
 * What the batch readers produce: the rows of a CSV or XLSX order file as text cells under
 * known columns, each with its spreadsheet row number (header = 1), whatever the file's format.
 */
import { UserError } from '../../core/errors.js';

export type Column = 'externalRef' | 'shipTo' | 'sku' | 'qty' | 'note';

export interface SheetRow {
  /** The row as a spreadsheet shows it: header = 1, blank lines count. */
  row: number;
  cells: Partial<Record<Column, string>>;
  /** Set when the row as a whole cannot be read (e.g. a CSV line with the wrong column count). */
  problem?: string;
}

/** Header names accepted per column, compared trimmed and case-insensitively. */
const ALIASES: Record<Column, readonly string[]> = {
  externalRef: ['externalref', 'external_ref', 'po', '采购单号'],
  shipTo: ['shipto', 'ship_to', '收货地址'],
  sku: ['sku', '物料编码', '商品编码'],
  qty: ['qty', 'quantity', '数量'],
  note: ['note', '备注'],
};
const REQUIRED: readonly Column[] = ['externalRef', 'shipTo', 'sku', 'qty'];

/** Rows past this are refused as a whole: a 10 MiB zip can inflate to millions of rows. */
export const MAX_ROWS = 200_000;

/** The file as a whole cannot be used (400): not a workbook, empty, no usable header. */
export function unreadable(message: string): UserError {
  return new UserError(message, { code: 'unreadable_file' }, 400);
}

function columnOf(name: string): Column | undefined {
  const wanted = name.trim().toLowerCase();
  return (Object.keys(ALIASES) as Column[]).find((column) => ALIASES[column].includes(wanted));
}

/** Maps header cells to columns; unknown columns are ignored (undefined). Throws when unusable. */
export function resolveHeader(names: ReadonlyArray<string | undefined>): Array<Column | undefined> {
  const columns = names.map((name) => (name ? columnOf(name) : undefined));
  const twice = columns.find((column, index) => column !== undefined && columns.indexOf(column) !== index);
  if (twice) throw unreadable(`the header row names the column ${twice} twice`);
  const missing = REQUIRED.filter((column) => !columns.includes(column));
  if (missing.length > 0) {
    throw unreadable(
      `the header row lacks ${missing.join(', ')}; expected externalRef,shipTo,sku,qty[,note] (or 采购单号,收货地址,物料编码,数量[,备注]); found ${names.filter(Boolean).join(',') || 'nothing'}`,
    );
  }
  return columns;
}

/** One data row as cells under their columns; undefined when every cell is blank. */
export function toSheetRow(row: number, header: ReadonlyArray<Column | undefined>, values: ReadonlyArray<string | undefined>): SheetRow | undefined {
  const cells: SheetRow['cells'] = {};
  let blank = true;
  header.forEach((column, index) => {
    const value = values[index]?.trim();
    if (!column || !value) return;
    cells[column] = value;
    blank = false;
  });
  if (blank && values.every((value) => !value?.trim())) return undefined;
  return { row, cells };
}
