/**
 * A fake ERP at the protocol edge: a local HTTP server that books sales orders the way a
 * careless ERP does — every POST creates a new ERP order, even for an order it already has — so
 * a doubled delivery shows up as two ERP orders. Lookups by our order id (the external reference)
 * and cancellations as a real API offers them. The test scripts its faults: down (503), a create
 * that books the order and then never answers (the client times out), a create held until the
 * test releases it, and refusals on the merits (422 with a message).
 *
 * `fakeErpConnector` is the client side: a connector kind whose OrderTarget speaks this API
 * with fetch, registered only in the tests' connector registry.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { defineConnector, TargetRejection, type OrderDocument } from '../../../src/connectors/contract.js';
import { createConnectorRegistry } from '../../../src/connectors/hub.js';
import { CONNECTOR_DEFINITIONS } from '../../../src/connectors/registry.js';
import { TransientError } from '../../../src/core/errors.js';

export interface ErpOrder {
  erpOrderNo: string;
  orderId: string;
  number: string;
  lines: number;
  status: 'open' | 'cancelled';
}

export interface ErpCall {
  kind: 'find' | 'create' | 'cancel';
  orderId: string;
  at: number;
  answered: 'ok' | 'down' | 'hung' | 'rejected' | 'not_found';
}

export interface FakeErp {
  url: string;
  orders: ErpOrder[];
  calls: ErpCall[];
  /** 503 for every request while true. */
  down: boolean;
  /** The next `n` creates book the order, then never answer. */
  hangAfterBooking(n: number): void;
  /** The next create whose document matches waits (unbooked) until release() is called. */
  holdCreate(match: (order: OrderDocument) => boolean): { release(): void; arrived: Promise<void> };
  /** Creates whose document matches are refused with this message. */
  refuse(match: (order: OrderDocument) => boolean, message: string): void;
  ordersFor(orderId: string): ErpOrder[];
  close(): Promise<void>;
}

async function body(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : null;
}

function send(response: ServerResponse, status: number, payload: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
}

export async function startFakeErp(): Promise<FakeErp> {
  const orders: ErpOrder[] = [];
  const calls: ErpCall[] = [];
  const holds: Array<{ match: (order: OrderDocument) => boolean; release(): void; arrived: () => void; released: Promise<void> }> = [];
  const refusals: Array<{ match: (order: OrderDocument) => boolean; message: string }> = [];
  let hang = 0;
  let sequence = 0;
  const hung = new Set<ServerResponse>();

  const erp: FakeErp = {
    url: '',
    orders,
    calls,
    down: false,
    hangAfterBooking(n) {
      hang = n;
    },
    holdCreate(match) {
      let release!: () => void;
      let arrived!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const arrival = new Promise<void>((resolve) => (arrived = resolve));
      holds.push({ match, release, arrived, released });
      return { release, arrived: arrival };
    },
    refuse(match, message) {
      refusals.push({ match, message });
    },
    ordersFor: (orderId) => orders.filter((o) => o.orderId === orderId),
    close: async () => {
      for (const response of hung) response.destroy();
      for (const hold of holds) hold.release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://erp');
    const cancel = /^\/orders\/([^/]+)\/cancel$/.exec(url.pathname);
    const kind: ErpCall['kind'] = request.method === 'GET' ? 'find' : cancel ? 'cancel' : 'create';
    const payload = request.method === 'POST' ? await body(request) : null;
    const orderId = kind === 'find' ? (url.searchParams.get('ref') ?? '') : kind === 'create' ? (payload as OrderDocument).orderId : (orders.find((o) => o.erpOrderNo === cancel![1])?.orderId ?? '');
    const call: ErpCall = { kind, orderId, at: Date.now(), answered: 'ok' };
    calls.push(call);
    if (erp.down) {
      call.answered = 'down';
      return send(response, 503, { message: 'ERP is under maintenance' });
    }
    if (kind === 'find') {
      const found = orders.find((o) => o.orderId === orderId);
      if (!found) call.answered = 'not_found';
      return found ? send(response, 200, found) : send(response, 404, { message: 'no such order' });
    }
    if (kind === 'cancel') {
      const found = orders.find((o) => o.erpOrderNo === cancel![1]);
      if (!found) {
        call.answered = 'not_found';
        return send(response, 404, { message: 'no such order' });
      }
      found.status = 'cancelled';
      return send(response, 200, found);
    }
    const document = payload as OrderDocument;
    const hold = holds.find((h) => h.match(document));
    if (hold) {
      holds.splice(holds.indexOf(hold), 1);
      hold.arrived();
      await hold.released;
    }
    const refusal = refusals.find((r) => r.match(document));
    if (refusal) {
      call.answered = 'rejected';
      return send(response, 422, { message: refusal.message });
    }
    const booked: ErpOrder = { erpOrderNo: `SO${String(++sequence).padStart(6, '0')}`, orderId: document.orderId, number: document.number, lines: document.lines.length, status: 'open' };
    orders.push(booked);
    if (hang > 0) {
      hang -= 1;
      call.answered = 'hung';
      hung.add(response); // booked, but the answer never comes
      return;
    }
    send(response, 201, booked);
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => send(response, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  erp.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return erp;
}

const optionsSchema = z.object({ url: z.string().url(), timeoutMs: z.number().int().positive().default(1_000) }).strict();

/** The client side of the fake ERP's API: an order target over fetch. */
export const fakeErpConnector = defineConnector<z.infer<typeof optionsSchema>>({
  kind: 'fake-erp',
  optionsSchema,
  streams: () => [],
  create(options) {
    async function call(method: string, path: string, signal: AbortSignal, payload?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
      try {
        const response = await fetch(`${options.url}${path}`, {
          method,
          headers: payload ? { 'content-type': 'application/json' } : {},
          body: payload ? JSON.stringify(payload) : undefined,
          signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]),
        });
        const body = (await response.json()) as Record<string, unknown>;
        if (response.status >= 500) throw new TransientError(`fake ERP ${method} ${path}: ${response.status} ${String(body.message)}`);
        return { status: response.status, body };
      } catch (error) {
        if (error instanceof TransientError) throw error;
        throw new TransientError(`fake ERP ${method} ${path}: ${(error as Error).message}`, {}, { cause: error });
      }
    }
    return {
      check: async () => ({ ok: true, detail: options.url }),
      read: () => {
        throw new Error('the fake ERP has no streams');
      },
      close: async () => {},
      orders: {
        async find(order, signal) {
          const { status, body } = await call('GET', `/orders?ref=${order.orderId}`, signal);
          return status === 404 ? null : { erpOrderNo: String(body.erpOrderNo), detail: 'found by reference' };
        },
        async create(order, signal) {
          const { status, body } = await call('POST', '/orders', signal, order);
          if (status === 422) throw new TargetRejection(`fake ERP refused order ${order.number}: ${String(body.message)}`, String(body.message));
          return { erpOrderNo: String(body.erpOrderNo), detail: 'booked' };
        },
        async cancel(order, signal) {
          const { status, body } = await call('POST', `/orders/${order.erpOrderNo}/cancel`, signal, {});
          if (status === 422) throw new TargetRejection(`fake ERP refused to cancel ${order.erpOrderNo}`, String(body.message));
        },
      },
    };
  },
});

/** The daemon's connector kinds plus the fake ERP's. */
export const TEST_CONNECTORS = createConnectorRegistry([...CONNECTOR_DEFINITIONS, fakeErpConnector]);
