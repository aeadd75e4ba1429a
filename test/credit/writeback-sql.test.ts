/**
 * Credit-limit changes delivered to an ERP's SQL staging table through the outbox, end to end:
 * POST /admin/credit/:dealer/review (and the proposal approve route) → outbox row `credit` →
 * relay → sql connector's creditLimits target → one staging row per change, however often the
 * relay runs. Live on PostgreSQL through the connector's own driver; on PGlite through the same
 * target over the embedded store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TargetRejection } from '../../src/connectors/contract.js';
import { quoteIdent } from '../../src/core/db/pg-store.js';
import { businessDate } from '../../src/orders/evaluate.js';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { uniqueName } from '../support/services.js';
import { adminQuery, createTestStore, storeDrivers } from '../support/store.js';
import { waitFor } from '../delivery/support/orders.js';
import { registryOnStore } from '../delivery/support/staging.js';
import { seedDealer, TZ } from './seed.js';

interface Row { id: number; status: string; attempts: number; claims: number; target: string; external_id: string | null; last_error: string | null; payload: { changeId: number } }

describe.each(storeDrivers())('credit write-back to a SQL staging table on %s', (driver) => {
  let t: TestApp;
  let today: string;
  const schema = driver === 'pg' ? uniqueName('crd') : 'crd';
  const admin = (method: 'GET' | 'POST', url: string, payload?: object) => t.app.inject({ method, url, headers: bearer(t.tokens.admin), ...(payload ? { payload } : {}) });
  const rowsOf = async (code: string) =>
    (await t.store.query<Row>(`SELECT id, status, attempts, claims, target, external_id, last_error, payload FROM outbox WHERE aggregate_type = 'dealer' AND aggregate_id = $1 ORDER BY id`, [code])).rows;
  const staged = async (changeId: number) =>
    (await t.store.query<Record<string, unknown>>(`SELECT id::text AS id, change_id::int AS change_id, dealer_code, currency, old_limit::text AS old_limit, new_limit::text AS new_limit, actor, reason FROM ${schema}.credit_limit WHERE change_id = $1`, [changeId])).rows;
  const relayUntil = (code: string, status: string) =>
    waitFor(`the credit rows of ${code} to be ${status}`, async () => {
      await t.jobs.enqueue('delivery.relay', { trigger: 'test' });
      const rows = await rowsOf(code);
      return rows.length > 0 && rows.every((r) => r.status === status) ? rows : undefined;
    });

  beforeAll(async () => {
    const testStore = await createTestStore(driver);
    await testStore.store.query(`
      CREATE SCHEMA ${schema};
      CREATE TABLE ${schema}.credit_limit (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        change_id   bigint NOT NULL UNIQUE,
        dealer_code text NOT NULL,
        currency    char(3) NOT NULL,
        old_limit   numeric(18, 2),
        new_limit   numeric(18, 2) NOT NULL CHECK (new_limit >= 0),
        reason      text,
        actor       text);`);
    const erp = {
      kind: 'sql',
      dialect: 'postgres',
      url: process.env.DATABASE_URL ?? 'postgres://embedded/unused',
      creditLimits: { table: `${schema}.credit_limit`, changeIdColumn: 'change_id', referenceColumn: 'id' },
    };
    t = await createTestApp(
      driver,
      {
        connectors: { erp },
        credit: { autoApplyBands: ['A', 'B', 'C'], writeBack: { connector: 'erp' } },
        delivery: { attempts: 3, backoffMs: 100, quickRetries: 1, quickRetryDelayMs: 50, leaseMs: 10_000 },
      },
      testStore,
      driver === 'pglite' ? { registry: registryOnStore(testStore.store) } : {},
    );
    today = businessDate(new Date(), TZ);
    await seedDealer(t, 'T001', '50000.00', today);
    await seedDealer(t, 'T002', '45000.00', today);
  });
  afterAll(async () => {
    await t?.close();
    if (driver === 'pg') await adminQuery(process.env.DATABASE_URL!, `DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  });

  it('an applied review reaches the staging table once, even when the relay runs twice and the row is delivered again', async () => {
    const review = await admin('POST', '/admin/credit/T002/review');
    expect(review.json()).toMatchObject({ outcome: 'applied', suggestedLimit: '41250.00' });
    const [pending] = await rowsOf('T002');
    expect(pending).toMatchObject({ target: 'credit', status: 'pending' });
    const changeId = pending!.payload.changeId;

    // Two relay runs at once: one claim, one delivery.
    await Promise.all([t.jobs.enqueue('delivery.relay', { trigger: 'test-a' }), t.jobs.enqueue('delivery.relay', { trigger: 'test-b' })]);
    const [delivered] = await relayUntil('T002', 'delivered');
    const rows = await staged(changeId);
    expect(rows).toEqual([
      { id: expect.any(String), change_id: changeId, dealer_code: 'T002', currency: 'CNY', old_limit: '45000.00', new_limit: '41250.00', actor: expect.stringMatching(/^admin:/), reason: expect.stringContaining('band C') },
    ]);
    expect(delivered).toMatchObject({ attempts: 1, claims: 1, external_id: rows[0]!.id, last_error: null });

    // A redo (lost answer, expired lease): the relay delivers the row again and finds the staged change.
    await t.store.query(`UPDATE outbox SET status = 'pending', next_attempt_at = now() WHERE id = $1`, [delivered!.id]);
    const [again] = await relayUntil('T002', 'delivered');
    expect(again).toMatchObject({ claims: 2, external_id: rows[0]!.id });
    expect(await staged(changeId)).toHaveLength(1);
    const detail = (await admin('GET', `/admin/outbox/${delivered!.id}`)).json();
    expect(detail).toMatchObject({ deliveredBy: 'erp', response: expect.stringContaining(`found in ${schema}.credit_limit as ${rows[0]!.id}`) });
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/dealer_hub_outbox_deliveries_total\{target="credit",event="credit.limit_changed"\} [1-9]/);
  });

  it('an approved proposal is delivered too; nothing goes out while it is only proposed', async () => {
    const review = (await admin('POST', '/admin/credit/T001/review')).json();
    expect(review).toMatchObject({ outcome: 'proposed', suggestedLimit: '41250.00' });
    expect(await rowsOf('T001')).toEqual([]);
    expect((await admin('POST', `/admin/credit/T001/proposals/${review.changeId}/approve`, { comment: 'ok' })).statusCode).toBe(200);
    const [row] = await relayUntil('T001', 'delivered');
    expect(await staged(review.changeId)).toEqual([expect.objectContaining({ dealer_code: 'T001', old_limit: '50000.00', new_limit: '41250.00' })]);
    expect(row).toMatchObject({ attempts: 1 });
  });

  it('the target itself: concurrent applies stage one row; a value the table refuses is a TargetRejection', async () => {
    const target = t.connectors.creditTarget('erp');
    const change = { changeId: 990_001, dealerCode: 'T001', currency: 'CNY', oldLimit: '1.00', newLimit: '2.00', reason: 'test', actor: 'test' };
    const signal = new AbortController().signal;
    const [a, b] = await Promise.all([target.applyCreditLimit(change, signal), target.applyCreditLimit(change, signal)]);
    expect(a.reference).toBe(b.reference);
    expect(await staged(990_001)).toHaveLength(1);
    const refused = await target.applyCreditLimit({ ...change, changeId: 990_002, newLimit: '-5.00' }, signal).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TargetRejection);
    expect((refused as TargetRejection).targetMessage).toMatch(/credit_limit_new_limit_check/);
    expect(await staged(990_002)).toEqual([]);
  });
});
