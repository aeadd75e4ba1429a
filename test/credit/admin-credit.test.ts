import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewCredit } from '../../src/credit/review.js';
import { creditSchema } from '../../src/core/config/schema-credit-risk.js';
import { businessDate } from '../../src/orders/evaluate.js';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { storeDrivers } from '../support/store.js';
import { waitFor } from '../delivery/support/orders.js';
import { seedDealer, TZ } from './seed.js';

describe.each(storeDrivers())('credit limits on %s', (driver) => {
  let t: TestApp;
  let today: string;
  beforeAll(async () => {
    // C lends automatically here, so a small change applies and a large one is proposed.
    t = await createTestApp(driver, { credit: { autoApplyBands: ['A', 'B', 'C'], writeBack: { target: 'erp-credit' } } });
    today = businessDate(new Date(), TZ);
    await seedDealer(t, 'T001', '50000.00', today);
    await seedDealer(t, 'T002', '45000.00', today);
  });
  afterAll(async () => t?.close());

  const admin = (method: 'GET' | 'POST', url: string, payload?: object) => t.app.inject({ method, url, headers: bearer(t.tokens.admin), ...(payload ? { payload } : {}) });
  const limitOf = async (code: string) =>
    (await t.store.query<{ limit: string }>('SELECT c.credit_limit::text AS "limit" FROM credit_accounts c JOIN dealers d ON d.id = c.dealer_id WHERE d.code = $1', [code])).rows[0]!.limit;
  const outboxOf = (code: string) =>
    t.store.query<{ event: string; target: string; payload: Record<string, unknown>; same_tx: boolean }>(
      `SELECT o.event, o.target, o.payload, o.created_at = c.decided_at OR o.created_at = c.created_at AS same_tx
         FROM outbox o JOIN credit_limit_changes c ON c.id = (o.payload->>'changeId')::bigint WHERE o.aggregate_type = 'dealer' AND o.aggregate_id = $1 ORDER BY o.id`,
      [code],
    );

  it('GET /admin/credit/:dealer: limit, live exposure, and the suggested limit with each factor\'s contribution', async () => {
    const response = await admin('GET', '/admin/credit/T001');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.exposure).toEqual({ limit: '50000.00', arOpen: '13000.00', openOrders: '2000.00', exposure: '15000.00', available: '35000.00', overdue: '5000.00', oldestOverdueDays: 20 });
    expect(body.suggestion).toMatchObject({ score: 0.5467, band: 'C', months: 1.5, base: '41250.00', suggestedLimit: '41250.00', changePercent: -17.5, decision: 'propose' });
    expect(Object.fromEntries(body.suggestion.factors.map((f: { factor: string; contribution: number }) => [f.factor, f.contribution]))).toEqual({
      onTimeRatio: 0, daysBeyondTerms: 0.2222, cooperationYears: 0.15, salesVolume: 0.0495, salesTrend: 0.125,
    });
    expect(body.openProposal).toBeNull();
    expect((await admin('GET', '/admin/credit/NOPE')).statusCode).toBe(404);
  });

  it('a change within the auto-apply bounds is applied, audited and written to the outbox in the same transaction', async () => {
    const response = await admin('POST', '/admin/credit/T002/review');
    expect(response.json()).toMatchObject({ outcome: 'applied', suggestedLimit: '41250.00' });
    expect(await limitOf('T002')).toBe('41250.00');
    const { rows } = await t.store.query<{ status: string; old_limit: string; new_limit: string; actor: string; reason: string }>(
      `SELECT c.status, c.old_limit::text, c.new_limit::text, c.actor, c.reason FROM credit_limit_changes c JOIN dealers d ON d.id = c.dealer_id WHERE d.code = 'T002'`,
    );
    expect(rows).toEqual([{ status: 'applied', old_limit: '45000.00', new_limit: '41250.00', actor: expect.stringMatching(/^admin:/), reason: expect.stringContaining('band C') }]);
    const outbox = await outboxOf('T002');
    expect(outbox.rows).toEqual([
      { event: 'credit.limit_changed', target: 'erp-credit', same_tx: true, payload: expect.objectContaining({ dealerCode: 'T002', oldLimit: '45000.00', newLimit: '41250.00', currency: 'CNY' }) },
    ]);
    // The relay does not claim the target (no delivery.* names it): the row waits for the ERP side, listed like any other.
    const listed = await admin('GET', '/admin/outbox?status=pending');
    expect(listed.statusCode).toBe(200);
    expect(JSON.stringify(listed.json())).toContain('credit.limit_changed');
    // Scoring again suggests what is now the limit: nothing to do.
    expect((await admin('POST', '/admin/credit/T002/review')).json()).toMatchObject({ outcome: 'unchanged' });
  });

  it('a larger change is proposed (limit untouched, nothing to the ERP) and approved by a person', async () => {
    const review = (await admin('POST', '/admin/credit/T001/review')).json();
    expect(review).toMatchObject({ outcome: 'proposed', suggestedLimit: '41250.00' });
    expect(await limitOf('T001')).toBe('50000.00');
    expect((await outboxOf('T001')).rows).toEqual([]);
    // The same suggestion again keeps the open proposal.
    expect((await admin('POST', '/admin/credit/T001/review')).json()).toMatchObject({ outcome: 'unchanged' });
    const view = (await admin('GET', '/admin/credit/T001')).json();
    expect(view.openProposal).toMatchObject({ id: review.changeId, status: 'proposed', oldLimit: '50000.00', newLimit: '41250.00' });

    const approved = await admin('POST', `/admin/credit/T001/proposals/${review.changeId}/approve`, { comment: 'agreed in the credit meeting' });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', oldLimit: '50000.00', newLimit: '41250.00', decidedBy: expect.stringMatching(/^admin:/), comment: 'agreed in the credit meeting' });
    expect(await limitOf('T001')).toBe('41250.00');
    expect((await outboxOf('T001')).rows).toEqual([expect.objectContaining({ event: 'credit.limit_changed', same_tx: true, payload: expect.objectContaining({ newLimit: '41250.00', changeId: review.changeId }) })]);
    // Decided once.
    const again = await admin('POST', `/admin/credit/T001/proposals/${review.changeId}/approve`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toContain('is approved, not an open proposal');
  });

  it('a rejected proposal leaves the limit; rejecting needs a reason; unknown proposals are 404', async () => {
    await t.store.query(`UPDATE credit_accounts SET credit_limit = 60000 WHERE dealer_id = (SELECT id FROM dealers WHERE code = 'T001')`);
    const summary = await reviewCredit(t.store, { credit: creditSchema.parse({}), timeZone: TZ }, new Date(), 'job:credit.review');
    expect(summary.counts).toEqual({ applied: 0, proposed: 1, unchanged: 1, stale: 0 });
    const proposal = summary.results.find((r) => r.dealer === 'T001')!;
    // 60,000 − 20 % = 48,000: the change cap bounds the suggestion.
    expect(proposal).toMatchObject({ suggestedLimit: '48000.00', outcome: 'proposed' });
    // The limit moves (an ERP sync) before anyone decides: the next review supersedes the proposal.
    await t.store.query(`UPDATE credit_accounts SET credit_limit = 58000 WHERE dealer_id = (SELECT id FROM dealers WHERE code = 'T001')`);
    const next = (await reviewCredit(t.store, { credit: creditSchema.parse({}), timeZone: TZ }, new Date(), 'job:credit.review', 'T001')).results[0]!;
    expect(next).toMatchObject({ suggestedLimit: '46400.00', outcome: 'proposed' });
    expect((await admin('POST', `/admin/credit/T001/proposals/${proposal.changeId}/approve`)).json().error.message).toContain('is superseded');
    expect((await admin('POST', `/admin/credit/T001/proposals/${next.changeId}/reject`, { comment: ' ' })).statusCode).toBe(400);
    const rejected = await admin('POST', `/admin/credit/T001/proposals/${next.changeId}/reject`, { comment: 'a new contract is coming' });
    expect(rejected.json()).toMatchObject({ status: 'rejected', comment: 'a new contract is coming' });
    expect(await limitOf('T001')).toBe('58000.00');
    expect((await admin('POST', '/admin/credit/T001/proposals/999999/approve')).statusCode).toBe(404);
    // Another dealer's change cannot be decided under this one.
    const { rows } = await t.store.query<{ id: number }>(`SELECT c.id::int AS id FROM credit_limit_changes c JOIN dealers d ON d.id = c.dealer_id WHERE d.code = 'T002'`);
    expect((await admin('POST', `/admin/credit/T001/proposals/${rows[0]!.id}/approve`)).statusCode).toBe(404);
  });

  it('the credit.review job records its proposals as the job (defaults here: band C always gets a proposal)', async () => {
    await t.store.query(`UPDATE credit_accounts SET credit_limit = 44000 WHERE dealer_id = (SELECT id FROM dealers WHERE code = 'T002')`);
    await t.jobs.enqueue('credit.review', { dealer: 'T002' });
    const row = await waitFor('the job\'s proposal', async () => {
      const { rows } = await t.store.query<{ status: string; old_limit: string; new_limit: string; actor: string }>(
        `SELECT c.status, c.old_limit::text, c.new_limit::text, c.actor FROM credit_limit_changes c JOIN dealers d ON d.id = c.dealer_id
          WHERE d.code = 'T002' AND c.actor = 'job:credit.review'`,
      );
      return rows[0];
    });
    expect(row).toEqual({ status: 'proposed', old_limit: '44000.00', new_limit: '41250.00', actor: 'job:credit.review' });
    expect(await limitOf('T002')).toBe('44000.00');
  });
});
