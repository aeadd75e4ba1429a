/**
 * An order workbook (XLSX) as sheet rows: the first sheet, read with exceljs's streaming reader
 * so a small zip that inflates to a huge sheet stops at MAX_ROWS instead of filling memory.
 */
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { UserError } from '../../core/errors.js';
import { MAX_ROWS, resolveHeader, toSheetRow, unreadable, type Column, type SheetRow } from './sheet.js';

interface SheetReader extends AsyncIterable<ExcelJS.Row> {
  name?: string;
}

/** A cell as text: rich text and hyperlinks give their text, formulas their result, dates ISO days. */
function cellText(raw: unknown): string | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (raw instanceof Date) return raw.toISOString().slice(0, 10);
  if (typeof raw !== 'object') return String(raw);
  const v = raw as Record<string, unknown>;
  if (typeof v.error === 'string') return v.error;
  if (Array.isArray(v.richText)) return v.richText.map((part: { text?: string }) => part.text ?? '').join('');
  if ('formula' in v || 'sharedFormula' in v) return cellText(v.result);
  if ('text' in v) return cellText(v.text);
  return undefined;
}

/**
 * exceljs's streaming reader waits forever on some corrupt zips (found by test/fuzz/batch.test.ts):
 * no step (next sheet, next row) may take longer than `stallMs`, or the file is unreadable.
 */
const STALL_MS = 5_000;

async function* guarded<T>(source: AsyncIterable<T>, stallMs: number): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(unreadable('the XLSX workbook cannot be read: its zip data ends or breaks off mid-way')), stallMs);
    });
    let step: IteratorResult<T>;
    try {
      step = await Promise.race([iterator.next(), stalled]);
    } finally {
      clearTimeout(timer);
    }
    if (step.done) return;
    yield step.value;
  }
}

/** One row of a sheet as cell text, with its spreadsheet row number (1-based). */
export interface XlsxRow {
  row: number;
  values: Array<string | undefined>;
}

export interface FirstSheetOptions {
  stallMs?: number;
  /** Non-blank rows (header included) past which the file is refused with `tooMany`. */
  maxRows: number;
  tooMany: string;
}

/**
 * The first sheet's rows as cell text, streamed (a small zip that inflates to a huge sheet stops
 * at maxRows) and guarded against stalls. Shared by order batches and portal cart files.
 */
export async function readFirstSheet(bytes: Buffer, options: FirstSheetOptions): Promise<XlsxRow[]> {
  const stallMs = options.stallMs ?? STALL_MS;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  let emitted = 0;
  try {
    for await (const sheet of guarded(reader as AsyncIterable<SheetReader>, stallMs)) {
      emitted++;
      // Sheets arrive in zip order; the workbook's tab list says which one is first.
      const tabs = (reader as unknown as { model?: { sheets?: Array<{ name: string }> } }).model?.sheets;
      const position = (tabs?.findIndex((tab) => tab.name === sheet.name) ?? -1) + 1 || emitted;
      if (position === 1) return await sheetCells(sheet, stallMs, options);
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    const message = (error as Error).message;
    throw unreadable(/signature|zip/i.test(message) ? 'the upload is not an XLSX workbook' : `the XLSX workbook cannot be read: ${message}`);
  }
  throw unreadable(emitted === 0 ? 'the upload is not an XLSX workbook (no worksheet found)' : 'the workbook has no first sheet');
}

async function sheetCells(sheet: SheetReader, stallMs: number, options: FirstSheetOptions): Promise<XlsxRow[]> {
  const rows: XlsxRow[] = [];
  for await (const row of guarded(sheet, stallMs)) {
    // exceljs rows are 1-based: values[0] is always empty.
    const values = ((row.values as unknown[]) ?? []).slice(1).map(cellText);
    if (values.every((value) => !value?.trim())) continue;
    rows.push({ row: row.number, values });
    if (rows.length > options.maxRows) throw unreadable(options.tooMany);
  }
  return rows;
}

export async function readXlsx(bytes: Buffer, options: { stallMs?: number } = {}): Promise<SheetRow[]> {
  const [head, ...data] = await readFirstSheet(bytes, {
    ...options,
    maxRows: MAX_ROWS + 1,
    tooMany: `the workbook has more than ${MAX_ROWS} rows; at most ${MAX_ROWS} per batch`,
  });
  if (!head) throw unreadable('the first sheet is empty (no header row)');
  const header: Array<Column | undefined> = resolveHeader(head.values);
  const rows = data.flatMap(({ row, values }) => toSheetRow(row, header, values) ?? []);
  if (rows.length === 0) throw unreadable('the first sheet has a header row but no order rows');
  return rows;
}
