import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectorInstance, Page } from '../../src/connectors/contract.js';
import { linkNext } from '../../src/connectors/http/pagination.js';
import { selectRecords, selectScalar } from '../../src/connectors/http/json-path.js';
import { createHttpConnector, httpConnector, httpOptionsSchema, type HttpOptions } from '../../src/connectors/http/index.js';
import { sumDecimals } from '../../src/connectors/shared/decimal.js';
import { parseRetryAfter, upstreamMessage } from '../../src/connectors/shared/errors.js';
import { SecretScrubber, scrubUrl } from '../../src/connectors/shared/scrub.js';
import { ConfigError, TransientError, UpstreamRejectedError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/logger.js';
import { canonicalSchemas } from '../../src/core/sync/canonical.js';
import { applyMapping } from '../../src/mappings/index.js';
import { connectorContract } from './contract-suite.js';
import { SECRET, serve, wms } from '../fixtures/http/fake-wms.js';
import { failure, readAll } from '../support/read.js';

const deps = { logger: createLogger({ level: 'silent', pretty: false }), now: () => new Date('2024-05-02T00:00:00Z') };
const fixture = (name: string): any => JSON.parse(readFileSync(new URL(`../fixtures/http/${name}`, import.meta.url), 'utf8'));
const FAST_RETRY = { retries: 2, minDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 5_000 };

const app = Fastify();
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, text, done) => done(null, text));
app.all('/*', async (request, reply) => {
  const r = serve(request.method, request.url, request.headers, typeof request.body === 'string' ? request.body : '');
  return reply.code(r.status).headers(r.headers ?? {}).send(r.body);
});
await app.listen({ host: '127.0.0.1', port: 0 });
const LOCAL = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
const NOCKED = 'https://wms.example.com';

function nockWms() {
  nock(NOCKED)
    .persist()
    .intercept(/.*/, 'GET')
    .reply(function (uri) {
      const r = serve('GET', uri, this.req.headers, '');
      return [r.status, r.body as nock.Body, r.headers ?? {}];
    })
    .intercept(/.*/, 'POST')
    .reply(function (uri, body) {
      const r = serve('POST', uri, this.req.headers, String(body));
      return [r.status, r.body as nock.Body, r.headers ?? {}];
    });
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
beforeEach(() => {
  wms.reset();
  nockWms();
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  nock.enableNetConnect();
  await app.close();
});

// ---- helpers ----------------------------------------------------------------------------------

const itemMapping = {
  fields: {
    sku: { from: 'sku', required: true },
    warehouse_code: { from: 'warehouse', required: true },
    lot: { from: 'lot', default: 'NOLOT' },
    on_hand: { from: 'qty', transforms: ['toInt'], required: true },
    expiry_date: 'expiry',
  },
};
const STRATEGIES = {
  page: { path: '/v1/stock/page', records: '$.data.items', pagination: { type: 'page', pageSize: 3 } },
  offset: { path: '/v1/stock/offset', records: '$.items', pagination: { type: 'offset', limit: 3 } },
  cursor: { path: '/v1/stock/cursor', records: '$.data.items', pagination: { type: 'cursor', cursorParam: 'after', nextCursor: '$.meta.next', limitParam: 'limit', limit: 3 } },
  link: { path: '/v1/stock/link', records: '$', pagination: { type: 'link', limitParam: 'per_page', limit: 3 } },
} as const;

function rawOptions(origin: string, streams: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const full = Object.fromEntries(
    Object.entries(streams).map(([name, s]) => [name, { entity: 'stock_lots', primaryKey: ['id'], mapping: itemMapping, ...(s as object) }]),
  );
  return { baseUrl: `${origin}/api`, retry: FAST_RETRY, timeoutMs: 2_000, streams: full, ...extra };
}
const parse = (raw: unknown) => httpOptionsSchema.parse(raw) as HttpOptions;
const waits: number[] = [];
const open = (raw: unknown): ConnectorInstance => createHttpConnector(parse(raw), deps, { sleep: async (ms) => void waits.push(ms) });

const ids = (pages: Page[]) => pages.map((p) => p.records.map((r) => r.id));

// ---- tests ------------------------------------------------------------------------------------

describe('http connector: contract on an incremental cursor-paged stream (local server)', () => {
  connectorContract<HttpOptions>({
    definition: httpConnector,
    options: rawOptions(LOCAL, { stock: { ...STRATEGIES.cursor, mode: 'incremental', incremental: { param: 'updated_since', field: 'updated_at' } } }),
    create: (o) => createHttpConnector(o, deps),
    stream: 'stock',
    minRecords: 7,
    invalidOptions: { options: rawOptions(LOCAL, { stock: { ...STRATEGIES.page, mode: 'incremental' } }), message: /incremental stream needs incremental/ },
  });
});

describe.each([
  ['nock', NOCKED],
  ['a local server', LOCAL],
])('http connector pagination via %s', (_label, origin) => {
  it.each(Object.keys(STRATEGIES) as Array<keyof typeof STRATEGIES>)('%s: reads every page, resumes after page 1, ends with a final cursor', async (strategy) => {
    const instance = open(rawOptions(origin, { stock: STRATEGIES[strategy] }));
    const pages = await readAll(instance, 'stock');
    expect(ids(pages)).toEqual([['i1', 'i2', 'i3'], ['i4', 'i5', 'i6'], ['i7']]);
    expect(pages.at(-1)!.cursor).toEqual({ done: true });
    const expected = { page: { page: 2 }, offset: { offset: 3 }, cursor: { token: Buffer.from('3').toString('base64url') }, link: { url: `${origin}/api/v1/stock/link?page=2&per_page=3` } }[strategy];
    expect(pages[0]!.cursor).toEqual({ pos: expected, from: null, running: null });
    expect(ids(await readAll(instance, 'stock', pages[0]!.cursor))).toEqual([['i4', 'i5', 'i6'], ['i7']]);
    expect(await readAll(instance, 'stock', pages.at(-1)!.cursor)).toEqual([]);
  });

  it('incremental: sends the high-water mark and skips what it delivered at exactly the mark', async () => {
    const instance = open(rawOptions(origin, { stock: { ...STRATEGIES.cursor, mode: 'incremental', incremental: { param: 'updated_since', field: 'updated_at' } } }));
    const first = await readAll(instance, 'stock');
    const mark = first.at(-1)!.cursor;
    expect(mark).toEqual({ from: { at: '2024-05-01T06:00:00Z', keys: ['["i7"]'] } });
    wms.items.push({ ...wms.items[0]!, id: 'i8', updated_at: '2024-05-01T06:00:00Z' }, { ...wms.items[0]!, id: 'i9', updated_at: '2024-05-01T07:30:00Z' });
    const second = await readAll(instance, 'stock', mark);
    expect(ids(second)).toEqual([['i8', 'i9']]);
    expect(second.at(-1)!.cursor).toEqual({ from: { at: '2024-05-01T07:30:00Z', keys: ['["i9"]'] } });
    expect(await readAll(instance, 'stock', second.at(-1)!.cursor)).toEqual([]);
  });

  it('maps records with the stream mapping', async () => {
    const options = parse(rawOptions(origin, { stock: STRATEGIES.offset }));
    const spec = httpConnector.streams(options)[0]!;
    const [page] = await readAll(createHttpConnector(options, deps), 'stock');
    const mapped = page!.records.map((r) => applyMapping(spec.defaultMapping, r));
    expect(mapped[0]).toEqual({ value: { sku: 'SKU-100', warehouse_code: 'WH-SZ', lot: 'L0', on_hand: 10, expiry_date: '2027-01-31' }, issues: [] });
    for (const m of mapped) expect(canonicalSchemas.stock_lots.safeParse(m.value).success).toBe(true);
  });
});

describe('http connector: authentication', () => {
  const oauth = (origin: string) => ({ type: 'oauth2', tokenUrl: `${origin}/oauth/token`, clientId: 'wms-client', clientSecret: SECRET });

  it.each([['nock', NOCKED], ['a local server', LOCAL]])('OAuth2 via %s: one token for every page, a new one after a 401', async (_label, origin) => {
    const instance = open(rawOptions(origin, { stock: STRATEGIES.page }, { auth: oauth(origin) }));
    expect(ids(await readAll(instance, 'stock'))).toHaveLength(3);
    expect(wms.tokens).toBe(1);
    wms.validTokens = new Set(['rotated-by-server']); // the server revokes tok-1
    expect(ids(await readAll(instance, 'stock'))).toHaveLength(3);
    expect(wms.tokens).toBe(2);
    expect(wms.calls).toBe(3 + 1 + 3); // the rejected call, retried once with the new token
  });

  it('OAuth2 with a wrong secret is a ConfigError that does not show the secret', async () => {
    const instance = open(rawOptions(NOCKED, { stock: STRATEGIES.page }, { auth: { ...oauth(NOCKED), clientSecret: 'wrong-secret-123' } }));
    const error = await failure(readAll(instance, 'stock'));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/token endpoint.*401/);
    expect(error.message).not.toContain('wrong-secret-123');
    expect(wms.calls).toBe(0);
  });

  it.each([
    ['basic', { type: 'basic', username: 'u', password: 'p@ss-w0rd' }, (h: Record<string, unknown>) => h.authorization === `Basic ${Buffer.from('u:p@ss-w0rd').toString('base64')}`],
    ['bearer', { type: 'bearer', token: 'static-token-1' }, (h: Record<string, unknown>) => h.authorization === 'Bearer static-token-1'],
    ['API key header', { type: 'apiKey', name: 'X-Api-Key', value: 'k-123456' }, (h: Record<string, unknown>) => h['x-api-key'] === 'k-123456'],
    ['API key query', { type: 'apiKey', in: 'query', name: 'api_key', value: 'k-654321' }, (_h: Record<string, unknown>, q: URLSearchParams) => q.get('api_key') === 'k-654321'],
  ] as const)('%s is sent, and a rejection is a ConfigError without the secret', async (_label, auth, accept) => {
    wms.requireAuth = accept;
    expect(ids(await readAll(open(rawOptions(LOCAL, { stock: STRATEGIES.page }, { auth })), 'stock'))).toHaveLength(3);
    wms.requireAuth = () => false;
    const error = await failure(readAll(open(rawOptions(LOCAL, { stock: STRATEGIES.page }, { auth })), 'stock'));
    expect(error).toBeInstanceOf(ConfigError);
    const secret = 'password' in auth ? auth.password : 'token' in auth ? auth.token : auth.value;
    expect(error.message).not.toContain(secret);
    if ('in' in auth) expect(error.message).toContain('api_key=[redacted]');
  });
});

describe('http connector: failures', () => {
  beforeEach(() => {
    waits.length = 0;
  });

  it('waits for Retry-After on 429 and then succeeds', async () => {
    wms.script.push({ status: 429, body: fixture('shipengine_rate_limited_429.json'), headers: { 'retry-after': '1' } });
    const pages = await readAll(open(rawOptions(LOCAL, { stock: STRATEGIES.page })), 'stock');
    expect(ids(pages)).toHaveLength(3);
    expect(waits).toEqual([1_000]);
    expect(wms.calls).toBe(4);
  });

  it('gives up on a Retry-After beyond the cap with a TransientError carrying it', async () => {
    wms.script.push({ status: 429, body: fixture('shipengine_rate_limited_429.json'), headers: { 'retry-after': '3600' } });
    const error = await failure(readAll(open(rawOptions(NOCKED, { stock: STRATEGIES.page })), 'stock'));
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).retryAfterMs).toBe(3_600_000);
    expect(error.message).toContain('You have exceeded the rate limit');
    expect(wms.calls).toBe(1);
  });

  it.each([400, 404, 422])('does not retry a %i', async (status) => {
    wms.script.push({ status, body: fixture('shipengine_bad_request_400.json') });
    const error = await failure(readAll(open(rawOptions(NOCKED, { stock: STRATEGIES.page })), 'stock'));
    expect(error).toBeInstanceOf(status === 404 ? ConfigError : UpstreamRejectedError);
    expect(error.message).toContain('Request body cannot be empty.');
    expect(wms.calls).toBe(1);
  });

  it('retries 5xx and network errors, then reports a TransientError', async () => {
    wms.script.push({ status: 502, body: 'bad gateway' }, { status: 500, body: { message: 'boom' } }, { status: 503, body: '' });
    const error = await failure(readAll(open(rawOptions(LOCAL, { stock: STRATEGIES.page })), 'stock'));
    expect(error).toBeInstanceOf(TransientError);
    expect(wms.calls).toBe(3);
    const refused = await failure(readAll(open(rawOptions('http://127.0.0.1:9', { stock: STRATEGIES.page })), 'stock'));
    expect(refused).toBeInstanceOf(TransientError);
    expect(refused.message).toMatch(/ECONNREFUSED/);
  });

  it('check() reports reachability and the reason it failed', async () => {
    expect(await open(rawOptions(LOCAL, { stock: STRATEGIES.page })).check()).toEqual({ ok: true, detail: expect.stringContaining('/v1/stock/page') });
    const wrong = await open(rawOptions(LOCAL, { stock: { ...STRATEGIES.page, path: '/v1/nope' } })).check();
    expect(wrong).toEqual({ ok: false, detail: expect.stringMatching(/404/) });
  });
});

describe('http connector: wms-stock preset (OpenBoxes product availability)', () => {
  const raw = {
    baseUrl: 'https://wms.example.com/openboxes',
    auth: { type: 'bearer', token: 'tok' },
    retry: FAST_RETRY,
    preset: 'wms-stock',
    streams: { stock: { path: '/api/facilities/1/availableItems', addFields: { warehouse: 'WH-SZ' }, pagination: { limit: 2 } } },
  };

  it('fills the stream from the preset and keeps the user\'s settings', () => {
    const options = parse(raw);
    expect(options.streams.stock).toMatchObject({
      entity: 'stock_lots',
      mode: 'snapshot',
      path: '/api/facilities/1/availableItems',
      records: '$.data',
      pagination: { type: 'offset', offsetParam: 'offset', limitParam: 'max', limit: 2 },
      addFields: { warehouse: 'WH-SZ' },
    });
    expect(httpConnector.streams(options)[0]).toMatchObject({ name: 'stock', entity: 'stock_lots', primaryKey: ['productCode', 'lotNumber'] });
  });

  it('sums bins into one lot per product × lot and maps to stock lots', async () => {
    nock.cleanAll();
    const scope = nock('https://wms.example.com')
      .get('/openboxes/api/facilities/1/availableItems')
      .query({ offset: '0', max: '2' })
      .reply(200, fixture('openboxes-available-items-page-1.json'))
      .get('/openboxes/api/facilities/1/availableItems')
      .query({ offset: '2', max: '2' })
      .reply(200, fixture('openboxes-available-items-page-2.json'))
      .get('/openboxes/api/facilities/1/availableItems')
      .query({ offset: '4', max: '2' })
      .reply(200, { data: [], totalCount: 4 });
    const options = parse(raw);
    const pages = await readAll(createHttpConnector(options, deps), 'stock');
    expect(scope.isDone()).toBe(true);
    const spec = httpConnector.streams(options)[0]!;
    const lots = pages.flatMap((p) => p.records).map((r) => applyMapping(spec.defaultMapping, r));
    expect(lots).toEqual([
      { value: { sku: '00004', warehouse_code: 'WH-SZ', lot: 'lot57', on_hand: 10300, expiry_date: '2027-01-28' }, issues: [] },
      { value: { sku: '00004', warehouse_code: 'WH-SZ', lot: 'lot58', on_hand: 40, expiry_date: '2027-06-30' }, issues: [] },
      { value: expect.objectContaining({ sku: '00007', warehouse_code: 'WH-SZ', lot: 'NOLOT', on_hand: 12 }), issues: [] },
    ]);
    expect(pages.map((p) => p.cursor)).toEqual([{ emitted: 2 }, { done: true }]);
  });
});

describe('http connector: building blocks', () => {
  it('selects records with $.a.b, $.a[*].b and $.a.b[*]', () => {
    const body = { data: { items: [{ id: 1 }, { id: 2 }] }, groups: [{ lines: [{ id: 3 }] }, { lines: [{ id: 4 }, { id: 5 }] }], meta: { next: 'abc' } };
    expect(selectRecords(body, '$.data.items')).toEqual([{ id: 1 }, { id: 2 }]);
    expect(selectRecords(body, '$.data.items[*]')).toEqual([{ id: 1 }, { id: 2 }]);
    expect(selectRecords(body, '$.groups[*].lines')).toEqual([{ id: 3 }, { id: 4 }, { id: 5 }]);
    expect(selectRecords(body, "$['data'].items[1]")).toEqual([{ id: 2 }]);
    expect(selectRecords([{ id: 9 }], '$')).toEqual([{ id: 9 }]);
    expect(selectScalar(body, '$.meta.next')).toBe('abc');
    expect(selectScalar({ meta: { next: null } }, '$.meta.next')).toBeUndefined();
  });

  it('finds rel=next in a Link header', () => {
    expect(linkNext('<https://x/a?page=2>; rel="next", <https://x/a?page=5>; rel="last"')).toBe('https://x/a?page=2');
    expect(linkNext('<https://x/a?page=1>; rel="prev first"')).toBeUndefined();
    expect(linkNext('</a?page=3>;rel=next')).toBe('/a?page=3');
  });

  it('rejects a bad JSON path and a stream without mapping fields', () => {
    const bad = httpOptionsSchema.safeParse(rawOptions(NOCKED, { stock: { path: '/x', records: 'data.items' } }));
    expect(JSON.stringify(bad.error?.issues)).toMatch(/a JSON path starts with \$/);
    const empty = httpOptionsSchema.safeParse(rawOptions(NOCKED, { stock: { path: '/x', mapping: { fields: {} } } }));
    expect(JSON.stringify(empty.error?.issues)).toMatch(/map at least one canonical field/);
  });
});

describe('shared HTTP plumbing', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = new Date('2026-10-21T07:28:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('finds the upstream message in OData JSON, OData XML and common REST bodies', () => {
    expect(upstreamMessage({ error: { code: 'C1', message: { lang: 'en', value: 'Material 42 does not exist' } } })).toBe('Material 42 does not exist [C1]');
    expect(upstreamMessage('<?xml version="1.0"?><error><code>C2</code><message xml:lang="en">Plant 9999 unknown</message></error>')).toBe('Plant 9999 unknown');
    expect(upstreamMessage(fixture('shipengine_bad_request_400.json'))).toBe('Request body cannot be empty.');
    expect(upstreamMessage({ error: 'invalid_client', error_description: 'Client authentication failed' })).toBe('Client authentication failed');
  });

  it('scrubs credentials from URLs and text', () => {
    expect(scrubUrl("https://u:p%40ss@h.example/a?$filter=Plant eq '1'&api_key=K1&x=1")).toBe("https://h.example/a?$filter=Plant eq '1'&api_key=[redacted]&x=1");
    expect(scrubUrl('https://h/a?custom=zzz', ['custom'])).toBe('https://h/a?custom=[redacted]');
    expect(new SecretScrubber(['hunter22']).scrub('pw hunter22, Authorization: Bearer abc.def.ghi-jkl')).toBe('pw [redacted], Authorization: Bearer [redacted]');
  });

  it('sums decimal strings exactly', () => {
    expect(sumDecimals(['150.000', '20.5'])).toBe('170.500');
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.3');
    expect(sumDecimals(['-1.25', '1'])).toBe('-0.25');
    expect(sumDecimals([10_000, 300])).toBe(10_300);
  });
});
