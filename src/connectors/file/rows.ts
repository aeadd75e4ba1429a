/** What the format readers yield: one event per row, in file order, with its row number. */
import type { SourceRecord } from '../contract.js';
import type { FileEntry } from './files.js';
import type { FileStream } from './options.js';

export type RowEvent =
  /** A readable row. `row` is what a person sees: the spreadsheet row (header = 1) or the JSON element (1-based). */
  | { row: number; record: SourceRecord }
  /** A row the reader could not read (a malformed CSV line, an XLSX error cell); the file goes on. */
  | { row: number; error: string };

/**
 * Reads one file. Throws a UserError naming the file when it cannot be read as its format at
 * all (no header row, not a workbook, invalid JSON …).
 */
export type RowReader = (file: FileEntry, stream: FileStream) => AsyncIterable<RowEvent>;

/** Rows in file order, a batch at a time: one await per batch instead of one per row. */
export type BatchReader = (file: FileEntry, stream: FileStream) => AsyncIterable<RowEvent[]>;

/** Groups a row reader's events into batches (for the readers whose rows are few or costly anyway). */
export function inBatches(reader: RowReader, size = 1000): BatchReader {
  return async function* (file, stream) {
    let batch: RowEvent[] = [];
    for await (const event of reader(file, stream)) {
      batch.push(event);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  };
}

/** Empty cells are missing values, so a mapping's `default` and `nullIfEmpty` apply. */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** Header names as written, trimmed; blank names mark columns that are not read. */
export function headerProblem(names: ReadonlyArray<string | undefined>): string | undefined {
  const present = names.filter((name): name is string => !!name);
  if (present.length === 0) return 'no header row (the first row has no column names)';
  const duplicate = present.find((name, index) => present.indexOf(name) !== index);
  return duplicate === undefined ? undefined : `column "${duplicate}" appears twice in the header row`;
}
