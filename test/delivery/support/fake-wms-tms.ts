/**
 * A fake WMS and a fake TMS at the protocol edge (local HTTP servers), for the shipment and
 * tracking tests. The WMS books an outbound order for every POST — even for an order number it
 * already has — so a doubled request shows up as two outbound orders; it finds outbound orders
 * by reference, and the test scripts its faults: down (503), a request that books and never
 * answers, refusals on the merits (400 with a ShipEngine-style error body). The TMS answers
 * EasyPost-style tracker lookups (`GET /v2/trackers?tracking_code=` → `{ trackers: [Tracker] }`)
 * from states the test sets. `easypostEvent` builds a webhook body (an EasyPost Event whose
 * `result` is a Tracker) and `signWebhook` its headers.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const fixture = (path: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8'));
export const TRACKER = fixture('wms-tms/easypost_tracker_retrieve.json');
export const EVENT = fixture('wms-tms/easypost_event_webhook.json');
const SHIPENGINE_400 = fixture('http/shipengine_bad_request_400.json');

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, payload: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
}

async function listen(handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => send(response, 500, { message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export interface OutboundOrder {
  id: string;
  orderNumber: string;
  status: 'NEW';
  body: Record<string, any>;
  idempotencyKey: string | undefined;
}

export interface WmsCall {
  kind: 'lookup' | 'request';
  number: string;
  answered: 'found' | 'none' | 'ok' | 'hung' | 'refused' | 'down';
}

export interface FakeWms {
  url: string;
  orders: OutboundOrder[];
  calls: WmsCall[];
  down: boolean;
  /** The next `n` requests book the outbound order, then never answer. */
  hangAfterBooking(n: number): void;
  /** Requests whose body matches are refused (400) with this message. */
  refuse(match: (body: Record<string, any>) => boolean, message: string): void;
  ordersFor(number: string): OutboundOrder[];
  callsFor(number: string): string[];
  close(): Promise<void>;
}

export async function startFakeWms(): Promise<FakeWms> {
  const orders: OutboundOrder[] = [];
  const calls: WmsCall[] = [];
  const refusals: Array<{ match: (body: Record<string, any>) => boolean; message: string }> = [];
  const hung = new Set<ServerResponse>();
  let hang = 0;
  let sequence = 0;

  const { server, url } = await listen(async (request, response) => {
    const target = new URL(request.url ?? '/', 'http://wms');
    if (target.pathname !== '/v1/outbound-orders') return send(response, 404, { message: `no route ${target.pathname}` });
    if (request.method === 'GET') {
      const number = target.searchParams.get('reference') ?? '';
      const found = orders.filter((o) => o.orderNumber === number);
      calls.push({ kind: 'lookup', number, answered: wms.down ? 'down' : found.length ? 'found' : 'none' });
      if (wms.down) return send(response, 503, { message: 'WMS is under maintenance' });
      return send(response, 200, { data: found.map(({ body: _body, ...order }) => order), totalCount: found.length });
    }
    const body = JSON.parse(await readBody(request)) as Record<string, any>;
    const call: WmsCall = { kind: 'request', number: String(body.orderNumber), answered: 'ok' };
    calls.push(call);
    if (wms.down) {
      call.answered = 'down';
      return send(response, 503, { message: 'WMS is under maintenance' });
    }
    const refusal = refusals.find((r) => r.match(body));
    if (refusal) {
      call.answered = 'refused';
      const errors = (SHIPENGINE_400.errors as Array<Record<string, unknown>>).map((e) => ({ ...e, error_code: 'invalid_field_value', message: refusal.message }));
      return send(response, 400, { ...SHIPENGINE_400, errors });
    }
    const key = request.headers['idempotency-key'];
    const booked: OutboundOrder = { id: `OB${String(++sequence).padStart(6, '0')}`, orderNumber: String(body.orderNumber), status: 'NEW', body, idempotencyKey: Array.isArray(key) ? key[0] : key };
    orders.push(booked);
    if (hang > 0) {
      hang -= 1;
      call.answered = 'hung';
      hung.add(response);
      return;
    }
    const { body: _body, ...shown } = booked;
    send(response, 201, { data: shown });
  });

  const wms: FakeWms = {
    url,
    orders,
    calls,
    down: false,
    hangAfterBooking(n) {
      hang = n;
    },
    refuse(match, message) {
      refusals.push({ match, message });
    },
    ordersFor: (number) => orders.filter((o) => o.orderNumber === number),
    callsFor: (number) => calls.filter((c) => c.number === number).map((c) => `${c.kind}:${c.answered}`),
    async close() {
      for (const response of hung) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return wms;
}

export interface TrackerState {
  status: string;
  carrier?: string;
  reference?: string;
  updatedAt?: string;
}

export interface FakeTms {
  url: string;
  /** Tracking codes asked about, in order. */
  asked: string[];
  set(trackingCode: string, state: TrackerState): void;
  close(): Promise<void>;
}

/** An EasyPost-shaped Tracker for `trackingCode` in `state`. */
export function tracker(trackingCode: string, state: TrackerState): Record<string, unknown> {
  const at = state.updatedAt ?? new Date().toISOString();
  return {
    ...TRACKER,
    id: `trk_${trackingCode.toLowerCase()}`,
    tracking_code: trackingCode,
    status: state.status,
    carrier: state.carrier ?? TRACKER.carrier,
    updated_at: at,
    ...(state.reference ? { reference: state.reference } : {}),
    tracking_details: [...(TRACKER.tracking_details as Array<Record<string, unknown>>), { object: 'TrackingDetail', message: state.status, status: state.status, datetime: at, source: state.carrier ?? TRACKER.carrier }],
  };
}

export async function startFakeTms(): Promise<FakeTms> {
  const states = new Map<string, TrackerState>();
  const asked: string[] = [];
  const { server, url } = await listen(async (request, response) => {
    const target = new URL(request.url ?? '/', 'http://tms');
    if (request.method !== 'GET' || target.pathname !== '/v2/trackers') return send(response, 404, { message: 'not found' });
    const code = target.searchParams.get('tracking_code') ?? '';
    asked.push(code);
    const state = states.get(code);
    send(response, 200, { trackers: state ? [tracker(code, state)] : [], has_more: false });
  });
  return {
    url,
    asked,
    set: (code, state) => void states.set(code, state),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let events = 0;

/** A webhook body: an EasyPost Event (`tracker.updated`) whose result is the tracker; a fresh event id unless given. */
export function easypostEvent(trackingCode: string, state: TrackerState, id = `evt_${Date.now().toString(16)}${(++events).toString(16).padStart(6, '0')}`): string {
  const now = new Date().toISOString();
  return JSON.stringify({ ...EVENT, id, description: 'tracker.updated', created_at: now, updated_at: now, result: tracker(trackingCode, state) });
}

export const WEBHOOK_SECRET = 'whsec_test_2f8b1c9e0d7a4b6c';

/** Headers of a signed delivery, as the TMS sends them (EasyPost-style `hmac-sha256-hex=` prefix). */
export function signWebhook(body: string, options: { secret?: string; at?: Date } = {}): Record<string, string> {
  const signature = createHmac('sha256', options.secret ?? WEBHOOK_SECRET).update(body).digest('hex');
  return {
    'content-type': 'application/json',
    'x-timestamp': String(Math.floor((options.at ?? new Date()).getTime() / 1000)),
    'x-hmac-signature': `hmac-sha256-hex=${signature}`,
  };
}
