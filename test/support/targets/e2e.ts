/**
 * End-to-end scaffolding for the order targets (test/delivery/targets-e2e-*.test.ts): an app
 * whose `erp` connector is the target under test, the demo data set, an order that carries a
 * promotion's gift line and allocated discounts, and waits on the `erp` outbox rows (never
 * sleeps): the real relay and deliver jobs carry the order, in-process on PGlite or on BullMQ
 * with PostgreSQL.
 */
import { Decimal } from 'decimal.js';
import { describe, expect } from 'vitest';
import type { ConnectorRegistry } from '../../../src/connectors/hub.js';
import type { Queryable } from '../../../src/core/db/index.js';
import { demoOrders, waitFor, type DemoOrders } from '../../delivery/support/orders.js';
import { createTestApp, type TestApp } from '../app.js';
import { describeWith, uniqueName } from '../services.js';
import type { Driver } from '../store.js';

export interface Mode {
  driver: Driver;
  /** BullMQ on REDIS_URL (else the in-process runner). */
  redis: boolean;
}

/** `body` on PGlite with in-process jobs always, and on PostgreSQL with BullMQ when the services are there (required with REQUIRE_SERVICES=1). */
export function eachMode(name: string, body: (mode: Mode) => void): void {
  describe(`${name} on pglite with in-process jobs`, () => body({ driver: 'pglite', redis: false }));
  describeWith(['postgres', 'redis'], `${name} on PostgreSQL with BullMQ`, () => body({ driver: 'pg', redis: true }));
}

/**
 * Delivery settings for these tests: no quick retries inside an attempt, so a transient failure
 * costs a whole attempt (the row goes pending and the relay claims it again: attempts 2).
 */
export const DELIVERY = { erp: { connector: 'erp' }, attempts: 3, backoffMs: 100, maxBackoffMs: 400, quickRetries: 0, quickRetryDelayMs: 50, leaseMs: 10_000 };

export interface TargetApp {
  t: TestApp;
  api: DemoOrders;
}

/** An app whose connector `erp` (options `erp`) takes the orders, with the demo data loaded. */
export async function startTargetApp(mode: Mode, erp: Record<string, unknown>, registry?: ConnectorRegistry, prefix = 'dh_targets'): Promise<TargetApp> {
  const t = await createTestApp(mode.driver, { connectors: { erp }, delivery: DELIVERY }, undefined, {
    ...(registry ? { registry } : {}),
    ...(mode.redis ? { redisPrefix: uniqueName(prefix) } : {}),
  });
  try {
    return { t, api: await demoOrders(t) };
  } catch (error) {
    await t.close();
    throw error;
  }
}

export interface OrderLineView {
  lineNo: number;
  sku: string;
  qty: number;
  unitPrice: string;
  lineTotal: string;
  discount: string;
  net: string;
  isGift: boolean;
  giftOf: string | null;
  warehouse: string | null;
}

export interface OrderView {
  id: string;
  number: string;
  status: string;
  externalRef: string | null;
  erpOrderNo: string | null;
  lines: OrderLineView[];
  totals: { gross: string; discount: string; net: string; currency: string };
  events: Array<{ type: string; fromStatus: string | null; toStatus: string | null; message: string | null }>;
}

export async function view(api: DemoOrders, id: string): Promise<OrderView> {
  return (await api.get(id)) as unknown as OrderView;
}

/** The demo's gift promotion: 30 boxes of NUT-750-6 bring 24 bags of SEA-54-24 free. */
export const GIFT = { promotion: 'P-NUT-GIFT', buy: { sku: 'NUT-750-6', qty: 30 }, gift: { sku: 'SEA-54-24', qty: 24 } };

/**
 * Places NUT-750-6 × 30 and MLK-250-24 × 48 for D001 (ship-to D001-NS) through POST /v1/orders:
 * three lines — two priced with order-level discounts allocated to them, and the free gift.
 */
export async function placeGiftOrder(api: DemoOrders, externalRef: string, note: string | null = null): Promise<OrderView> {
  const placed = await api.place({ externalRef, ...(note ? { note } : {}), lines: [GIFT.buy, { sku: 'MLK-250-24', qty: 48 }] });
  const order = await view(api, placed.id);
  expect(order.status).toBe('approved');
  expect(order.lines.map((l) => [l.lineNo, l.sku, l.qty, l.isGift, l.giftOf])).toEqual([
    [1, GIFT.buy.sku, 30, false, null],
    [2, 'MLK-250-24', 48, false, null],
    [3, GIFT.gift.sku, 24, true, GIFT.promotion],
  ]);
  expect(order.lines[2]).toMatchObject({ net: '0.00', warehouse: 'WH-SZ' });
  // The order-level promotions are allocated to the priced lines: each has a discount of its own.
  for (const line of order.lines.slice(0, 2)) expect(new Decimal(line.discount).gt(0), `line ${line.lineNo} discount`).toBe(true);
  expect(order.lines.reduce((sum, l) => sum.plus(l.net), new Decimal(0)).toFixed(2)).toBe(order.totals.net);
  return order;
}

export interface ErpRow {
  id: number;
  event: string;
  status: string;
  attempts: number;
  claims: number;
  last_error: string | null;
  external_id: string | null;
  response: string | null;
  delivered_by: string | null;
}

/** The order's outbox rows for target `erp` (rows for other targets — WMS — are not waited on here). */
export async function erpRows(q: Queryable, orderId: string): Promise<ErpRow[]> {
  const { rows } = await q.query<ErpRow>(
    `SELECT id, event, status, attempts, claims, last_error, external_id, response, delivered_by FROM outbox WHERE aggregate_id = $1 AND target = 'erp' ORDER BY id`,
    [orderId],
  );
  return rows;
}

/** Waits until the order has `count` erp rows, all delivered; returns them. */
export function deliveredRows(q: Queryable, orderId: string, count: number): Promise<ErpRow[]> {
  return waitFor(`${count} delivered erp outbox row(s) of order ${orderId}`, async () => {
    const rows = await erpRows(q, orderId);
    return rows.length === count && rows.every((row) => row.status === 'delivered') ? rows : undefined;
  });
}

/** qty × rate ÷ per at 2 decimals: what an ERP books for a line priced `rate` per `per` units. */
export function booked(rate: string, qty: number | string, per: number | string = 1): string {
  return new Decimal(rate).times(qty).div(per).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
}

/** Every log line the app wrote about an outbox row, as `message` strings (what the relay said). */
export function deliveryLog(t: TestApp, outboxId: number): string[] {
  return t.logs.filter((line) => line.outboxId === outboxId).map((line) => `${String(line.msg)}${line.err ? ` — ${String(line.err)}` : ''}`);
}
