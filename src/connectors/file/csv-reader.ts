/**
 * CSV files through csv-parse's streaming parser: memory stays flat whatever the file size.
 * Bytes are decoded with the stream's encoding first (TextDecoder: utf-8, gbk, gb18030 …; a
 * BOM is removed), so csv-parse only ever sees text.
 */
import { createReadStream } from 'node:fs';
import { pipeline, Transform } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { UserError } from '../../core/errors.js';
import { displayPath } from './files.js';
import { headerProblem, isBlank, type BatchReader, type RowEvent } from './rows.js';

/** Decodes bytes to text; `fatal`, so a GBK file read as UTF-8 fails instead of turning into mojibake. */
function decoder(encoding: string): Transform {
  const textDecoder = new TextDecoder(encoding, { fatal: true });
  const push = (transform: Transform, text: string) => text && transform.push(text, 'utf8');
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        push(this, textDecoder.decode(chunk, { stream: true }));
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done) {
      try {
        push(this, textDecoder.decode());
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  });
}

function skipMessage(error: CsvError, columns: number): string {
  if (error.code === 'CSV_RECORD_INCONSISTENT_COLUMNS') {
    const record: unknown = (error as unknown as { record?: unknown }).record;
    const found = Array.isArray(record) ? record.length : '?';
    return `expected ${columns} columns, found ${found}`;
  }
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') return 'a quoted field is not closed before the end of the file';
  return error.message.replace(/\s+(at|on) line \d+/, '');
}

/** Rows handed on per batch: a 1M-row file otherwise costs a million awaits in each layer above. */
const BATCH_ROWS = 1000;

export const readCsvRows: BatchReader = async function* (file, stream) {
  const name = displayPath(file.path);
  const { delimiter, quote, encoding } = stream.csv;
  let header: Array<string | undefined> | undefined;
  // Rows are counted as a spreadsheet shows them: header = 1, every record (read or not) and
  // every blank line one row. Equal to the line number unless a quoted cell spans lines.
  let consumed = 0;
  const rejected: RowEvent[] = [];
  const parser = parse({
    delimiter,
    quote,
    bom: true,
    trim: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    columns: (names: string[]) => {
      header = names.map((n) => n.trim() || undefined);
      // Duplicates are reported below; unnamed columns are not read.
      return header.map((n, i) => (n === undefined || header!.indexOf(n) !== i ? false : n)) as string[];
    },
    on_record: (record: Record<string, string>, context) => ({ record, row: 1 + ++consumed + context.empty_lines }),
    on_skip: (error) => {
      if (error) rejected.push({ row: 1 + ++consumed + ((error as { empty_lines?: number }).empty_lines ?? 0), error: skipMessage(error, header?.length ?? 0) });
    },
  });
  pipeline(createReadStream(file.path), decoder(encoding), parser, () => undefined);

  let headerChecked = false;
  let batch: RowEvent[] = [];
  try {
    for await (const { record, row } of parser as AsyncIterable<{ record: Record<string, string>; row: number }>) {
      if (!headerChecked && header) {
        const problem = headerProblem(header);
        if (problem) throw new UserError(`${name}: ${problem}`, { file: file.path });
        headerChecked = true;
      }
      while (rejected.length > 0 && rejected[0]!.row < row) batch.push(rejected.shift()!);
      // Blank cells are left out (so defaults apply); a row of only empty cells (",,,", common
      // at the end of spreadsheet exports) holds nothing. This loop runs per row: no copies.
      let cleaned: Record<string, string> | undefined;
      for (const key in record) {
        const value = record[key]!;
        if (!isBlank(value)) (cleaned ??= {})[key] = value;
      }
      if (cleaned) batch.push({ row, record: cleaned });
      if (batch.length >= BATCH_ROWS) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`${name}: ${describeReadError(error, encoding)}`, { file: file.path, cause: String(error) });
  } finally {
    parser.destroy();
  }
  if (!header) throw new UserError(`${name}: no header row (the file is empty)`, { file: file.path });
  const problem = headerProblem(header);
  if (problem) throw new UserError(`${name}: ${problem}`, { file: file.path });
  batch.push(...rejected);
  if (batch.length > 0) yield batch;
};

function describeReadError(error: unknown, encoding: string): string {
  const code = (error as { code?: string }).code;
  if (code === 'ERR_ENCODING_INVALID_ENCODED_DATA') return `not valid ${encoding} text; set csv.encoding (e.g. gbk) to the file's encoding`;
  if (code === 'ENOENT') return 'the file disappeared while it was being read';
  if (code === 'EACCES' || code === 'EPERM') return 'the file is not readable (permission denied)';
  return `cannot be read as CSV: ${(error as Error).message}`;
}
