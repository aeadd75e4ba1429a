/**
 * JSON files: read whole (they are small exports, unlike CSV/XLSX), then the array at
 * `jsonPath` (a dotted path; default the top-level array). Each element is one record; its
 * row is its 1-based position in the array.
 */
import { readFile } from 'node:fs/promises';
import { UserError } from '../../core/errors.js';
import { displayPath } from './files.js';
import type { RowReader } from './rows.js';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export const readJsonRows: RowReader = async function* (file, stream) {
  const name = displayPath(file.path);
  const fail = (message: string): never => {
    throw new UserError(`${name}: ${message}`, { file: file.path });
  };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(await readFile(file.path));
  } catch (error) {
    return fail(`cannot be read as UTF-8 JSON: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON: ${(error as Error).message}`);
  }

  let items: unknown = data;
  const walked: string[] = [];
  for (const key of stream.jsonPath?.split('.') ?? []) {
    if (!isRecord(items) || !(key in items)) return fail(`no "${[...walked, key].join('.')}" in the JSON (jsonPath ${stream.jsonPath})`);
    items = items[key];
    walked.push(key);
  }
  if (!Array.isArray(items)) {
    return fail(stream.jsonPath ? `"${stream.jsonPath}" is not an array` : 'the top level is not an array; set jsonPath to the array of records');
  }
  for (const [index, item] of items.entries()) {
    yield isRecord(item) ? { row: index + 1, record: item } : { row: index + 1, error: `expected an object, found ${JSON.stringify(item)?.slice(0, 80)}` };
  }
};
