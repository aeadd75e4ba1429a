/**
 * JSON files: read whole (they are small exports, unlike CSV/XLSX), then the array at
 * `jsonPath` (a dotted path; default the top-level array). Each element is one record; its
 * row is its 1-based position in the array.
 */
import { readFile } from 'node:fs/promises';
import { UserError } from '../../core/errors.js';
import { displayPath } from './files.js';
import type { RowEvent, RowReader } from './rows.js';
import type { FileStream } from './options.js';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Fails with a UserError naming the file. */
export type Fail = (message: string) => never;

export function fileFailure(path: string): Fail {
  const name = displayPath(path);
  return (message) => {
    throw new UserError(`${name}: ${message}`, { file: path });
  };
}

/** The whole file as UTF-8 text (`kind` names the format in the message). */
export async function readUtf8(path: string, kind: string, fail: Fail): Promise<string> {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(await readFile(path));
  } catch (error) {
    return fail(`cannot be read as UTF-8 ${kind}: ${(error as Error).message}`);
  }
}

/**
 * The records of a parsed document (JSON or YAML): the list at the stream's `jsonPath`, or
 * the document itself. An element that is not an object is a row error; the others go on.
 */
export function* documentRows(data: unknown, stream: Pick<FileStream, 'jsonPath'>, kind: string, fail: Fail): Generator<RowEvent> {
  let items: unknown = data;
  const walked: string[] = [];
  for (const key of stream.jsonPath?.split('.') ?? []) {
    if (!isRecord(items) || !(key in items)) return fail(`no "${[...walked, key].join('.')}" in the ${kind} (jsonPath ${stream.jsonPath})`);
    items = items[key];
    walked.push(key);
  }
  if (!Array.isArray(items)) {
    return fail(stream.jsonPath ? `"${stream.jsonPath}" is not an array` : `the top level is not ${kind === 'YAML' ? 'a list' : 'an array'}; set jsonPath to the ${kind === 'YAML' ? 'list' : 'array'} of records`);
  }
  for (const [index, item] of items.entries()) {
    yield isRecord(item) ? { row: index + 1, record: item } : { row: index + 1, error: `expected an object, found ${JSON.stringify(item)?.slice(0, 80)}` };
  }
}

export const readJsonRows: RowReader = async function* (file, stream) {
  const fail = fileFailure(file.path);
  const text = await readUtf8(file.path, 'JSON', fail);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON: ${(error as Error).message}`);
  }
  yield* documentRows(data, stream, 'JSON', fail);
};
