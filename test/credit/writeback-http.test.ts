/**
 * Credit-limit changes POSTed to an ERP over HTTP through the outbox: a real local HTTP server as
 * the ERP. 503 twice then 201 → delivered once (every try carries the change id as its
 * Idempotency-Key); 422 → the row is rejected with the ERP's words, and replayed once fixed.
 * Also the configuration checks of credit.writeBack.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorRefinement, createConnectorHub, createConnectorRegistry } from '../../src/connectors/hub.js';
import { CONNECTOR_DEFINITIONS } from '../../src/connectors/registry.js';
import { creditSchema } from '../../src/core/config/schema-credit-risk.js';
import { configSchema } from '../../src/core/config/schema.js';
import { createLogger } from '../../src/core/logger.js';
import { checkDeliveryTarget, deliverySettings } from '../../src/delivery/settings.js';
import { businessDate } from '../../src/orders/evaluate.js';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { storeDrivers } from '../support/store.js';
import { waitFor } from '../delivery/support/orders.js';
import { seedDealer, TZ } from './seed.js';

interface Seen { url: string; key: string | undefined; body: Record<string, unknown>; answered: number }

/** The ERP: per dealer a queue of answers (status, body); the last one repeats. */
function erpServer(answers: Record<string, Array<[number, unknown]>>) {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      const queue = answers[String(body.dealerCode)] ?? [[500, { message: 'no script' }]];
      const [status, answer] = queue.length > 1 ? queue.shift()! : queue[0]!;
      seen.push({ url: req.url ?? '', key: req.headers['idempotency-key'] as string | undefined, body, answered: status });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  return { server, seen, answers };
}

describe.each(storeDrivers())('credit write-back over HTTP on %s', (driver) => {
  let t: TestApp;
  const erp = erpServer({
    T002: [[503, { message: 'busy' }], [503, { message: 'busy' }], [201, { data: { id: 'CL-7' } }]],
    T001: [[422, { message: 'limit above the group cap of 40000.00' }]],
  });
  const admin = (method: 'GET' | 'POST', url: string, payload?: object) => t.app.inject({ method, url, headers: bearer(t.tokens.admin), ...(payload ? { payload } : {}) });
  const rowOf = async (code: string) =>
    (await t.store.query<{ id: number; status: string; attempts: number; external_id: string | null; last_error: string | null; response: string | null; payload: { changeId: number } }>(
      `SELECT id, status, attempts, external_id, last_error, response, payload FROM outbox WHERE aggregate_type = 'dealer' AND aggregate_id = $1 ORDER BY id`,
      [code],
    )).rows;
  const relayUntil = (code: string, status: string) =>
    waitFor(`the credit row of ${code} to be ${status}`, async () => {
      await t.jobs.enqueue('delivery.relay', { trigger: 'test' });
      const [row] = await rowOf(code);
      return row?.status === status ? row : undefined;
    });

  beforeAll(async () => {
    await new Promise<void>((resolve) => erp.server.listen(0, '127.0.0.1', resolve));
    const { port } = erp.server.address() as AddressInfo;
    t = await createTestApp(driver, {
      connectors: { erp: { kind: 'http', baseUrl: `http://127.0.0.1:${port}`, creditLimits: { path: '/v1/customers/{dealerCode}/credit-limit', reference: 'data.id', addFields: { org: 'ACME' } } } },
      credit: { autoApplyBands: ['A', 'B', 'C'], writeBack: { connector: 'erp' } },
      // No quick retries: each 503 costs one attempt of the row, with its backoff.
      delivery: { attempts: 5, backoffMs: 50, maxBackoffMs: 100, quickRetries: 0, leaseMs: 10_000 },
    });
    const today = businessDate(new Date(), TZ);
    await seedDealer(t, 'T001', '50000.00', today);
    await seedDealer(t, 'T002', '45000.00', today);
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => erp.server.close(resolve));
  });

  it('503, 503, then 201: the row retries with backoff and is delivered once, each try with the same Idempotency-Key', async () => {
    expect((await admin('POST', '/admin/credit/T002/review')).json()).toMatchObject({ outcome: 'applied' });
    const row = await relayUntil('T002', 'delivered');
    expect(row).toMatchObject({ attempts: 3, external_id: 'CL-7', last_error: null });
    const tries = erp.seen.filter((s) => s.body.dealerCode === 'T002');
    expect(tries.map((s) => s.answered)).toEqual([503, 503, 201]);
    expect(new Set(tries.map((s) => s.key))).toEqual(new Set([String(row.payload.changeId)]));
    expect(tries[2]).toMatchObject({
      url: '/v1/customers/T002/credit-limit',
      body: { org: 'ACME', changeId: row.payload.changeId, dealerCode: 'T002', currency: 'CNY', oldLimit: '45000.00', newLimit: '41250.00', actor: expect.stringMatching(/^admin:/) },
    });
  });

  it('422: the row is rejected with the ERP\'s words (not retried); replayed once the ERP accepts, it is delivered', async () => {
    const review = (await admin('POST', '/admin/credit/T001/review')).json();
    expect((await admin('POST', `/admin/credit/T001/proposals/${review.changeId}/approve`)).statusCode).toBe(200);
    const row = await relayUntil('T001', 'rejected');
    expect(row).toMatchObject({ attempts: 1, response: 'limit above the group cap of 40000.00' });
    expect(row.last_error).toContain(`credit change ${review.changeId} of dealer T001`);
    expect(erp.seen.filter((s) => s.body.dealerCode === 'T001')).toHaveLength(1);
    const listed = (await admin('GET', '/admin/outbox?status=rejected&target=credit')).json();
    expect(JSON.stringify(listed)).toContain(`"id":${row.id}`);

    erp.answers.T001 = [[200, { data: { id: 'CL-8' } }]];
    const replay = await admin('POST', `/admin/outbox/${row.id}/replay`, { comment: 'group cap raised' });
    expect(replay.statusCode).toBe(200);
    expect(await relayUntil('T001', 'delivered')).toMatchObject({ attempts: 1, external_id: 'CL-8' });
    expect(erp.seen.filter((s) => s.body.dealerCode === 'T001').map((s) => s.answered)).toEqual([422, 200]);
  });
});

describe('credit.writeBack configuration', () => {
  it('connector: rows go to target credit, which the relay claims; target: keeps the older form, not delivered', () => {
    expect(creditSchema.parse({ writeBack: { connector: 'erp' } }).writeBack).toEqual({ connector: 'erp', target: 'credit' });
    expect(creditSchema.parse({ writeBack: { target: 'erp-credit' } }).writeBack).toEqual({ target: 'erp-credit' });
    expect(creditSchema.safeParse({ writeBack: { connector: 'erp', target: 'x' } }).success).toBe(false);
    expect(creditSchema.safeParse({ writeBack: { target: 'credit' } }).success).toBe(false);
    const base = { delivery: configSchema.parse({}).delivery, ordering: configSchema.parse({}).ordering };
    expect(deliverySettings({ ...base, credit: creditSchema.parse({ writeBack: { connector: 'erp' } }) }).targets).toEqual({ credit: 'erp' });
    expect(deliverySettings({ ...base, credit: creditSchema.parse({ writeBack: { target: 'erp-credit' } }) }).targets).toEqual({});
  });

  it('at start: the connector must exist, be enabled and offer creditLimits', () => {
    const config = configSchema.parse({
      connectors: {
        wms: { kind: 'http', baseUrl: 'http://127.0.0.1:9', shipments: { path: '/o', idempotencyHeader: 'Idempotency-Key' } },
        off: { kind: 'http', enabled: false, baseUrl: 'http://127.0.0.1:9', creditLimits: { path: '/c' } },
      },
      credit: { writeBack: { connector: 'nope' } },
    });
    const registry = createConnectorRegistry(CONNECTOR_DEFINITIONS);
    const issues = connectorRefinement(registry).refine(config) as ReadonlyArray<{ path: PropertyKey[]; message: string }>;
    expect(issues).toEqual([expect.objectContaining({ path: ['credit', 'writeBack', 'connector'], message: expect.stringContaining('no connector named "nope"') })]);
    const hub = createConnectorHub(config.connectors, registry, { logger: createLogger({ level: 'silent', pretty: false }), now: () => new Date() });
    expect(() => checkDeliveryTarget(hub, 'credit', 'wms')).toThrow('connector wms (http) takes no credit-limit changes with these settings (add `creditLimits:`)');
    expect(() => checkDeliveryTarget(hub, 'credit', 'off')).toThrow('connector off is disabled');
  });
});
