/** Claiming outbox rows on the store: per-order ordering, leases, claims that lose ownership, exhausted leases, SKIP LOCKED. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claimDue, takeClaim, type ClaimSettings } from '../../src/delivery/claim.js';
import { applyOverrides } from '../../src/delivery/document.js';
import { attemptDeadlineMs, retryDelayMs } from '../../src/delivery/settings.js';
import type { OrderDocument } from '../../src/connectors/contract.js';
import { createTestStore, storeDrivers, type TestStore } from '../support/store.js';

const SETTINGS: ClaimSettings = { targets: ['erp'], batchSize: 100, leaseMs: 60_000, attempts: 3 };

describe.each(storeDrivers())('claiming outbox rows on %s', (driver) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore(driver);
  });
  afterAll(async () => t?.drop());
  beforeEach(async () => {
    await t.store.query('DELETE FROM outbox');
  });

  const add = async (aggregate: string, event: string, extra: Record<string, unknown> = {}) => {
    const { rows } = await t.store.query<{ id: number }>(
      `INSERT INTO outbox (event, aggregate_type, aggregate_id, target, payload, status, attempts, next_attempt_at)
       VALUES ($1, 'order', $2, $3, $4::jsonb, $5, $6, now() + $7 * interval '1 millisecond') RETURNING id`,
      [event, aggregate, extra.target ?? 'erp', JSON.stringify({ orderId: aggregate, number: `N-${aggregate}` }), extra.status ?? 'pending', extra.attempts ?? 0, extra.inMs ?? 0],
    );
    return rows[0]!.id;
  };
  const claimIds = async (settings: Partial<ClaimSettings> = {}) => (await claimDue(t.store, { ...SETTINGS, ...settings })).claimed.map((c) => c.id);
  const setStatus = (id: number, status: string) => t.store.query(`UPDATE outbox SET status = $2 WHERE id = $1`, [id, status]);

  it('claims a row only when no earlier row of its order is pending or in flight', async () => {
    const create = await add('x', 'order.approved');
    const cancel = await add('x', 'order.cancelled');
    const other = await add('y', 'order.approved');
    await add('z', 'order.approved', { target: 'wms' });
    await add('w', 'order.approved', { inMs: 60_000 });
    expect(await claimIds()).toEqual([create, other]);
    expect(await claimIds()).toEqual([]); // the create is in flight: the cancel waits
    await setStatus(create, 'delivered');
    expect(await claimIds()).toEqual([cancel]);
  });

  it('dead and rejected rows do not hold later rows of the order back', async () => {
    const dead = await add('x', 'order.approved', { status: 'dead' });
    const cancel = await add('x', 'order.cancelled');
    expect(await claimIds()).toEqual([cancel]);
    await setStatus(dead, 'rejected');
    expect(await claimIds()).toEqual([]);
  });

  it('a claim carries a lease; when it runs out the row is claimed again and the old claim is void', async () => {
    const id = await add('x', 'order.approved');
    const [first] = (await claimDue(t.store, { ...SETTINGS, leaseMs: 1 })).claimed;
    expect(first).toMatchObject({ id, claim: 1, event: 'order.approved', number: 'N-x' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [second] = (await claimDue(t.store, SETTINGS)).claimed;
    expect(second).toMatchObject({ id, claim: 2 });
    expect(await takeClaim(t.store, id, 1, 60_000)).toBeNull();
    // Attempts count attempts that started: the first claim's job never ran.
    expect(await takeClaim(t.store, id, 2, 60_000)).toMatchObject({ id, claim: 2, attempts: 1, aggregateId: 'x' });
    const { rows } = await t.store.query<{ status: string; attempts: number }>(`SELECT status, attempts FROM outbox WHERE id = $1`, [id]);
    expect(rows[0]).toEqual({ status: 'in_flight', attempts: 1 });
  });

  it('a row whose last attempt never reported back within its lease is dead', async () => {
    const id = await add('x', 'order.approved', { status: 'in_flight', attempts: 3, inMs: -1 });
    const result = await claimDue(t.store, SETTINGS);
    expect(result).toEqual({ claimed: [], expired: 1 });
    const { rows } = await t.store.query<{ status: string; last_error: string }>(`SELECT status, last_error FROM outbox WHERE id = $1`, [id]);
    expect(rows[0]).toEqual({ status: 'dead', last_error: 'attempt 3/3: no outcome within the 60000 ms lease (the worker stopped or hung)' });
  });

  it.runIf(driver === 'pg')('relays claiming at the same time never claim one row twice', async () => {
    for (let i = 0; i < 60; i++) await add(`o${i}`, 'order.approved');
    const batches = await Promise.all(Array.from({ length: 4 }, () => claimIds({ batchSize: 20 })));
    const all = batches.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBeGreaterThanOrEqual(60 - 20); // a relay may skip rows another has locked
    expect((await claimIds()).length + all.length).toBe(60);
  });
});

describe('delivery settings and documents', () => {
  it('waits longer after each failed attempt, randomised ×0.5–1.5 and capped', () => {
    const settings = { backoffMs: 1_000, maxBackoffMs: 10_000 };
    expect([1, 2, 3].map((n) => retryDelayMs(settings, n, () => 0.5))).toEqual([1_000, 2_000, 4_000]);
    expect(retryDelayMs(settings, 2, () => 0)).toBe(1_000);
    expect(retryDelayMs(settings, 2, () => 0.999)).toBe(2_998);
    expect(retryDelayMs(settings, 10, () => 0.5)).toBe(10_000);
  });

  it('gives an attempt the lease less a margin for recording its outcome', () => {
    expect(attemptDeadlineMs(120_000)).toBe(110_000);
    expect(attemptDeadlineMs(5_000)).toBe(4_000);
    expect(attemptDeadlineMs(400)).toBe(500);
  });

  it('applies an operator’s corrections over the document, lines by number, money untouched', () => {
    const document = {
      orderId: 'o', number: 'N', externalRef: 'PO', note: null, requestedDate: null, currency: 'CNY', orderDate: '2026-11-24',
      dealer: { code: 'D', name: 'Dealer' }, shipTo: { code: 'S', name: 'Ship', address: 'Old', regionCode: '440305', contact: null, phone: null },
      totals: { gross: '1.00', discount: '0.00', net: '1.00' },
      lines: [
        { lineNo: 1, sku: 'A', qty: 1, uom: 'EA', unitPrice: '1.0000', gross: '1.00', discount: '0.00', net: '1.00', isGift: false, warehouseCode: 'W1', lots: [] },
        { lineNo: 2, sku: 'B', qty: 1, uom: 'EA', unitPrice: '0.0000', gross: '0.00', discount: '0.00', net: '0.00', isGift: true, warehouseCode: 'W1', lots: [] },
      ],
    } satisfies OrderDocument;
    const corrected = applyOverrides(document, { note: 'fixed', shipTo: { address: 'New' }, lines: [{ lineNo: 2, sku: 'B-ERP' }] });
    expect(corrected).toMatchObject({ note: 'fixed', shipTo: { code: 'S', address: 'New' }, totals: document.totals });
    expect(corrected.lines.map((l) => [l.sku, l.net])).toEqual([['A', '1.00'], ['B-ERP', '0.00']]);
    expect(applyOverrides(document, undefined)).toBe(document);
  });
});
