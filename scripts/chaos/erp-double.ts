/**
 * A real HTTP server that answers as SAP S/4HANA's API_SALES_ORDER_SRV does for the `sap` order
 * target (src/connectors/sap/order-target.ts): the CSRF token fetch with session cookies, the
 * lookup by PurchaseOrderByCustomer and the deep-insert create. Unlike the nock double in
 * test/support/targets, daemons in other processes reach it over TCP, and it can be made
 *
 * - `slow`: every answer comes after `slowMs` — a create is booked first, so when the client has
 *   timed out already the order exists without the client knowing (the find-before-create case);
 * - `failing`: lookups answer 503; a create answers 500, after booking the order half of the
 *   time (an ERP that commits and then fails to answer);
 * - `down`: the port is closed (connection refused), open connections are cut.
 *
 * Every create is kept, so duplicates by our order number are visible afterwards.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export const SAP_SERVICE = '/sap/opu/odata/sap/API_SALES_ORDER_SRV';
export const SAP_USER = 'CHAOS';
export const SAP_PASSWORD = 'chaos-secret-1';
const TOKEN = 'chaos-token';
const COOKIE = 'SAP_SESSIONID_CHS_100=chaos';

export type ErpMode = 'ok' | 'slow' | 'failing' | 'down';

export interface BookedOrder {
  salesOrder: string;
  number: string;
  at: number;
}

export interface ErpDouble {
  port: number;
  baseUrl: string;
  /** Sales orders booked, in order; the same number twice is a duplicate delivery. */
  booked: BookedOrder[];
  requests: number;
  mode(): ErpMode;
  setMode(mode: ErpMode): Promise<void>;
  close(): Promise<void>;
}

export interface ErpDoubleOptions {
  slowMs?: number;
  /** Decides whether a failing create books the order anyway (seeded by the caller). */
  random?: () => number;
}

export async function startErpDouble(options: ErpDoubleOptions = {}): Promise<ErpDouble> {
  const slowMs = options.slowMs ?? 2_000;
  const random = options.random ?? Math.random;
  const booked: BookedOrder[] = [];
  const sockets = new Set<Socket>();
  let mode: ErpMode = 'ok';
  let next = 5_000_000;
  let requests = 0;
  let port = 0;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}) => {
    const later = mode === 'slow' ? slowMs : 0;
    setTimeout(() => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    }, later);
  };

  function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    requests += 1;
    const url = new URL(req.url ?? '/', 'http://erp');
    const path = decodeURIComponent(url.pathname);
    if (!path.startsWith(SAP_SERVICE)) return send(res, 404, 'no such service');
    const rest = path.slice(SAP_SERVICE.length);
    const withSession = req.headers['x-csrf-token'] === TOKEN && String(req.headers.cookie ?? '').includes(COOKIE);

    if (req.method === 'GET' && (rest === '/' || rest === '')) {
      if (mode === 'failing') return send(res, 503, 'Service Unavailable');
      return send(res, 200, { d: { EntitySets: ['A_SalesOrder'] } }, { 'x-csrf-token': TOKEN, 'set-cookie': [`${COOKIE}; path=/`] });
    }
    if (req.method === 'GET' && rest === '/A_SalesOrder') {
      if (mode === 'failing') return send(res, 503, 'Service Unavailable');
      const match = /^PurchaseOrderByCustomer eq '((?:[^']|'')*)'/.exec(url.searchParams.get('$filter') ?? '');
      if (!match) return send(res, 400, { error: { code: 'CHAOS/1', message: { lang: 'en', value: 'unexpected $filter' } } });
      const number = match[1]!.replaceAll("''", "'");
      const results = booked.filter((o) => o.number === number).map((o) => ({ SalesOrder: o.salesOrder, PurchaseOrderByCustomer: o.number, OverallSDDocumentRejectionSts: 'A' }));
      return send(res, 200, { d: { results } });
    }
    if (req.method === 'POST' && rest === '/A_SalesOrder') {
      if (!withSession) return send(res, 403, 'CSRF token validation failed', { 'x-csrf-token': 'Required' });
      let body: { PurchaseOrderByCustomer?: string; TransactionCurrency?: string };
      try {
        body = JSON.parse(raw) as typeof body;
      } catch {
        return send(res, 400, { error: { code: 'CHAOS/2', message: { lang: 'en', value: 'body is not JSON' } } });
      }
      const failing = mode === 'failing';
      if (failing && random() < 0.5) return send(res, 500, 'Internal Server Error');
      const order: BookedOrder = { salesOrder: String(next++), number: String(body.PurchaseOrderByCustomer ?? ''), at: Date.now() };
      booked.push(order);
      if (failing) return send(res, 500, 'Internal Server Error (after commit)');
      return send(res, 201, { d: { SalesOrder: order.salesOrder, PurchaseOrderByCustomer: order.number, TransactionCurrency: body.TransactionCurrency ?? 'CNY' } });
    }
    return send(res, 404, { error: { code: 'SY/530', message: { lang: 'en', value: `no resource ${rest}` } } });
  }

  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => handle(req, res, raw));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        if (address && typeof address === 'object') port = address.port;
        resolve();
      });
    });
  const shut = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });

  await listen();
  return {
    get port() {
      return port;
    },
    get baseUrl() {
      return `http://127.0.0.1:${port}/sap/opu/odata/sap`;
    },
    booked,
    get requests() {
      return requests;
    },
    mode: () => mode,
    async setMode(to) {
      if (to === mode) return;
      const was = mode;
      mode = to;
      if (to === 'down') await shut();
      else if (was === 'down') await listen();
    },
    async close() {
      if (mode !== 'down') await shut();
      mode = 'down';
    },
  };
}
