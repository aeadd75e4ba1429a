/**
 * Every route the app registers (found through its route table, not a list kept here), driven
 * in-process with app.inject: bodies and query strings derived from each route's OpenAPI
 * schema, then mutated, plus random junk and content types. Whatever arrives, the answer is
 * never a 5xx, every error has the project's error shape, and no promise is left rejected.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/core/auth/tokens.js';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { loadDemoInto } from '../support/demo.js';
import { storeDrivers } from '../support/store.js';
import { bodyFor, HOSTILE_STRINGS, queryFor } from './schema-arbitrary.js';
import { RUNS } from './mutate.js';

/** Requests per driver (most are refused before the database; ~15 s per 10,000 on two cores). FUZZ_ROUTE_RUNS sets it. */
const ROUTE_RUNS = Number(process.env.FUZZ_ROUTE_RUNS ?? RUNS);

type Schema = Record<string, unknown>;
interface Operation {
  parameters?: Array<{ in: string; name: string; schema?: Schema }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/** Routes that take requests from clients; static portal files are served by @fastify/static. */
const isApi = (url: string) => /^\/(v1|admin|webhooks|portal)\//.test(url) || url === '/';
const RAW_SEGMENTS = ['%', '%zz', '%E0%A4%A', '%00', '..', '%2e%2e', '%2F'];
const CONTENT_TYPES = ['application/json', 'text/csv', 'text/plain', 'application/edi-x12', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'];

describe.each(storeDrivers())('every route under fuzzing on %s', (driver) => {
  let t: TestApp;
  let dealerToken: string;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  const realIds: string[] = [];

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    t = await createTestApp(driver, { server: { rateLimit: { enabled: false } } });
    await loadDemoInto(t.store);
    dealerToken = (await issueToken(t.store, { kind: 'dealer', dealerCode: 'D001', label: 'fuzz' })).token;
    const placed = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: bearer(dealerToken), payload: { shipTo: 'D001-NS', lines: [{ sku: 'MLK-250-24', qty: 48 }] } });
    expect(placed.statusCode).toBe(201);
    const order = placed.json() as { id: string; number: string };
    realIds.push(order.id, order.number, 'D001-NS', 'D001', 'MLK-250-24', '1');
  }, 120_000);
  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    await t?.close();
  });

  it(`${ROUTE_RUNS} requests spread over every API route: no 5xx, errors in the project's shape`, async () => {
    const spec = (t.app as unknown as { swagger(): OpenApi }).swagger();
    const components = spec.components?.schemas ?? {};
    const routes = t.app.routeTable.filter((r) => r.method !== 'HEAD' && isApi(r.url));
    expect(routes.length).toBeGreaterThan(30);
    const perRoute = new Map<string, number>();

    const requestFor = (route: { method: string; url: string }) => {
      const operation = spec.paths[route.url.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()] ?? {};
      const params = route.url.match(/:(\w+)/g) ?? [];
      const query = (operation.parameters ?? []).filter((p) => p.in === 'query');
      const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
      const paramValue = fc.oneof(fc.constantFrom(...realIds), fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s !== '')), fc.string({ minLength: 1, maxLength: 20 }), fc.uuid(), fc.constantFrom(...RAW_SEGMENTS));
      return fc.record({
        params: fc.tuple(...params.map(() => paramValue), fc.constant('')),
        query: queryFor(query, components),
        body: bodyFor(bodySchema, components),
        raw: fc.option(fc.tuple(fc.constantFrom(...CONTENT_TYPES), fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom('{', '{"a":', '[1,2', 'null', '"x"', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}'))), { freq: 4 }),
        who: fc.constantFrom('dealer', 'admin', 'none', 'bogus'),
        idempotencyKey: fc.option(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('k-1', ' ', 'é')), { freq: 2 }),
      });
    };

    const arbitraries = routes.map((route) => requestFor(route).map((request) => ({ route, request })));
    await fc.assert(
      fc.asyncProperty(fc.oneof(...arbitraries), async ({ route, request }) => {
        let i = 0;
        // Some values go into the path as sent (broken %-escapes); the rest are encoded as a client would.
        const path = route.url.replace(/:(\w+)/g, () => {
          const value = request.params[i++] as string;
          return RAW_SEGMENTS.includes(value) ? value : encodeURIComponent(Buffer.from(value, 'utf8').toString('utf8'));
        });
        const url = request.query ? `${path}?${request.query}` : path;
        const headers: Record<string, string> = {};
        if (request.who === 'dealer') Object.assign(headers, bearer(dealerToken));
        if (request.who === 'admin') Object.assign(headers, bearer(t.tokens.admin));
        if (request.who === 'bogus') headers.authorization = 'Bearer dh_admin_x';
        if (request.idempotencyKey !== null) headers['idempotency-key'] = request.idempotencyKey;
        // Revoking the fuzzer's own tokens would only make the rest of the run a string of 401s.
        if (route.method === 'DELETE' && route.url === '/admin/tokens/:id' && /^\s*\d+\s*$/.test(String(request.params[0]))) return;
        const withBody = route.method !== 'GET' && route.method !== 'DELETE';
        let payload: string | undefined;
        if (withBody && request.raw) {
          headers['content-type'] = request.raw[0];
          payload = request.raw[1];
        } else if (withBody && request.body !== undefined) {
          headers['content-type'] = 'application/json';
          payload = JSON.stringify(request.body);
        }
        const response = await t.app.inject({ method: route.method as 'GET', url, headers, ...(payload === undefined ? {} : { payload }) });
        perRoute.set(`${route.method} ${route.url}`, (perRoute.get(`${route.method} ${route.url}`) ?? 0) + 1);
        const what = `${route.method} ${url.slice(0, 300)} (${payload?.length ?? 0} body bytes, ${headers['content-type'] ?? 'no content type'}) answered ${response.statusCode}: ${response.body.slice(0, 300)}`;
        if (response.statusCode >= 500) throw new Error(what);
        if (response.statusCode >= 400) {
          expect(response.headers['content-type'], what).toMatch(/^application\/json/);
          const body = response.json() as { error?: { code?: unknown; message?: unknown; requestId?: unknown } };
          expect(typeof body.error?.code, what).toBe('string');
          expect(typeof body.error?.message, what).toBe('string');
          expect(body.error?.requestId, what).toBe(response.headers['x-request-id']);
        }
      }),
      { numRuns: ROUTE_RUNS },
    );
    expect(rejections).toEqual([]);
    // The spread reached every route.
    for (const route of routes) expect(perRoute.get(`${route.method} ${route.url}`) ?? 0, `${route.method} ${route.url}`).toBeGreaterThan(ROUTE_RUNS / routes.length / 4);
  }, 600_000);
});
