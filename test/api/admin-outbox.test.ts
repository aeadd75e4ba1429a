import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/core/config/schema.js';
import { ConfigError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/logger.js';
import { startDaemon } from '../../src/daemon.js';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { storeDrivers } from '../support/store.js';

describe.each(storeDrivers())('admin outbox on %s', (driver) => {
  let t: TestApp;
  const ids: number[] = [];
  beforeAll(async () => {
    // No delivery target configured: rows stay where the test puts them.
    t = await createTestApp(driver);
    for (const [status, event] of [['pending', 'order.approved'], ['dead', 'order.approved'], ['delivered', 'order.approved'], ['dead', 'order.cancelled'], ['rejected', 'order.approved']]) {
      const { rows } = await t.store.query<{ id: number }>(
        `INSERT INTO outbox (event, aggregate_type, aggregate_id, target, payload, status, attempts, last_error)
         VALUES ($1, 'order', gen_random_uuid()::text, 'erp', jsonb_build_object('orderId', gen_random_uuid(), 'number', 'DH' || $3::text), $2, 3, CASE WHEN $2 = 'dead' THEN 'attempt 3/3: ERP down' END)
         RETURNING id`,
        [event, status, String(ids.length)],
      );
      ids.push(rows[0]!.id);
    }
  });
  afterAll(async () => t?.close());
  const get = (url: string, token = t.tokens.admin) => t.app.inject({ method: 'GET', url, headers: bearer(token) });

  it('lists rows newest first, by status and target, a page at a time', async () => {
    const dead = (await get('/admin/outbox?status=dead&target=erp')).json();
    expect(dead.items.map((i: { id: number }) => i.id)).toEqual([ids[3], ids[1]]);
    expect(dead.items[0]).toMatchObject({ event: 'order.cancelled', status: 'dead', attempts: 3, lastError: 'attempt 3/3: ERP down', orderNumber: 'DH3' });
    const first = (await get('/admin/outbox?limit=2')).json();
    expect(first.items.map((i: { id: number }) => i.id)).toEqual([ids[4], ids[3]]);
    const second = (await get(`/admin/outbox?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.items.map((i: { id: number }) => i.id)).toEqual([ids[2], ids[1]]);
    expect((await get('/admin/outbox?status=lost')).statusCode).toBe(400);
    expect((await get('/admin/outbox?target=wms')).json().items).toEqual([]);
  });

  it('shows one row with its payload; 404 for none; dealers are refused', async () => {
    expect((await get(`/admin/outbox/${ids[1]}`)).json()).toMatchObject({ id: ids[1], payload: { number: 'DH1' }, replays: [] });
    expect((await get('/admin/outbox/999999999')).statusCode).toBe(404);
    expect((await get('/admin/outbox', t.tokens.d1)).statusCode).toBe(403);
  });

  it('replays a dead row (audited) and refuses rows that are not dead or rejected', async () => {
    const replayed = await t.app.inject({ method: 'POST', url: `/admin/outbox/${ids[1]}/replay`, headers: bearer(t.tokens.admin), payload: { comment: 'retry now' } });
    expect(replayed.statusCode, replayed.body).toBe(200);
    expect(replayed.json()).toMatchObject({ status: 'pending', attempts: 0, lastError: null, replays: [{ actor: 'admin:test', statusBefore: 'dead', attemptsBefore: 3, lastErrorBefore: 'attempt 3/3: ERP down', comment: 'retry now' }] });
    const pending = await t.app.inject({ method: 'POST', url: `/admin/outbox/${ids[0]}/replay`, headers: bearer(t.tokens.admin) });
    expect(pending.statusCode).toBe(409);
    expect(pending.json().error).toMatchObject({ message: expect.stringMatching(/^outbox #\d+ \(order\.approved of order DH0 → erp\) is pending; only dead or rejected rows can be replayed$/), details: { code: 'not_replayable' } });
    const bad = await t.app.inject({ method: 'POST', url: `/admin/outbox/${ids[3]}/replay`, headers: bearer(t.tokens.admin), payload: { payload: { orderId: 'nope', number: 'DH3' } } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.message).toMatch(/the edited payload is not valid: orderId/);
  });

  it('exports the backlog by status on /metrics', async () => {
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/dealer_hub_outbox_backlog\{target="erp",status="pending"\} 2/);
    expect(metrics).toMatch(/dealer_hub_outbox_backlog\{target="erp",status="rejected"\} 1/);
    expect(metrics).toMatch(/dealer_hub_outbox_oldest_due_age_seconds\{target="erp"\} \d/);
  });
});

describe('delivery configuration at start', () => {
  it('refuses to start when orders would go to a connector that takes none', async () => {
    const config = configSchema.parse({
      database: { dataDir: join(mkdtempSync(join(tmpdir(), 'dh-delivery-')), 'data') },
      connectors: { reports: { kind: 'sql', dialect: 'postgres', url: 'postgres://u@127.0.0.1:1/x', streams: { products: { entity: 'products', query: 'SELECT 1 AS sku', cursor: { column: 'sku' }, primaryKey: ['sku'] } } } },
      delivery: { erp: { connector: 'reports' } },
    });
    const started = startDaemon({ config, roles: ['worker'], logger: createLogger({ level: 'silent', pretty: false }) });
    await expect(started).rejects.toThrow(ConfigError);
    await expect(started).rejects.toThrow(/connector reports \(sql\) takes no orders/);
  });
});
