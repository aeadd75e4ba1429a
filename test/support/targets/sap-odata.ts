/**
 * SAP S/4HANA's API_SALES_ORDER_SRV as nock answers it at the HTTP edge, with state: the CSRF
 * token fetch (token + session cookies; a modifying request without both gets 403
 * `x-csrf-token: Required`), the lookup by PurchaseOrderByCustomer, the deep insert (every POST
 * books a new sales order, as SAP does — so a doubled delivery shows as two), the read with items
 * before a cancel and the PATCH of an item's rejection reason. Every request is recorded with its
 * headers and body. `hangCreates(n)`: the next n POSTs book the order and answer only after
 * `answerAfterMs` — past the client's timeout, as when SAP is slow rather than down.
 * Answers follow test/fixtures/sap-orders (OData v2 JSON: `{ d: … }`, `__metadata.type`).
 */
import { Decimal } from 'decimal.js';
import nock from 'nock';

export const SAP_ORIGIN = 'https://s4.example.com';
export const SAP_SERVICE = '/sap/opu/odata/sap/API_SALES_ORDER_SRV';
export const SAP_USER = 'DH_COMM';
export const SAP_PASSWORD = 'S3cret-Passw0rd!';
const TYPE = 'API_SALES_ORDER_SRV.A_SalesOrderType';
const ITEM_TYPE = 'API_SALES_ORDER_SRV.A_SalesOrderItemType';
const TOKEN = 'tok-e2e-1';
const COOKIES = ['SAP_SESSIONID_S4H_100=e2eSess%3d; path=/; secure; HttpOnly', 'sap-usercontext=sap-client=100; path=/'];

export interface SapRequest {
  method: string;
  /** Decoded path below the service, e.g. `/A_SalesOrder`, `/A_SalesOrderItem(SalesOrder='…',SalesOrderItem='10')`. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: any;
}

export interface SapItem {
  SalesOrderItem: string;
  Material: string;
  RequestedQuantity: string;
  RequestedQuantityUnit: string;
  SalesOrderItemCategory: string;
  SalesDocumentRjcnReason: string;
  NetAmount: string;
}

export interface SapSalesOrder {
  SalesOrder: string;
  PurchaseOrderByCustomer: string;
  body: Record<string, any>;
  items: SapItem[];
  TotalNetAmount: string;
}

export interface SapDouble {
  requests: SapRequest[];
  orders: SapSalesOrder[];
  /** The next `n` creates book the order, then answer after `answerAfterMs`. */
  hangCreates(n: number, answerAfterMs: number): void;
  /** Sales orders carrying `number` as PurchaseOrderByCustomer. */
  ordersFor(number: string): SapSalesOrder[];
  /** POSTs of A_SalesOrder for `number`. */
  createsFor(number: string): SapRequest[];
  /** Waits for the late answers of hung creates, then removes the interceptors. */
  close(): Promise<void>;
}

/** Net of an item as SAP prices it from our conditions: qty × PPR0 (per ConditionQuantity) + RB00; gifts (no conditions) 0. */
function netOf(item: Record<string, any>): Decimal {
  const conditions: Array<Record<string, string>> = item.to_PricingElement ?? [];
  const price = conditions.find((c) => c.ConditionType === 'PPR0');
  const discount = conditions.find((c) => c.ConditionType === 'RB00');
  if (!price) return new Decimal(0);
  return new Decimal(price.ConditionRateValue ?? NaN).times(item.RequestedQuantity).div(price.ConditionQuantity ?? '1').plus(discount?.ConditionRateValue ?? 0);
}

export function startSapDouble(): SapDouble {
  const requests: SapRequest[] = [];
  const orders: SapSalesOrder[] = [];
  const late = new Set<Promise<void>>();
  let hang: { n: number; ms: number } = { n: 0, ms: 0 };
  let next = 4711;

  function record(method: string, req: { headers: Record<string, string | string[]> }, uri: string, body: unknown): SapRequest {
    const url = new URL(uri, SAP_ORIGIN);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v)]));
    const entry: SapRequest = {
      method,
      path: decodeURIComponent(url.pathname).slice(SAP_SERVICE.length),
      query: Object.fromEntries(url.searchParams),
      headers,
      body: body === '' ? undefined : typeof body === 'string' && body.startsWith('{') ? JSON.parse(body) : body,
    };
    requests.push(entry);
    return entry;
  }

  const withSession = (r: SapRequest) => r.headers['x-csrf-token'] === TOKEN && (r.headers.cookie ?? '').includes('SAP_SESSIONID_S4H_100=e2eSess%3d');
  const required = [403, 'CSRF token validation failed', { 'x-csrf-token': 'Required', 'content-type': 'text/plain' }] as const;
  const envelope = (o: SapSalesOrder) => ({
    __metadata: { id: `${SAP_ORIGIN}${SAP_SERVICE}/A_SalesOrder('${o.SalesOrder}')`, type: TYPE },
    SalesOrder: o.SalesOrder,
    PurchaseOrderByCustomer: o.PurchaseOrderByCustomer,
    SoldToParty: o.body.SoldToParty,
    OverallSDDocumentRejectionSts: o.items.every((i) => i.SalesDocumentRjcnReason) ? 'C' : 'A',
  });

  const scope = nock(SAP_ORIGIN)
    .persist()
    .get((path) => path.startsWith(SAP_SERVICE))
    .query(true)
    .reply(function (uri, body) {
      const r = record('GET', this.req as never, uri, body);
      if (r.path === '/') {
        if (r.headers['x-csrf-token'] !== 'Fetch') return [400, 'x-csrf-token: Fetch expected'];
        return [200, { d: { EntitySets: ['A_SalesOrder', 'A_SalesOrderItem'] } }, { 'x-csrf-token': TOKEN, 'set-cookie': COOKIES }];
      }
      if (r.path === '/A_SalesOrder') {
        const match = /^PurchaseOrderByCustomer eq '((?:[^']|'')*)' and SalesOrganization eq '1710'$/.exec(r.query.$filter ?? '');
        if (!match) return [400, { error: { code: '/IWBEP/CM_MGW_RT/022', message: { lang: 'en', value: `unexpected $filter ${r.query.$filter}` } } }];
        const number = match[1]!.replaceAll("''", "'");
        return [200, { d: { results: orders.filter((o) => o.PurchaseOrderByCustomer === number).slice(0, Number(r.query.$top ?? 100)).map(envelope) } }];
      }
      const key = /^\/A_SalesOrder\('(\d+)'\)$/.exec(r.path);
      const found = key && orders.find((o) => o.SalesOrder === key[1]);
      if (!found) return [404, { error: { code: 'SY/530', message: { lang: 'en', value: `Resource not found for segment 'A_SalesOrderType'` } } }];
      return [
        200,
        {
          d: {
            ...envelope(found),
            to_Item: {
              results: found.items.map((i) => ({ __metadata: { type: ITEM_TYPE }, SalesOrder: found.SalesOrder, SalesOrderItem: i.SalesOrderItem, SalesDocumentRjcnReason: i.SalesDocumentRjcnReason })),
            },
          },
        },
      ];
    })
    .post(`${SAP_SERVICE}/A_SalesOrder`)
    .query(true)
    .reply(function (uri, body, callback) {
      const r = record('POST', this.req as never, uri, body);
      if (!withSession(r)) return callback(null, [...required]);
      const items: SapItem[] = (r.body.to_Item as Array<Record<string, any>>).map((item) => ({
        SalesOrderItem: item.SalesOrderItem,
        Material: item.Material,
        RequestedQuantity: item.RequestedQuantity,
        RequestedQuantityUnit: item.RequestedQuantityUnit,
        SalesOrderItemCategory: item.SalesOrderItemCategory ?? 'TAN',
        SalesDocumentRjcnReason: '',
        NetAmount: netOf(item).toFixed(3),
      }));
      const order: SapSalesOrder = {
        SalesOrder: String(next++),
        PurchaseOrderByCustomer: r.body.PurchaseOrderByCustomer,
        body: r.body,
        items,
        TotalNetAmount: items.reduce((sum, i) => sum.plus(i.NetAmount), new Decimal(0)).toFixed(3),
      };
      orders.push(order);
      const answer: [number, Record<string, unknown>, Record<string, string>] = [
        201,
        { d: { ...envelope(order), TotalNetAmount: order.TotalNetAmount, TransactionCurrency: r.body.TransactionCurrency, to_Item: { results: items.map((i) => ({ __metadata: { type: ITEM_TYPE }, SalesOrder: order.SalesOrder, ...i })) } } },
        { 'sap-message': JSON.stringify({ code: 'V1/311', message: `Standard Order ${order.SalesOrder} has been saved`, severity: 'success', details: [] }) },
      ];
      if (hang.n > 0) {
        hang.n -= 1;
        // Booked; the answer comes after the client gave up.
        const later = new Promise<void>((resolve) => setTimeout(resolve, hang.ms)).then(() => {
          try {
            callback(null, answer);
          } catch {
            /* the client is gone */
          }
        });
        late.add(later);
        void later.finally(() => late.delete(later));
        return;
      }
      callback(null, answer);
    })
    .patch((path) => path.startsWith(`${SAP_SERVICE}/A_SalesOrderItem(`))
    .query(true)
    .reply(function (uri, body) {
      const r = record('PATCH', this.req as never, uri, body);
      if (!withSession(r)) return [...required];
      const key = /^\/A_SalesOrderItem\(SalesOrder='(\d+)',SalesOrderItem='(\d+)'\)$/.exec(r.path);
      const item = key && orders.find((o) => o.SalesOrder === key[1])?.items.find((i) => i.SalesOrderItem === key[2]);
      if (!item) return [404, { error: { code: 'SY/530', message: { lang: 'en', value: 'Resource not found' } } }];
      item.SalesDocumentRjcnReason = r.body.SalesDocumentRjcnReason;
      return [204, ''];
    });

  return {
    requests,
    orders,
    hangCreates(n, answerAfterMs) {
      hang = { n, ms: answerAfterMs };
    },
    ordersFor: (number) => orders.filter((o) => o.PurchaseOrderByCustomer === number),
    createsFor: (number) => requests.filter((r) => r.method === 'POST' && r.path === '/A_SalesOrder' && r.body?.PurchaseOrderByCustomer === number),
    async close() {
      while (late.size > 0) await Promise.allSettled([...late]);
      scope.persist(false);
      nock.cleanAll();
    },
  };
}
