/** An order file in CSV (UTF-8, BOM allowed) as sheet rows. The body is already bounded (10 MiB). */
import { parse, type CsvError } from 'csv-parse/sync';
import { MAX_ROWS, resolveHeader, toSheetRow, unreadable, type SheetRow } from './sheet.js';

export interface Parsed {
  record: string[];
  info: { records: number; empty_lines: number };
}

function decode(bytes: Buffer): string {
  try {
    // fatal: a GBK export read as UTF-8 fails here instead of turning into mojibake; the BOM is dropped.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw unreadable('the CSV file is not valid UTF-8 text; save it as "CSV UTF-8"');
  }
}

/** A CSV file's records with csv-parse's line info; refuses text that is not UTF-8 (400). Shared with portal cart files. */
export function parseCsv(bytes: Buffer): Parsed[] {
  const text = decode(bytes);
  try {
    return parse(text, { info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as Parsed[];
  } catch (error) {
    const csv = error as CsvError & { lines?: number };
    throw unreadable(`the CSV file cannot be read${csv.lines ? ` (line ${csv.lines})` : ''}: ${csv.message}`);
  }
}

export function readCsv(bytes: Buffer): SheetRow[] {
  const parsed = parseCsv(bytes);
  const [first, ...data] = parsed;
  if (!first) throw unreadable('the CSV file is empty');
  const header = resolveHeader(first.record);
  if (data.length > MAX_ROWS) throw unreadable(`the CSV file has ${data.length} rows; at most ${MAX_ROWS} per batch`);
  const rows: SheetRow[] = [];
  for (const { record, info } of data) {
    // records counts the header too; blank lines still take a row in a spreadsheet.
    const row = toSheetRow(info.records + info.empty_lines, header, record);
    if (!row) continue;
    if (record.length !== header.length) row.problem = `expected ${header.length} columns, found ${record.length}`;
    rows.push(row);
  }
  if (rows.length === 0) throw unreadable('the CSV file has a header row but no order rows');
  return rows;
}
