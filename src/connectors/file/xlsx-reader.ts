/**
 * XLSX files through exceljs's streaming WorkbookReader: rows arrive one by one from the zip,
 * so a large workbook is never held in memory. Styles are read so date-formatted cells arrive
 * as Dates (for the `excelDate` transform); formulas give their cached result.
 */
import { createReadStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { UserError } from '../../core/errors.js';
import { displayPath } from './files.js';
import { headerProblem, isBlank, type RowReader } from './rows.js';

/** What the streaming reader really exposes (its typings omit the sheet's name). */
interface SheetReader extends AsyncIterable<ExcelJS.Row> {
  name?: string;
}

type Cell = { value: unknown } | { error: string };

/** A cell's value as a plain value: rich text and hyperlinks become text, formulas their result. */
function cellValue(raw: unknown): Cell {
  if (raw === null || raw === undefined || raw instanceof Date || typeof raw !== 'object') return { value: raw ?? undefined };
  const v = raw as Record<string, unknown>;
  if (typeof v.error === 'string') return { error: v.error };
  if (Array.isArray(v.richText)) return { value: v.richText.map((part: { text?: string }) => part.text ?? '').join('') };
  if ('formula' in v || 'sharedFormula' in v) return cellValue(v.result);
  if (typeof v.text === 'string' || 'hyperlink' in v) return cellValue(v.text);
  return { value: undefined };
}

function sheetMatches(wanted: string | number | undefined, name: string | undefined, position: number): boolean {
  if (wanted === undefined) return position === 1;
  return typeof wanted === 'number' ? position === wanted : name?.trim() === wanted.trim();
}

export const readXlsxRows: RowReader = async function* (file, stream) {
  const name = displayPath(file.path);
  const fail = (message: string): never => {
    throw new UserError(`${name}: ${message}`, { file: file.path });
  };
  // Our own source stream, so an I/O error ends the zip instead of escaping as an unhandled 'error'.
  const source = createReadStream(file.path);
  const input = new PassThrough();
  let sourceError: Error | undefined;
  source.on('error', (error) => {
    sourceError = error;
    input.end();
  });
  source.pipe(input);
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  const seen: string[] = [];
  let found = false;
  try {
    let emitted = 0;
    for await (const sheet of workbook as AsyncIterable<SheetReader>) {
      emitted++;
      // Worksheets come in zip order; tab order is the workbook's sheet list when it is known.
      const tabs = (workbook as unknown as { model?: { sheets?: Array<{ name: string }> } }).model?.sheets;
      const index = tabs?.findIndex((tab) => tab.name === sheet.name) ?? -1;
      const position = index >= 0 ? index + 1 : emitted;
      seen.push(sheet.name ?? `#${position}`);
      if (!sheetMatches(stream.sheet, sheet.name, position)) {
        // Drain a skipped sheet before asking for the next: exceljs deletes a buffered sheet's temp
        // file when the next one is asked for, and a read stream it has not opened yet would then
        // fail with ENOENT as an uncaught error (seen once in CI).
        for await (const _row of sheet) void _row;
        continue;
      }
      found = true;
      yield* sheetRows(sheet, stream.headerRow, fail);
      break;
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    const message = (error as Error).message;
    if (!sourceError) fail(/signature/i.test(message) ? 'not an XLSX workbook (not a zip archive)' : `not a readable XLSX workbook (${message})`);
  } finally {
    source.destroy();
    input.destroy();
  }
  if (sourceError) fail(`cannot be read: ${sourceError.message}`);
  if (seen.length === 0) fail('not an XLSX workbook (no worksheet found)');
  if (!found) fail(stream.sheet === undefined ? 'no first sheet' : `no sheet ${JSON.stringify(stream.sheet)}; it has ${seen.map((s) => JSON.stringify(s)).join(', ')}`);
};

async function* sheetRows(sheet: SheetReader, headerRow: number, fail: (message: string) => never) {
  let header: Array<string | undefined> | undefined;
  for await (const row of sheet) {
    if (row.number < headerRow) continue;
    const values = (row.values as unknown[]) ?? [];
    if (row.number === headerRow) {
      header = values.map((raw) => {
        const cell = cellValue(raw);
        return 'value' in cell && !isBlank(cell.value) ? String(cell.value).trim() : undefined;
      });
      const problem = headerProblem(header);
      if (problem) fail(problem.replace('the first row', `row ${headerRow}`));
      continue;
    }
    if (!header) fail(`no header row (row ${headerRow} is empty)`);
    const record: Record<string, unknown> = {};
    let error: string | undefined;
    header!.forEach((column, index) => {
      if (!column || index === 0) return;
      const cell = cellValue(values[index]);
      if ('error' in cell) error ??= `column "${column}" holds the error value ${cell.error}`;
      else if (!isBlank(cell.value)) record[column] = cell.value;
    });
    if (error) yield { row: row.number, error };
    else if (Object.keys(record).length > 0) yield { row: row.number, record };
  }
  if (!header) fail(`no header row (row ${headerRow} is empty)`);
}
