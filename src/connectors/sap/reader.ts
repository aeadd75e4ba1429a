/**
 * Reads one SAP stream page by page. Paging follows `d.__next` when the server cuts the
 * result ($skiptoken), else `$top`/`$skip`. The cursor after a page is
 * `{ next, from, running, carry }` mid-run — the next URL, the mark the run started from, the
 * highest stamp seen so far, and an incomplete stock group — and `{ from }` (incremental) or
 * `{ done: true }` (snapshot) after the last page.
 */
import { z } from 'zod';
import { UserError } from '../../core/errors.js';
import type { Cursor, Page, SourceRecord } from '../contract.js';
import { addToGroup, groupKey } from '../shared/aggregate.js';
import type { HttpClient } from '../shared/client.js';
import { HighWater, markFromCursor, markToCursor, type Mark } from '../shared/high-water.js';
import { andOf, queryString, readEnvelope } from './odata.js';
import type { SapOptions } from './options.js';
import { recordStampMs, stampFilter, stampOrderBy } from './stamps.js';
import type { SapStream } from './streams.js';

const markSchema = z.object({ at: z.string(), keys: z.array(z.string()) }).nullish();
const cursorSchema = z.object({
  next: z.string().nullish(),
  from: markSchema,
  running: markSchema,
  carry: z.record(z.string(), z.unknown()).nullish(),
  done: z.boolean().optional(),
});

export function parseSapCursor(cursor: Cursor | null): z.infer<typeof cursorSchema> {
  if (cursor === null) return {};
  const parsed = cursorSchema.safeParse(cursor);
  if (!parsed.success) throw new UserError(`not a sap connector cursor: ${JSON.stringify(cursor)}`, { code: 'invalid_cursor' });
  return parsed.data;
}

export function firstUrl(stream: SapStream, options: SapOptions, from: Mark | null): string {
  const stamp = stream.stamp && from ? stampFilter(stream.stamp, Date.parse(from.at)) : undefined;
  const params = {
    $format: 'json',
    'sap-client': options.client,
    $top: options.pageSize,
    $filter: andOf([stream.filter?.(options), stamp]),
    $orderby: [...(stream.stamp ? stampOrderBy(stream.stamp) : []), ...stream.orderBy].join(','),
    $select: stream.select?.join(','),
    $expand: stream.expand?.join(','),
  };
  return `${options.services[stream.service]}/${stream.entitySet}?${queryString(params)}`;
}

/** Sets one query parameter without re-encoding the others (URLSearchParams would turn %20 into +). */
export function withParam(url: string, name: string, value: string | undefined): string {
  const [path, query = ''] = url.split('?', 2) as [string, string?];
  const encoded = encodeURIComponent(name).replaceAll('%24', '$');
  const parts = query.split('&').filter((part) => part && part.split('=')[0] !== encoded && part.split('=')[0] !== encodeURIComponent(name));
  if (value !== undefined) parts.push(`${encoded}=${encodeURIComponent(value)}`);
  return parts.length > 0 ? `${path}?${parts.join('&')}` : path;
}

function nextUrl(stream: SapStream, options: SapOptions, requested: string, next: string | undefined, count: number): string | undefined {
  if (next) {
    // SAP's __next sometimes drops $format and sap-client; the Accept header covers JSON, add both anyway.
    let url = new URL(next, requested).toString();
    if (!/[?&](\$|%24)format=/.test(url)) url = withParam(url, '$format', 'json');
    if (options.client && !/[?&]sap-client=/.test(url)) url = withParam(url, 'sap-client', options.client);
    return url;
  }
  if (count < options.pageSize) return undefined;
  const skip = Number(/[?&](?:\$|%24)skip=(\d+)/.exec(requested)?.[1] ?? 0) + options.pageSize;
  return withParam(requested, '$skip', String(skip));
}

/** Rows arrive ordered by the group key; a group may continue on the next page (the carry). */
function aggregateSorted(stream: SapStream, carry: SourceRecord | null, rows: SourceRecord[]): { complete: SourceRecord[]; carry: SourceRecord | null } {
  const spec = stream.aggregate!;
  const complete: SourceRecord[] = [];
  let current = carry;
  for (const row of rows) {
    const { StorageLocation, ...rest } = row;
    if (current && groupKey(current, spec.by) === groupKey(row, spec.by)) {
      const locations = [...(current.StorageLocations as unknown[]), StorageLocation];
      current = { ...addToGroup(current, row, spec), StorageLocations: locations };
    } else {
      if (current) complete.push(current);
      current = { ...rest, StorageLocations: [StorageLocation] };
    }
  }
  return { complete, carry: current };
}

export async function* readSapStream(
  stream: SapStream,
  options: SapOptions,
  client: HttpClient,
  cursor: Cursor | null,
  signal: AbortSignal,
): AsyncGenerator<Page> {
  const state = parseSapCursor(cursor);
  if (state.done) return;
  const from = markFromCursor(state.from);
  const highWater = stream.stamp ? new HighWater(from, markFromCursor(state.running)) : undefined;
  const keyOf = (record: SourceRecord) => JSON.stringify(stream.key.map((field) => record[field] ?? null));
  let carry: SourceRecord | null = state.carry ?? null;
  let url: string | undefined = state.next ?? firstUrl(stream, options, from);
  let yielded = false;
  const where = `${stream.name} (${options.services[stream.service]}/${stream.entitySet})`;

  while (url) {
    signal.throwIfAborted();
    const response = await client.get(url, signal);
    const page = readEnvelope(response.data, client.scrub(where));
    let records = page.results;
    if (highWater && stream.stamp) {
      const stampOf = (record: SourceRecord) => {
        const ms = recordStampMs(record, stream.stamp!);
        return ms === undefined ? undefined : new Date(ms).toISOString();
      };
      records = records.filter((record) => !highWater.alreadyRead(stampOf(record), keyOf(record)));
      for (const record of records) highWater.observe(stampOf(record), keyOf(record));
    }
    const next = nextUrl(stream, options, response.url, page.next, page.results.length);
    if (stream.aggregate) {
      const grouped = aggregateSorted(stream, carry, records);
      records = grouped.complete;
      carry = grouped.carry;
      if (!next && carry) {
        records.push(carry);
        carry = null;
      }
    }
    if (stream.shape) records = records.map((record) => stream.shape!(record, options));
    if (!next && records.length === 0 && !yielded && !state.next) return; // nothing new
    const pageCursor: Cursor = next
      ? { next: relativeTo(options.baseUrl, next), from: markToCursor(from), running: markToCursor(highWater?.mark ?? null), carry: carry as Cursor }
      : stream.stamp
        ? { from: markToCursor(highWater?.mark ?? from) }
        : { done: true };
    yielded = true;
    yield { records, cursor: pageCursor };
    url = next;
  }
}

function relativeTo(baseUrl: string, url: string): string {
  const base = `${baseUrl.replace(/\/+$/, '')}/`;
  return url.startsWith(base) ? url.slice(base.length) : url;
}
