/**
 * The `file` connector: CSV, XLSX, JSON and YAML files dropped into a folder. Each stream reads the
 * files matching its pattern in (mtime, name) order and yields pages of `pageSize` records,
 * each with its file and row, and a cursor saying how far it got (see cursor.ts).
 */
import { access, constants, stat } from 'node:fs/promises';
import { NotFoundError, UserError } from '../../core/errors.js';
import { defineConnector, type CheckResult, type ConnectorInstance, type Cursor, type Page, type RecordOrigin, type SourceRecord } from '../contract.js';
import { canonicalKeys } from '../../core/sync/canonical.js';
import { readCsvRows } from './csv-reader.js';
import { parseCursor, planFiles, positionCursor, type FilePlan } from './cursor.js';
import { defaultMapping } from './default-mappings.js';
import { displayPath, listMatches } from './files.js';
import { readJsonRows } from './json-reader.js';
import { fileOptionsSchema, resolveFolder, resolveStreams, type FileFormat, type FileOptions, type FileStream } from './options.js';
import { inBatches, type BatchReader } from './rows.js';
import { readXlsxRows } from './xlsx-reader.js';
import { readYamlRows } from './yaml-reader.js';

const READERS: Record<FileFormat, BatchReader> = { csv: readCsvRows, xlsx: inBatches(readXlsxRows), json: inBatches(readJsonRows), yaml: inBatches(readYamlRows) };

export const fileConnector = defineConnector<FileOptions>({
  kind: 'file',
  optionsSchema: fileOptionsSchema,
  streams: (options) =>
    resolveStreams(options).map((stream) => ({
      name: stream.name,
      entity: stream.entity,
      mode: stream.mode,
      primaryKey: canonicalKeys[stream.entity],
      defaultMapping: defaultMapping(stream.entity, stream.format, stream.pattern),
    })),
  create: (options) => createFileConnector(options),
});

function createFileConnector(options: FileOptions): ConnectorInstance {
  const folder = resolveFolder(options);
  const streams = new Map(resolveStreams(options).map((stream) => [stream.name, stream]));
  let closed = false;

  return {
    async check(): Promise<CheckResult> {
      const where = displayPath(folder);
      try {
        if (!(await stat(folder)).isDirectory()) return { ok: false, detail: `${where} is not a folder` };
        await access(folder, constants.R_OK | constants.X_OK);
      } catch (error) {
        const code = (error as { code?: string }).code;
        return { ok: false, detail: code === 'ENOENT' ? `folder ${where} does not exist` : `folder ${where} is not readable (${code ?? String(error)})` };
      }
      const counts: string[] = [];
      for (const stream of streams.values()) {
        const n = (await listMatches(folder, stream.pattern)).length;
        counts.push(`${stream.name}: ${n} file${n === 1 ? '' : 's'}`);
      }
      return { ok: true, detail: `${where}: ${streams.size} stream${streams.size === 1 ? '' : 's'}; ${counts.join(', ')}` };
    },

    read(name: string, cursor: Cursor | null, signal: AbortSignal): AsyncIterable<Page> {
      if (closed) throw new Error('file connector: read() after close()');
      const stream = streams.get(name);
      if (!stream) throw new NotFoundError(`file connector has no stream "${name}"; it has ${[...streams.keys()].join(', ')}`);
      return readStream(folder, stream, options.pageSize, cursor, signal);
    },

    async close(): Promise<void> {
      closed = true;
    },
  };
}

async function* readStream(folder: string, stream: FileStream, pageSize: number, cursor: Cursor | null, signal: AbortSignal): AsyncGenerator<Page> {
  signal.throwIfAborted();
  const position = parseCursor(cursor);
  let files;
  try {
    files = await listMatches(folder, stream.pattern);
  } catch (error) {
    throw new UserError(`folder ${displayPath(folder)} cannot be listed: ${(error as Error).message}`, { folder });
  }
  for (const plan of planFiles(files, position, stream.mode)) yield* readFilePages(plan, stream, pageSize, signal);
}

/**
 * One file's pages. A full page is held back until the next row shows up, so the last page
 * of a file always carries `eof: true` and a resumed read never re-opens a finished file.
 * A file with no rows at all still yields one (empty) page: its cursor records it as read.
 */
async function* readFilePages({ file, afterRow }: FilePlan, stream: FileStream, pageSize: number, signal: AbortSignal): AsyncGenerator<Page> {
  let records: SourceRecord[] = [];
  let origins: RecordOrigin[] = [];
  let rejected: Array<RecordOrigin & { message: string }> = [];
  let lastRow = afterRow;
  let pages = 0;
  const take = (eof: boolean): Page => {
    const page: Page = { records, origins, cursor: positionCursor(file, lastRow, eof) };
    if (rejected.length > 0) page.rejected = rejected;
    records = [];
    origins = [];
    rejected = [];
    pages++;
    return page;
  };

  for await (const batch of READERS[stream.format](file, stream)) {
    for (const event of batch) {
      if (event.row <= afterRow) continue;
      if (records.length >= pageSize || rejected.length >= pageSize) {
        signal.throwIfAborted();
        yield take(false);
        signal.throwIfAborted();
      }
      if ('record' in event) {
        records.push(event.record);
        origins.push({ file: file.name, row: event.row });
      } else {
        rejected.push({ file: file.name, row: event.row, message: event.error });
      }
      lastRow = event.row;
    }
  }
  if (records.length + rejected.length > 0 || pages === 0) {
    signal.throwIfAborted();
    yield take(true);
  }
}
