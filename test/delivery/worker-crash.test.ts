/**
 * A worker process is SIGKILLed in the middle of deliveries and started again: no row is lost or
 * doubled. The worker is the real daemon (`dealer-hub start --roles worker,scheduler`) against this
 * test's PostgreSQL schema (and BullMQ on Redis when REDIS_URL is set), delivering into staging
 * tables through the sql connector. Two deliveries are caught at the worst moments:
 *   A — inside the staging insert (blocked on a lock the test holds): the ERP never commits it;
 *   B — after the staging commit, while recording the result (the order row locked by the test).
 * After the kill the claims' leases run out, the restarted worker claims both again: A is staged
 * now, B is found by its order id and recorded. A dead row is replayed with `dealer-hub replay`.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { configSchema } from '../../src/core/config/schema.js';
import { quoteIdent } from '../../src/core/db/pg-store.js';
import { orderingSettings } from '../../src/api/v1/orders.js';
import { placeOrder } from '../../src/orders/place-order.js';
import { runCli, tempConfig, type CliRun } from '../support/cli.js';
import { loadDemoInto } from '../support/demo.js';
import { deleteKeysWithPrefix, REDIS_URL } from '../support/redis.js';
import { describeWith, uniqueName } from '../support/services.js';
import { adminQuery, createTestStore, type TestStore } from '../support/store.js';
import { outboxOf, settled, waitFor } from './support/orders.js';
import { stagingDdl, stagingOrders } from './support/staging.js';

const LOCK_KEY = 4242;

describeWith(['postgres'], 'a worker killed mid-delivery (SIGKILL) and restarted', () => {
  let t: TestStore;
  const staging = uniqueName('stg');
  const app = uniqueName('dh_crash');
  const prefix = uniqueName('dh_crash');
  const workers: CliRun[] = [];
  let configFile = '';
  const withApp = (url: string) => `${url}${url.includes('?') ? '&' : '?'}application_name=${app}`;

  beforeAll(async () => {
    t = await createTestStore('pg');
    await t.store.query(stagingDdl(staging));
    await loadDemoInto(t.store);
    configFile = tempConfig(`
log: { level: info, pretty: false }
database: { url: ${JSON.stringify(withApp(t.url!))}, schema: ${t.schema} }
redis: { url: ${JSON.stringify(REDIS_URL)}, prefix: ${prefix} }
connectors:
  erp:
    kind: sql
    dialect: postgres
    url: ${JSON.stringify(withApp(t.url!))}
    orders: ${JSON.stringify(stagingOrders(staging))}
delivery:
  erp: { connector: erp }
  leaseMs: 4000
  relayCron: "* * * * * *"
  attempts: 5
  backoffMs: 200
`).file;
  });
  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await t?.drop();
    if (t?.url) await adminQuery(t.url, `DROP SCHEMA IF EXISTS ${quoteIdent(staging)} CASCADE`);
    if (REDIS_URL) await deleteKeysWithPrefix(prefix);
  });

  const startWorker = async () => {
    // DATABASE_URL in the environment would override the file's URL (and its application_name).
    const run = runCli(['start', '--config', configFile, '--roles', 'worker,scheduler'], { DATABASE_URL: withApp(t.url!), REDIS_URL, LOG_LEVEL: 'info' });
    workers.push(run);
    await run.waitFor(/dealer-hub started without the api role/, 20_000);
    return run;
  };
  const place = async (note: string) => {
    const { rows } = await t.store.query<{ id: number }>(`SELECT id FROM dealers WHERE code = 'D001'`);
    const placed = await placeOrder(
      t.store,
      { dealer: { dealerId: rows[0]!.id, dealerCode: 'D001' }, channel: 'api', request: { shipTo: 'D001-NS', lines: [{ sku: 'MLK-250-24', qty: 24 }], note }, actor: 'test', now: new Date() },
      orderingSettings(configSchema.parse({})),
    );
    expect(placed.order.status).toBe('approved');
    return placed.order;
  };
  const staged = async (orderId: string) =>
    (await t.store.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${staging}.so_header WHERE ext_order_id = $1`, [orderId])).rows[0]!.n;

  it('loses no row and doubles none', async () => {
    const a = await place('crash-in-insert');
    const b = await place('crash-in-record');
    // A: the staging insert of order A waits for an advisory lock the test holds.
    await t.store.query(`
      CREATE FUNCTION ${staging}.hold_a() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.order_no = '${a.number}' THEN PERFORM pg_advisory_xact_lock_shared(${LOCK_KEY}); END IF; RETURN NEW; END $$;
      CREATE TRIGGER hold_a BEFORE INSERT ON ${staging}.so_header FOR EACH ROW EXECUTE FUNCTION ${staging}.hold_a();`);
    const holdA = new pg.Client({ connectionString: t.url });
    const holdB = new pg.Client({ connectionString: t.url, options: `-c search_path=${quoteIdent(t.schema!)}` });
    await Promise.all([holdA.connect(), holdB.connect()]);
    try {
      await holdA.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
      // B: recording B's result must lock B's order row, which the test holds.
      await holdB.query('BEGIN');
      await holdB.query('SELECT 1 FROM orders WHERE id = $1 FOR UPDATE', [b.id]);

      const first = await startWorker();
      await waitFor('B staged and both deliveries blocked in the worker', async () => {
        const { rows } = await t.store.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [app]);
        return rows[0]!.n >= 2 && (await staged(b.id)) === 1;
      }, 15_000);
      expect((await outboxOf(t.store, a.id)).map((r) => r.status)).toEqual(['in_flight']);
      expect((await outboxOf(t.store, b.id)).map((r) => r.status)).toEqual(['in_flight']);
      first.child.kill('SIGKILL');
      expect(await first.exited).toBe(null);
    } finally {
      await holdA.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
      await holdB.query('ROLLBACK').catch(() => undefined);
      await Promise.all([holdA.end(), holdB.end()]);
    }
    expect(await staged(a.id)).toBe(0);

    // A row that went dead earlier, replayed from the command line while no worker runs.
    const c = await place('dead-then-replayed');
    await t.store.query(`UPDATE outbox SET status = 'dead', attempts = 5, last_error = 'attempt 5/5: ERP down' WHERE aggregate_id = $1`, [c.id]);
    const [deadRow] = await outboxOf(t.store, c.id);
    const replay = runCli(['replay', String(deadRow!.id), '--config', configFile, '--comment', 'ERP back'], { DATABASE_URL: withApp(t.url!), REDIS_URL });
    expect(await replay.exited, replay.output()).toBe(0);
    expect(replay.output()).toMatch(new RegExp(`outbox #${deadRow!.id} \\(order.approved of order ${c.number} → erp\\) is pending again \\(was dead after 5 attempt\\(s\\)\\)`));

    const second = await startWorker();
    for (const order of [a, b, c]) {
      const rows = await settled(t.store, order.id, ['delivered'], 15_000);
      expect(await staged(order.id)).toBe(1);
      const { rows: shown } = await t.store.query<{ status: string; erp_order_no: string | null }>(`SELECT status, erp_order_no FROM orders WHERE id = $1`, [order.id]);
      const { rows: header } = await t.store.query<{ erp_order_no: string }>(`SELECT erp_order_no FROM ${staging}.so_header WHERE ext_order_id = $1`, [order.id]);
      expect(shown[0]).toEqual({ status: 'confirmed', erp_order_no: header[0]!.erp_order_no });
      expect(rows[0]!.external_id).toBe(header[0]!.erp_order_no);
    }
    const [rowA] = await outboxOf(t.store, a.id);
    const [rowB] = await outboxOf(t.store, b.id);
    expect(rowA!.claims).toBeGreaterThanOrEqual(2);
    expect(rowB!.claims).toBeGreaterThanOrEqual(2);
    const { rows: lines } = await t.store.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${staging}.so_line WHERE ext_order_id = ANY($1::text[])`, [[a.id, b.id, c.id]]);
    expect(lines[0]!.n).toBe(3);
    const { rows: events } = await t.store.query<{ message: string }>(`SELECT message FROM order_events WHERE order_id = $1 AND type = 'released'`, [b.id]);
    expect(events).toEqual([{ message: expect.stringMatching(/^found in erp/) }]);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 60_000);
});
