/**
 * Reconciliation end to end: orders placed through the API and delivered into SQL staging
 * tables on the test's own database (PGlite, or PostgreSQL through the sql connector's driver),
 * then the "ERP" is tampered with — a staged order deleted, a foreign one inserted, a number
 * changed — and stock/credit files differ from the store. Each run is queued through
 * POST /admin/reconciliation/run and read back from GET /admin/reconciliation.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteIdent } from '../../src/core/db/pg-store.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { serviceAvailable, uniqueName } from '../support/services.js';
import { adminQuery, createTestStore, storeDrivers } from '../support/store.js';
import { demoOrders, outboxOf, settled, waitFor, type DemoOrders } from '../delivery/support/orders.js';
import { stagingDdl, stagingOrders } from '../delivery/support/staging.js';
import { reconcileNow, reconciliationRegistry, type FindingView } from './support.js';

const FOREIGN = 'DH2611249999999';

describe.each(storeDrivers())('reconciliation on %s', (driver) => {
  let t: TestApp;
  let api: DemoOrders;
  let files: string;
  const schema = driver === 'pg' ? uniqueName('rstg') : 'rstg';
  const orders: Record<'kept' | 'lost' | 'renumbered' | 'refused', { id: string; number: string }> = {} as never;
  const staged = async (orderId: string) =>
    (await t.store.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.so_header WHERE ext_order_id = $1`, [orderId])).rows[0]!.n;
  const kinds = (findings: FindingView[]) => findings.map((f) => f.kind).sort();

  beforeAll(async () => {
    files = mkdtempSync(path.join(tmpdir(), 'dh-recon-'));
    const testStore = await createTestStore(driver);
    await testStore.store.query(stagingDdl(schema));
    const sql = { dialect: 'postgres', url: process.env.DATABASE_URL ?? 'postgres://embedded/unused', orders: stagingOrders(schema) };
    t = await createTestApp(
      driver,
      {
        connectors: {
          erp: { kind: 'sql', ...sql },
          'erp-nolist': { kind: 'sql-nolist', ...sql },
          'erp-down': { kind: 'erp-down' },
          books: {
            kind: 'file',
            folder: files,
            streams: { stock: { pattern: 'stock*.csv', entity: 'stock_lots' }, credit: { pattern: 'credit*.csv', entity: 'credit_accounts' } },
          },
        },
        delivery: { erp: { connector: 'erp' }, attempts: 2, backoffMs: 100, quickRetries: 0, leaseMs: 10_000 },
        schedules: {
          'reconcile-nightly': {
            cron: '0 2 * * *',
            job: 'reconcile',
            payload: { windowDays: 7, tolerance: { stockQty: 2, creditAmount: '100.00' }, drift: [{ connector: 'books', stream: 'stock' }, { connector: 'books', stream: 'credit' }] },
          },
        },
      },
      testStore,
      { registry: reconciliationRegistry(testStore.store, driver === 'pglite'), ...(driver === 'pg' && serviceAvailable('redis') ? { redisPrefix: uniqueName('dh_recon') } : {}) },
    );
    api = await demoOrders(t);
    orders.kept = await api.place({ note: 'kept' });
    orders.lost = await api.place({ note: 'lost' });
    orders.renumbered = await api.place({ note: 'renumbered' }, 'D002');
    orders.refused = await api.place({ note: 'credit-block' });
    for (const order of [orders.kept, orders.lost, orders.renumbered]) await settled(t.store, order.id);
    await settled(t.store, orders.refused.id, ['rejected']);
    // Books that agree with the store (the drift test changes them).
    await writeBooks({});
  });
  afterAll(async () => {
    await t?.close();
    if (driver === 'pg') await adminQuery(process.env.DATABASE_URL!, `DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    rmSync(files, { recursive: true, force: true });
  });

  /** The WH-CD stock and the dealers' credit as the store has them, changed by `edit`, as the ERP's export files. */
  async function writeBooks(edit: { stock?: (row: { sku: string; warehouse_code: string; lot: string; on_hand: number }) => number | null; credit?: Record<string, string> }) {
    const { rows: lots } = await t.store.query<{ sku: string; warehouse_code: string; lot: string; on_hand: number }>(
      `SELECT p.sku, w.code AS warehouse_code, l.lot, l.on_hand FROM stock_lots l JOIN products p ON p.id = l.product_id JOIN warehouses w ON w.id = l.warehouse_id
        WHERE w.code = 'WH-CD' ORDER BY p.sku, l.lot`,
    );
    const stock = lots.flatMap((row) => {
      const onHand = edit.stock ? edit.stock(row) : row.on_hand;
      return onHand === null ? [] : [`${row.sku},${row.warehouse_code},${row.lot},${onHand}`];
    });
    writeFileSync(path.join(files, 'stock.csv'), ['sku,warehouse_code,lot,on_hand', ...stock].join('\n'));
    const { rows: accounts } = await t.store.query<{ code: string; credit_limit: string; ar_open: string }>(
      `SELECT d.code, c.credit_limit, c.ar_open FROM credit_accounts c JOIN dealers d ON d.id = c.dealer_id ORDER BY d.code`,
    );
    const credit = accounts.map((a) => `${a.code},${edit.credit?.[a.code] ?? a.credit_limit},${a.ar_open}`);
    writeFileSync(path.join(files, 'credit.csv'), ['dealer_code,credit_limit,ar_open', ...credit].join('\n'));
    return lots;
  }

  it('finds nothing to report when the ERP and the books agree (except the order the ERP refused)', async () => {
    const { run, findings } = await reconcileNow(api);
    expect(run).toMatchObject({ status: 'succeeded', trigger: 'admin', error: null });
    expect(run.checks.orders.status).toBe('done');
    expect(run.checks.orders.counts).toMatchObject({ orders: 4, lookups: 4, lookupFailures: 0, missing_in_erp: 0 });
    expect(run.checks.erpOrders).toMatchObject({ status: 'done', counts: { listed: 3, matched: 3, unknown_in_erp: 0, number_mismatch: 0 } });
    expect(run.checks.drift.map((d: { stream: string; status: string }) => `${d.stream}:${d.status}`)).toEqual(['stock:done', 'credit:done']);
    expect(findings).toEqual([
      expect.objectContaining({ kind: 'not_delivered', orderId: orders.refused.id, orderNumber: orders.refused.number, theirs: null, resolved: false }),
    ]);
    expect(findings[0]!.detail).toMatch(/is held but its create row outbox #\d+ is rejected; erp does not have it/);
    expect(run.counts.findings).toMatchObject({ not_delivered: 1, missing_in_erp: 0, stock_drift: 0, credit_drift: 0 });
  });

  it('an order the ERP lost, one it holds under another number, and a foreign order with one of our numbers', async () => {
    await t.store.query(`DELETE FROM ${schema}.so_line WHERE ext_order_id = $1`, [orders.lost.id]);
    await t.store.query(`DELETE FROM ${schema}.so_header WHERE ext_order_id = $1`, [orders.lost.id]);
    await t.store.query(`UPDATE ${schema}.so_header SET erp_order_no = 'XS-RENUMBERED' WHERE ext_order_id = $1`, [orders.renumbered.id]);
    await t.store.query(`INSERT INTO ${schema}.so_header (ext_order_id, order_no, dealer_code, order_date, erp_order_no) VALUES ($1, $1, 'D003', current_date, 'XS-FOREIGN')`, [FOREIGN]);
    const renumberedWas = (await api.get(orders.renumbered.id, 'D002')).erpOrderNo;
    const lostWas = (await api.get(orders.lost.id)).erpOrderNo;

    const { run, findings } = await reconcileNow(api);
    expect(run.status).toBe('succeeded');
    expect(kinds(findings)).toEqual(['missing_in_erp', 'not_delivered', 'number_mismatch', 'unknown_in_erp']);
    const [lostRow] = await outboxOf(t.store, orders.lost.id);
    expect(findings.find((f) => f.kind === 'missing_in_erp')).toMatchObject({
      orderId: orders.lost.id,
      orderNumber: orders.lost.number,
      outboxId: lostRow!.id,
      field: 'erp_order_no',
      ours: lostWas,
      theirs: null,
      detail: expect.stringContaining(`erp has no order for ${orders.lost.number}`),
    });
    expect(findings.find((f) => f.kind === 'number_mismatch')).toMatchObject({
      orderId: orders.renumbered.id,
      ours: renumberedWas,
      theirs: 'XS-RENUMBERED',
      detail: `erp holds order ${orders.renumbered.number} as XS-RENUMBERED; we have ${renumberedWas}`,
    });
    expect(findings.find((f) => f.kind === 'unknown_in_erp')).toMatchObject({
      orderId: null,
      orderNumber: FOREIGN,
      erpReference: FOREIGN,
      theirs: 'XS-FOREIGN',
      detail: `erp holds order XS-FOREIGN under reference ${FOREIGN}; we have no such order`,
    });
    // Both checks saw the renumbered order; it is one finding.
    expect(run.checks.orders.counts).toMatchObject({ missing_in_erp: 1, number_mismatch: 1 });
    expect(run.checks.erpOrders.counts).toMatchObject({ listed: 3, matched: 2, unknown_in_erp: 1, number_mismatch: 0 });

    const unresolvedMissing = (await api.admin('GET', '/admin/reconciliation?kind=missing_in_erp&resolved=false')).json();
    expect(unresolvedMissing.findings.items).toHaveLength(1);
    expect(unresolvedMissing.run.id).toBe(run.id);
  });

  it('one-click replay puts the lost order back in the ERP exactly once and resolves the finding', async () => {
    const { findings } = (await api.admin('GET', '/admin/reconciliation?kind=missing_in_erp')).json() as { findings: { items: FindingView[] } };
    const missing = findings.items[0]!;
    const refusedReplay = await api.admin('POST', `/admin/reconciliation/findings/${(await api.admin('GET', '/admin/reconciliation?kind=unknown_in_erp')).json().findings.items[0].id}/replay`, {});
    expect(refusedReplay.statusCode).toBe(409);
    expect(refusedReplay.json().error.message).toMatch(/only missing_in_erp and not_delivered findings send an order again/);

    const replay = await api.admin('POST', `/admin/reconciliation/findings/${missing.id}/replay`, { comment: 'ERP restored from backup' });
    expect(replay.statusCode, replay.body).toBe(200);
    expect(replay.json()).toMatchObject({
      finding: { id: missing.id, resolved: false, replayOutboxId: missing.outboxId, replayedBy: 'admin:test' },
      outbox: { id: missing.outboxId, event: 'order.approved', orderNumber: orders.lost.number },
    });
    const audit = replay.json().outbox.replays.at(-1);
    expect(audit).toMatchObject({ actor: 'admin:test', statusBefore: 'dead', comment: expect.stringMatching(/^reconciliation finding #\d+ \(missing_in_erp of order DH\d+, run #\d+\): ERP restored from backup$/) });
    expect(audit.lastErrorBefore).toMatch(/delivered before, but the ERP has no order for it; sent again/);

    await settled(t.store, orders.lost.id);
    expect(await staged(orders.lost.id)).toBe(1);
    const { rows: [header] } = await t.store.query<{ erp_order_no: string }>(`SELECT erp_order_no FROM ${schema}.so_header WHERE ext_order_id = $1`, [orders.lost.id]);
    expect((await api.get(orders.lost.id)).erpOrderNo).toBe(header!.erp_order_no);

    const resolved = await waitFor('the finding to be resolved', async () => {
      const finding = (await api.admin('GET', `/admin/reconciliation/findings/${missing.id}`)).json() as FindingView;
      return finding.resolved ? finding : undefined;
    });
    expect(resolved).toMatchObject({ replayStatus: 'delivered', resolution: expect.stringMatching(/^replayed; outbox #\d+ delivered: created in erp as XS\d+/) });
    const again = await api.admin('POST', `/admin/reconciliation/findings/${missing.id}/replay`, {});
    expect(again.statusCode).toBe(409);
    expect(await staged(orders.lost.id)).toBe(1);
    expect((await api.admin('GET', '/admin/reconciliation?kind=missing_in_erp&resolved=false')).json().findings.items).toEqual([]);

    const next = await reconcileNow(api);
    expect(kinds(next.findings)).toEqual(['not_delivered', 'number_mismatch', 'unknown_in_erp']);
  });

  it('stock and credit that drifted beyond the tolerance are findings; within it, nothing', async () => {
    const { rows: lots } = await t.store.query<{ sku: string; lot: string; on_hand: number }>(
      `SELECT p.sku, l.lot, l.on_hand FROM stock_lots l JOIN products p ON p.id = l.product_id JOIN warehouses w ON w.id = l.warehouse_id
        WHERE w.code = 'WH-CD' AND l.on_hand > 10 ORDER BY p.sku, l.lot LIMIT 3`,
    );
    const [beyond, within, dropped] = lots as [(typeof lots)[number], (typeof lots)[number], (typeof lots)[number]];
    const is = (row: { sku: string; lot: string }, lot: { sku: string; lot: string }) => row.sku === lot.sku && row.lot === lot.lot;
    const { rows: [d002] } = await t.store.query<{ credit_limit: string }>(
      `SELECT c.credit_limit FROM credit_accounts c JOIN dealers d ON d.id = c.dealer_id WHERE d.code = 'D002'`,
    );
    await writeBooks({
      // 7 fewer in the ERP (beyond the tolerance of 2), 2 more (within it), and a lot the ERP no longer reports.
      stock: (row) => (is(row, beyond) ? row.on_hand - 7 : is(row, within) ? row.on_hand + 2 : is(row, dropped) ? null : row.on_hand),
      // D001's limit is another; D002's moves by 99.99, inside the 100.00 tolerance.
      credit: { D001: '123456.00', D002: (Number(d002!.credit_limit) + 99.99).toFixed(2) },
    });

    const { run, findings } = await reconcileNow(api);
    const stock = findings.filter((f) => f.kind === 'stock_drift');
    expect(stock.map((f) => [f.sku, f.warehouseCode, f.lot, f.ours, f.theirs])).toEqual([
      [beyond.sku, 'WH-CD', beyond.lot, String(beyond.on_hand), String(beyond.on_hand - 7)],
      [dropped.sku, 'WH-CD', dropped.lot, String(dropped.on_hand), '0'],
    ]);
    expect(stock[0]!.detail).toBe(`on hand of ${beyond.sku} in WH-CD lot ${beyond.lot}: ${beyond.on_hand} here, ${beyond.on_hand - 7} in books/stock (difference -7, tolerance 2)`);
    expect(stock[1]!.detail).toMatch(/does not report the lot/);
    const credit = findings.filter((f) => f.kind === 'credit_drift');
    expect(credit).toHaveLength(1);
    expect(credit[0]).toMatchObject({ dealerCode: 'D001', field: 'credit_limit', theirs: '123456.00' });
    expect(run.checks.drift[0]).toMatchObject({ connector: 'books', stream: 'stock', entity: 'stock_lots', status: 'done', counts: { rejected: 0, findings: 2 } });
    expect(run.checks.drift[1]).toMatchObject({ stream: 'credit', entity: 'credit_accounts', status: 'done', counts: { findings: 1 } });
    // Nothing was written to the store.
    const { rows } = await t.store.query<{ on_hand: number }>(
      `SELECT l.on_hand FROM stock_lots l JOIN products p ON p.id = l.product_id JOIN warehouses w ON w.id = l.warehouse_id WHERE p.sku = $1 AND w.code = 'WH-CD' AND l.lot = $2`,
      [beyond.sku, beyond.lot],
    );
    expect(rows).toEqual([{ on_hand: beyond.on_hand }]);

    const resolve = await api.admin('POST', `/admin/reconciliation/findings/${credit[0]!.id}/resolve`, { comment: 'limit raised in the ERP; sync follows' });
    expect(resolve.json()).toMatchObject({ resolved: true, resolvedBy: 'admin:test', resolution: 'resolved by hand: limit raised in the ERP; sync follows' });
    expect((await api.admin('GET', `/admin/reconciliation?kind=credit_drift&resolved=true`)).json().findings.items).toHaveLength(1);
  });

  it('a target that cannot list its orders: that check is skipped with the reason, ours are still looked up', async () => {
    await writeBooks({});
    const { run, findings } = await reconcileNow(api, { erp: 'erp-nolist', drift: [] });
    expect(run.status).toBe('succeeded');
    expect(run.checks.erpOrders).toEqual({ status: 'skipped', reason: 'erp-nolist cannot list the orders it holds (its order target has no listSince); only our orders were looked up' });
    expect(run.checks.orders).toMatchObject({ status: 'done', counts: { number_mismatch: 1 } });
    expect(run.checks.drift).toEqual([]);
    expect(kinds(findings)).toEqual(['not_delivered', 'number_mismatch']);
  });

  it('an ERP that cannot be reached: the order check fails after a few lookups and calls nothing missing', async () => {
    const { run, findings } = await reconcileNow(api, { erp: 'erp-down', maxLookupFailures: 2, drift: [] });
    expect(run.status).toBe('failed');
    expect(run.checks.orders).toMatchObject({ status: 'failed', connector: 'erp-down', reason: '2 lookups in erp-down failed in a row (last: connect ECONNREFUSED 10.0.0.9:1433); the order check stopped' });
    expect(run.error).toContain('erp-down: 2 lookups in erp-down failed in a row');
    expect(findings.filter((f) => f.kind === 'missing_in_erp')).toEqual([]);
    const runs = (await api.admin('GET', '/admin/reconciliation/runs?limit=2')).json();
    expect(runs.items[0]).toMatchObject({ id: run.id, status: 'failed', erpConnector: 'erp-down' });
    expect(runs.nextCursor).toEqual(expect.any(String));
  });

  it('rejects settings that cannot work before queueing', async () => {
    const bad = await api.admin('POST', '/admin/reconciliation/run', { windowDays: 0, tolerance: { stockQty: -1 } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.message).toMatch(/windowDays: .*; tolerance.stockQty: /);
    const unknown = await api.admin('POST', '/admin/reconciliation/run', { schedule: 'weekly' });
    expect(unknown.statusCode).toBe(404);
  });
});
