/**
 * YAML files (.yaml, .yml): read and parsed whole, like JSON. YAML is for short, hand-edited
 * lists — promotions, coupons, a few hundred records at most — so holding one file in memory
 * is fine; large exports belong in CSV or XLSX, which are streamed. The document is a list of
 * records, or an object holding one at the stream's `jsonPath` ("data.promotions"). Each
 * element is one record; its row is its 1-based position in the list.
 *
 * Parsed with the YAML 1.2 core schema: `2026-11-11` stays the text "2026-11-11" (no
 * timestamps turned into Dates), `yes`/`no` stay text, numbers are numbers. Duplicate keys
 * and more than 100 alias expansions are errors.
 */
import { parse, YAMLParseError } from 'yaml';
import { documentRows, fileFailure, readUtf8 } from './json-reader.js';
import type { RowReader } from './rows.js';

export const readYamlRows: RowReader = async function* (file, stream) {
  const fail = fileFailure(file.path);
  const text = await readUtf8(file.path, 'YAML', fail);
  let data: unknown;
  try {
    data = parse(text, { schema: 'core', uniqueKeys: true, maxAliasCount: 100 });
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` (line ${error.linePos[0].line}, column ${error.linePos[0].col})` : '';
    const message = (error as Error).message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    return fail(`not valid YAML${where}: ${message}`);
  }
  if (data === null || data === undefined) return fail('the YAML document is empty (write [] for no records)');
  yield* documentRows(data, stream, 'YAML', fail);
};
