/**
 * The cross-dealer sweep: every /v1 and /admin route in the app's route table (not a hand
 * list), called as dealer B with dealer A's ids — order id, order number, ship-to codes,
 * external reference — in the path, query and body. Paths naming A's data answer 403/404;
 * no answer carries A's data; A's order is untouched and B places nothing on A's ship-to.
 * Then SQL-injection strings in every declared query parameter and body string field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, revokeToken } from '../../src/core/auth/tokens.js';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { loadDemoInto } from '../support/demo.js';
import { storeDrivers } from '../support/store.js';

type Schema = Record<string, unknown>;
interface Operation {
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

const SQL_INJECTION = [
  "' OR '1'='1",
  "' OR 1=1 --",
  "'; DROP TABLE orders; --",
  "D001-NS' OR dealer_id IS NOT NULL --",
  "1' UNION SELECT token_hash, null FROM api_credentials --",
  "x'); UPDATE dealers SET status = 'suspended'; --",
  '%',
  "\\'; SELECT pg_sleep(3); --",
];

describe.each(storeDrivers())('security sweep on %s', (driver) => {
  let t: TestApp;
  let a: string;
  let b: string;
  let revoked: string;
  let order: { id: string; number: string };
  const canaries: string[] = [];
  let shipTosOfA: string[] = [];

  const routes = () => t.app.routeTable.filter((r) => r.method !== 'HEAD' && /^\/(v1|admin)\//.test(r.url));
  const spec = () => (t.app as unknown as { swagger(): { paths: Record<string, Record<string, Operation>> } }).swagger();
  const operation = (r: { method: string; url: string }) => spec().paths[r.url.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()] ?? {};

  beforeAll(async () => {
    t = await createTestApp(driver, { server: { rateLimit: { enabled: false } } });
    await loadDemoInto(t.store);
    a = (await issueToken(t.store, { kind: 'dealer', dealerCode: 'D001', label: 'sweep-a' })).token;
    b = (await issueToken(t.store, { kind: 'dealer', dealerCode: 'D002', label: 'sweep-b' })).token;
    const old = await issueToken(t.store, { kind: 'dealer', dealerCode: 'D001', label: 'sweep-old' });
    await revokeToken(t.store, old.id);
    revoked = old.token;
    const placed = await t.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: { ...bearer(a), 'idempotency-key': 'sweep-a-1' },
      payload: { externalRef: 'PO-A-CANARY-7731', shipTo: 'D001-NS', lines: [{ sku: 'MLK-250-24', qty: 48 }], note: 'note-canary-of-dealer-a-5519' },
    });
    expect(placed.statusCode).toBe(201);
    order = placed.json();
    const { rows } = await t.store.query<{ code: string; address: string; name: string; phone: string | null; dealer: string }>(
      `SELECT s.code, s.address, s.name, s.phone, d.name AS dealer FROM ship_tos s JOIN dealers d ON d.id = s.dealer_id WHERE d.code = 'D001'`,
    );
    shipTosOfA = rows.map((r) => r.code);
    // What B must never see: A's order, A's addresses and A's name (B sends A's ids, never these).
    canaries.push(order.id, order.number, 'note-canary-of-dealer-a-5519', ...rows.flatMap((r) => [r.address, r.name, r.phone ?? '']).filter((s) => s.length >= 4), rows[0]!.dealer);
    // The canaries are detectable: A's own view of its order and ship-tos shows them.
    const own = await t.app.inject({ method: 'GET', url: `/v1/orders/${order.id}`, headers: bearer(a) });
    expect(own.body).toContain('note-canary-of-dealer-a-5519');
    const ownShipTos = await t.app.inject({ method: 'GET', url: '/v1/ship-tos', headers: bearer(a) });
    expect(ownShipTos.body).toContain(rows[0]!.address);
  }, 120_000);
  afterAll(async () => t?.close());

  /** Strings of `canaries` in `response` that the request itself did not carry. */
  const leaked = (sent: string, response: string) => canaries.filter((c) => !sent.includes(c) && response.includes(c));

  it('every /v1 route, as dealer B with dealer A\'s ids: 403/404 on A\'s paths, and never A\'s data', async () => {
    const list = routes().filter((r) => r.url.startsWith('/v1/'));
    expect(list.length).toBeGreaterThan(10);
    const attempts: string[] = [];
    for (const route of list) {
      const hasParams = route.url.includes(':');
      const paramValues = hasParams ? [order.id, order.number, ...shipTosOfA] : [''];
      for (const value of paramValues) {
        const path = route.url.replace(/:(\w+)/g, encodeURIComponent(value));
        const query = new URLSearchParams({ shipTo: shipTosOfA[0]!, externalRef: 'PO-A-CANARY-7731', search: 'PO-A-CANARY-7731', orderId: order.id, id: order.id, dealer: 'D001' });
        const body = { shipTo: shipTosOfA[0], externalRef: 'PO-A-CANARY-7731', lines: [{ sku: 'MLK-250-24', qty: 1 }], orders: [{ shipTo: shipTosOfA[0], lines: [{ sku: 'MLK-250-24', qty: 1 }] }], orderId: order.id };
        const url = hasParams ? path : `${path}?${query}`;
        const withBody = route.method !== 'GET' && route.method !== 'DELETE';
        // On A's paths an empty object: the lookup, not the body's validation, must answer.
        const payload = hasParams ? {} : body;
        const response = await t.app.inject({
          method: route.method as 'GET',
          url,
          headers: { ...bearer(b), 'idempotency-key': `sweep-b-${attempts.length}` },
          ...(withBody ? { payload } : {}),
        });
        const sent = url + (withBody ? JSON.stringify(payload) : '');
        const what = `${route.method} ${url} → ${response.statusCode} ${response.body.slice(0, 200)}`;
        attempts.push(what);
        expect(response.statusCode, what).toBeLessThan(500);
        if (hasParams) expect([403, 404], what).toContain(response.statusCode);
        expect(leaked(sent, response.body), what).toEqual([]);
      }
    }
    // A's order is as it was, and nothing of B's went to A's ship-tos.
    const { rows } = await t.store.query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [order.id]);
    expect(rows[0]!.status).toBe('approved');
    const crossed = await t.store.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders o JOIN ship_tos s ON s.id = o.ship_to_id JOIN dealers d ON d.id = o.dealer_id WHERE d.code = 'D002' AND s.dealer_id <> o.dealer_id`,
    );
    expect(crossed.rows[0]!.n).toBe(0);
    expect(attempts.length).toBeGreaterThanOrEqual(list.length);
  });

  it('every /admin route refuses a dealer token (403), and every /v1 route a revoked one (401)', async () => {
    for (const route of routes()) {
      const url = route.url.replace(/:(\w+)/g, encodeURIComponent(order.id));
      if (route.url.startsWith('/admin/')) {
        const response = await t.app.inject({ method: route.method as 'GET', url, headers: bearer(b) });
        expect(response.statusCode, `${route.method} ${url}`).toBe(403);
        expect(leaked(url, response.body)).toEqual([]);
      } else {
        const response = await t.app.inject({ method: route.method as 'GET', url, headers: bearer(revoked) });
        expect(response.statusCode, `${route.method} ${url}`).toBe(401);
      }
    }
  });

  it('SQL injection in every declared query parameter and body string field: no 5xx, no leak, the store intact', async () => {
    const before = await t.store.query<{ dealers: number; orders: number; active: number }>(
      `SELECT (SELECT count(*)::int FROM dealers) AS dealers, (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM dealers WHERE status = 'active') AS active`,
    );
    let requests = 0;
    for (const route of routes()) {
      const op = operation(route);
      const token = route.url.startsWith('/admin/') ? t.tokens.admin : b;
      const queryNames = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      const bodySchema = op.requestBody?.content?.['application/json']?.schema;
      const bodyStrings = stringPaths(bodySchema);
      for (const payload of SQL_INJECTION) {
        const path = route.url.replace(/:(\w+)/g, encodeURIComponent(payload));
        const cases: Array<{ url: string; body?: unknown }> = [{ url: path }];
        for (const name of queryNames) cases.push({ url: `${path}?${new URLSearchParams({ [name]: payload })}` });
        for (const at of bodyStrings) cases.push({ url: path, body: withString(sampleBody(bodySchema), at, payload) });
        for (const c of cases) {
          requests++;
          const response = await t.app.inject({
            method: route.method as 'GET',
            url: c.url,
            headers: { ...bearer(token), 'idempotency-key': `sqli-${requests}` },
            ...(c.body !== undefined && route.method !== 'GET' ? { payload: c.body as object } : {}),
          });
          const what = `${route.method} ${c.url} ${JSON.stringify(c.body ?? '')} → ${response.statusCode} ${response.body.slice(0, 200)}`;
          expect(response.statusCode, what).toBeLessThan(500);
          if (!route.url.startsWith('/admin/')) expect(leaked(c.url + JSON.stringify(c.body ?? ''), response.body), what).toEqual([]);
          expect(response.body, what).not.toMatch(/syntax error at or near|unterminated quoted string/);
        }
      }
    }
    expect(requests).toBeGreaterThan(200);
    const after = await t.store.query<{ dealers: number; orders: number; active: number }>(
      `SELECT (SELECT count(*)::int FROM dealers) AS dealers, (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM dealers WHERE status = 'active') AS active`,
    );
    expect(after.rows[0]!.dealers).toBe(before.rows[0]!.dealers);
    expect(after.rows[0]!.active).toBe(before.rows[0]!.active);
  }, 300_000);
});

/** Paths (key lists) of the string fields of a JSON schema, one level of arrays deep. */
function stringPaths(schema: Schema | undefined, at: Array<string | number> = []): Array<Array<string | number>> {
  if (!schema || at.length > 4) return [];
  if (schema.type === 'string') return [at];
  if (schema.type === 'array') return stringPaths(schema.items as Schema, [...at, 0]);
  if (schema.type === 'object') return Object.entries((schema.properties ?? {}) as Record<string, Schema>).flatMap(([k, s]) => stringPaths(s, [...at, k]));
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  return alternatives?.[0] ? stringPaths(alternatives[0], at) : [];
}

/** A minimal body that passes the schema's shape: the sweep changes one string of it. */
function sampleBody(schema: Schema | undefined): unknown {
  if (!schema) return {};
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alternatives?.[0]) return sampleBody(alternatives[0]);
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(Object.entries((schema.properties ?? {}) as Record<string, Schema>).map(([k, s]) => [k, sampleBody(s)]));
    case 'array':
      return [sampleBody(schema.items as Schema)];
    case 'integer':
    case 'number':
      return Math.max(1, Number(schema.minimum ?? 1));
    case 'boolean':
      return false;
    case 'string':
      return schema.format === 'date-time' ? '2026-01-01T00:00:00Z' : schema.format === 'date' ? '2026-01-01' : 'D001-NS';
    default:
      return null;
  }
}

function withString(body: unknown, at: Array<string | number>, value: string): unknown {
  if (at.length === 0) return value;
  const [head, ...rest] = at;
  const copy = (Array.isArray(body) ? [...body] : { ...(body as object) }) as Record<string | number, unknown>;
  copy[head!] = withString(copy[head!], rest, value);
  return copy;
}
