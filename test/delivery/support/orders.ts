/** Placing demo orders through the API and waiting for deliveries, for the delivery tests. */
import { issueToken } from '../../../src/core/auth/tokens.js';
import type { Queryable } from '../../../src/core/db/index.js';
import { bearer, type TestApp } from '../../support/app.js';
import { loadDemoInto } from '../../support/demo.js';

export interface DemoOrders {
  place(body?: Record<string, unknown>, dealer?: string): Promise<{ id: string; number: string; status: string }>;
  cancel(id: string, dealer?: string): Promise<{ status: string }>;
  get(id: string, dealer?: string): Promise<{ status: string; erpOrderNo: string | null; events: Array<{ type: string; fromStatus: string | null; toStatus: string | null; reasons: unknown[]; message: string | null }>; review: { findings: Array<{ code: string; data: Record<string, unknown> }> } }>;
  admin(method: 'GET' | 'POST', url: string, payload?: unknown): Promise<{ statusCode: number; body: string; json(): any }>;
}

const SHIP_TO: Record<string, string> = { D001: 'D001-NS', D002: 'D002-XH', D003: 'D003-JJ' };

/** Loads the demo data set and gives dealers D001–D003 tokens. */
export async function demoOrders(t: TestApp): Promise<DemoOrders> {
  await loadDemoInto(t.store);
  const tokens: Record<string, string> = {};
  for (const code of ['D001', 'D002', 'D003']) tokens[code] = (await issueToken(t.store, { kind: 'dealer', dealerCode: code })).token;
  return {
    async place(body = {}, dealer = 'D001') {
      const response = await t.app.inject({ method: 'POST', url: '/v1/orders', headers: bearer(tokens[dealer]!), payload: { shipTo: SHIP_TO[dealer], lines: [{ sku: 'MLK-250-24', qty: 24 }], ...body } });
      if (response.statusCode !== 201) throw new Error(`placing an order: ${response.statusCode} ${response.body}`);
      return response.json();
    },
    async cancel(id, dealer = 'D001') {
      const response = await t.app.inject({ method: 'POST', url: `/v1/orders/${id}/cancel`, headers: bearer(tokens[dealer]!), payload: { reason: 'test' } });
      if (response.statusCode !== 200) throw new Error(`cancelling: ${response.statusCode} ${response.body}`);
      return response.json();
    },
    async get(id, dealer = 'D001') {
      return (await t.app.inject({ method: 'GET', url: `/v1/orders/${id}`, headers: bearer(tokens[dealer]!) })).json();
    },
    admin: (method, url, payload) => t.app.inject({ method, url, headers: bearer(t.tokens.admin), ...(payload === undefined ? {} : { payload: payload as object }) }),
  };
}

export interface OutboxState {
  id: number;
  event: string;
  status: string;
  attempts: number;
  claims: number;
  last_error: string | null;
  external_id: string | null;
  delivered_at: Date | null;
}

export async function outboxOf(q: Queryable, orderId: string): Promise<OutboxState[]> {
  const { rows } = await q.query<OutboxState>(
    `SELECT id, event, status, attempts, claims, last_error, external_id, delivered_at FROM outbox WHERE aggregate_id = $1 ORDER BY id`,
    [orderId],
  );
  return rows;
}

/** Polls `check` until it returns a truthy value (returned), or fails after `timeoutMs` with `what` and the last value. */
export async function waitFor<T>(what: string, check: () => Promise<T>, timeoutMs = 10_000, everyMs = 50): Promise<NonNullable<T>> {
  const started = Date.now();
  let last: T | undefined;
  for (;;) {
    last = await check();
    if (last) return last as NonNullable<T>;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Waits until every outbox row of the order has one of `statuses`; returns the rows. */
export function settled(q: Queryable, orderId: string, statuses: readonly string[] = ['delivered'], timeoutMs?: number): Promise<OutboxState[]> {
  return waitFor(
    `the outbox rows of order ${orderId} to be ${statuses.join('/')}`,
    async () => {
      const rows = await outboxOf(q, orderId);
      return rows.length > 0 && rows.every((row) => statuses.includes(row.status)) ? rows : undefined;
    },
    timeoutMs,
  );
}
