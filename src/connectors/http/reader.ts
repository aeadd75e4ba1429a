/**
 * Reads one stream of a REST source. Cursor mid-run: `{ pos, from, running }` (how to fetch the
 * next page, the mark the run started from, the highest stamp seen so far); after the last
 * page: `{ from }` for incremental streams, `{ done: true }` for snapshots. An aggregated
 * snapshot reads the whole source first, then yields sums in chunks; its cursor counts the
 * chunks already yielded (`emitted`), so a resumed run re-reads the source and skips them.
 */
import { z } from 'zod';
import { UserError } from '../../core/errors.js';
import type { Cursor, Page, SourceRecord } from '../contract.js';
import { aggregate, fieldAt } from '../shared/aggregate.js';
import type { HttpClient } from '../shared/client.js';
import { HighWater, markFromCursor, markToCursor, type Mark } from '../shared/high-water.js';
import { selectRecords } from './json-path.js';
import type { HttpStreamOptions } from './options.js';
import { nextPosition, pageParams, type Position } from './pagination.js';

const markSchema = z.object({ at: z.string(), keys: z.array(z.string()) }).nullish();
const cursorSchema = z.object({
  pos: z.object({ page: z.number().optional(), offset: z.number().optional(), token: z.string().optional(), url: z.string().optional() }).nullish(),
  from: markSchema,
  running: markSchema,
  emitted: z.number().int().min(0).optional(),
  done: z.boolean().optional(),
});

function parseCursor(cursor: Cursor | null): z.infer<typeof cursorSchema> {
  if (cursor === null) return {};
  const parsed = cursorSchema.safeParse(cursor);
  if (!parsed.success) throw new UserError(`not an http connector cursor: ${JSON.stringify(cursor)}`, { code: 'invalid_cursor' });
  return parsed.data;
}

function query(params: Record<string, string | number | boolean>): string {
  return Object.entries(params)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
    .join('&');
}

interface SourcePage {
  records: SourceRecord[];
  next: Position | undefined;
}

/** Source pages from `position` on, with constant fields added and already-read records dropped. */
async function* sourcePages(stream: HttpStreamOptions, client: HttpClient, start: Position, from: Mark | null, highWater: HighWater | undefined, signal: AbortSignal): AsyncGenerator<SourcePage> {
  const keyOf = (record: SourceRecord) => JSON.stringify(stream.primaryKey.map((field) => fieldAt(record, field) ?? null));
  const stampOf = (record: SourceRecord) => {
    const value = stream.incremental ? fieldAt(record, stream.incremental.field) : undefined;
    return value === undefined || value === null || value === '' ? undefined : String(value);
  };
  const mark = from?.at ?? stream.incremental?.initial;
  let position: Position | undefined = start;
  while (position) {
    signal.throwIfAborted();
    const url: string =
      position.url ??
      `${stream.path}?${query({ ...stream.query, ...(stream.incremental && mark ? { [stream.incremental.param]: mark } : {}), ...pageParams(stream.pagination, position) })}`;
    const response = await client.get(url.replace(/\?$/, ''), signal);
    const raw = selectRecords(response.data, stream.records);
    let records = raw.map((record) => ({ ...record, ...stream.addFields }));
    if (highWater) {
      records = records.filter((record) => !highWater.alreadyRead(stampOf(record), keyOf(record)));
      for (const record of records) highWater.observe(stampOf(record), keyOf(record));
    }
    const next = nextPosition(stream.pagination, position, { body: response.data, headers: response.headers, url: response.url, count: raw.length });
    if (next?.url) client.resolve(next.url); // a link to another origin would carry our credentials: refuse early
    yield { records, next };
    position = next;
  }
}

export async function* readHttpStream(stream: HttpStreamOptions, client: HttpClient, cursor: Cursor | null, signal: AbortSignal): AsyncGenerator<Page> {
  const state = parseCursor(cursor);
  if (state.done) return;
  const from = markFromCursor(state.from);
  const highWater = stream.incremental ? new HighWater(from, markFromCursor(state.running)) : undefined;
  const finalCursor = (): Cursor => (stream.mode === 'incremental' ? { from: markToCursor(highWater?.mark ?? from) } : { done: true });

  if (stream.aggregate) {
    const all: SourceRecord[] = [];
    for await (const page of sourcePages(stream, client, {}, from, highWater, signal)) all.push(...page.records);
    const summed = aggregate(all, stream.aggregate);
    const size = stream.pagination.type === 'offset' ? stream.pagination.limit : stream.pagination.type === 'page' ? stream.pagination.pageSize : 500;
    for (let start = state.emitted ?? 0; start < summed.length; start += size) {
      signal.throwIfAborted();
      const end = Math.min(start + size, summed.length);
      yield { records: summed.slice(start, end), cursor: end < summed.length ? { emitted: end } : finalCursor() };
    }
    return;
  }

  let yielded = false;
  for await (const page of sourcePages(stream, client, (state.pos ?? {}) as Position, from, highWater, signal)) {
    if (!page.next && page.records.length === 0 && !yielded && !state.pos) return; // nothing new
    const cursorAfter: Cursor = page.next ? { pos: { ...page.next }, from: markToCursor(from), running: markToCursor(highWater?.mark ?? null) } : finalCursor();
    yielded = true;
    yield { records: page.records, cursor: cursorAfter };
  }
}
