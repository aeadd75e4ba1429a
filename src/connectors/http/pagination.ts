/**
 * Pagination strategies of REST sources. A position says how to fetch the next page and is
 * stored in the cursor as it is: page → `{ page }`, offset → `{ offset }`, cursor → `{ token }`,
 * link → `{ url }` (from an RFC 8288 `Link: <…>; rel="next"` header).
 */
import type { HttpStreamOptions } from './options.js';
import { selectScalar } from './json-path.js';

/** Empty at the start of a run; one member set afterwards, depending on the strategy. */
export interface Position {
  page?: number;
  offset?: number;
  token?: string;
  url?: string;
}

type Pagination = HttpStreamOptions['pagination'];

/** Query parameters for a page at `position` (the link strategy uses its stored URL instead). */
export function pageParams(pagination: Pagination, position: Position): Record<string, string | number> {
  switch (pagination.type) {
    case 'page':
      return { [pagination.pageParam]: position.page ?? pagination.firstPage, [pagination.sizeParam]: pagination.pageSize };
    case 'offset':
      return { [pagination.offsetParam]: position.offset ?? 0, [pagination.limitParam]: pagination.limit };
    case 'cursor':
      return {
        ...(position.token !== undefined ? { [pagination.cursorParam]: position.token } : {}),
        ...(pagination.limitParam && pagination.limit ? { [pagination.limitParam]: pagination.limit } : {}),
      };
    case 'link':
      return pagination.limitParam && pagination.limit ? { [pagination.limitParam]: pagination.limit } : {};
    case 'none':
      return {};
  }
}

/** `<https://x/items?page=2>; rel="next", <…>; rel="last"` → the rel=next target. */
export function linkNext(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!match) continue;
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(match[2] ?? '');
    if (rel?.[1]?.split(/\s+/).includes('next')) return match[1];
  }
  return undefined;
}

export interface PageResult {
  body: unknown;
  headers: Record<string, string | undefined>;
  /** The absolute URL that was requested (for resolving relative links). */
  url: string;
  /** Records the page held, before any de-duplication. */
  count: number;
}

/** The position of the page after `result`, or undefined when it was the last. */
export function nextPosition(pagination: Pagination, position: Position, result: PageResult): Position | undefined {
  if (result.count === 0) return undefined;
  switch (pagination.type) {
    case 'page': {
      const page = position.page ?? pagination.firstPage;
      return result.count < pagination.pageSize ? undefined : { page: page + 1 };
    }
    case 'offset': {
      const offset = position.offset ?? 0;
      return result.count < pagination.limit ? undefined : { offset: offset + result.count };
    }
    case 'cursor': {
      const token = selectScalar(result.body, pagination.nextCursor);
      return token === undefined || position.token === token ? undefined : { token };
    }
    case 'link': {
      const next = linkNext(result.headers.link);
      return next ? { url: new URL(next, result.url).toString() } : undefined;
    }
    case 'none':
      return undefined;
  }
}
