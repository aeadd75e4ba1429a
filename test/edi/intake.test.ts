import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/core/auth/tokens.js';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { loadDemoInto } from '../support/demo.js';
import { storeDrivers } from '../support/store.js';

const STORE_GLN = '6901234000017';
const HQ_GLN = '6901234000000';

const partner = {
  id: 'chain-a',
  dealer: 'D001',
  x12: { senderIds: [{ qualifier: 'ZZ', id: 'CHAINA' }] },
  edifact: { senderIds: [{ qualifier: '14', id: HQ_GLN }] },
  shipTos: { [STORE_GLN]: 'D001-NS' },
  items: { xref: { '00012345600012': 'MLK-250-24', 'VEND-200': 'MLK-200-24', '4000862141404': 'MLK-LF250-24' } },
};

interface X12Options {
  control: number;
  po: string;
  purpose?: string;
  sender?: string;
  lines: Array<{ qty: number; qualifier: string; id: string }>;
}

/** One ISA/GS/ST 850 interchange with a 106-character ISA and correct counts. */
function x12(o: X12Options): string {
  const pad = (s: string, n: number) => s.padEnd(n, ' ');
  const control = String(o.control).padStart(9, '0');
  const isa = ['ISA', '00', pad('', 10), '00', pad('', 10), 'ZZ', pad(o.sender ?? 'CHAINA', 15), 'ZZ', pad('DEALERHUB', 15), '261124', '1200', 'U', '00401', control, '0', 'P', '>'].join('*');
  const body = [
    'ST*850*0001',
    `BEG*${o.purpose ?? '00'}*SA*${o.po}**20261124`,
    `N1*BY*Chain A HQ*UL*${HQ_GLN}`,
    `N1*ST*Store 17*UL*${STORE_GLN}`,
    ...o.lines.map((l, i) => `PO1*${i + 1}*${l.qty}*CA*2.30**${l.qualifier}*${l.id}`),
    `CTT*${o.lines.length}`,
  ];
  body.push(`SE*${body.length + 1}*0001`);
  return [isa, 'GS*PO*CHAINA*DEALERHUB*20261124*1200*1*X*004010', ...body, 'GE*1*1', `IEA*1*${control}`].join('~\n') + '~\n';
}

function edifact(o: { control: string; po: string; purpose?: string; lines: Array<{ qty: number; gtin: string }> }): string {
  const body = [
    "UNH+1+ORDERS:D:96A:UN:EAN008",
    `BGM+220+${o.po}+${o.purpose ?? '9'}`,
    'DTM+137:20261124:102',
    `NAD+BY+${HQ_GLN}::9`,
    `NAD+DP+${STORE_GLN}::9`,
    ...o.lines.flatMap((l, i) => [`LIN+${i + 1}++${l.gtin}:SRV`, `QTY+21:${l.qty}`]),
    'UNS+S',
    `CNT+2:${o.lines.length}`,
  ];
  body.push(`UNT+${body.length + 1}+1`);
  return ["UNA:+.? '", `UNB+UNOC:3+${HQ_GLN}:14+DEALERHUB:ZZZ+261124:1200+${o.control}`, ...body, `UNZ+1+${o.control}`].map((s) => (s.startsWith('UNA') ? s : `${s}'`)).join('\n');
}

describe.each(storeDrivers())('EDI intake (POST /v1/edi) on %s', (driver) => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestApp(driver, { edi: { partners: [partner] } });
    await loadDemoInto(t.store);
    for (const code of ['D001', 'D002']) tokens[code] = (await issueToken(t.store, { kind: 'dealer', dealerCode: code })).token;
  }, 120_000);
  afterAll(async () => t?.close());

  const send = (dealer: string, payload: string, contentType = 'application/edi-x12') =>
    t.app.inject({ method: 'POST', url: '/v1/edi', headers: { ...bearer(tokens[dealer]!), 'content-type': contentType }, payload });
  const ordersFor = async (po: string) =>
    (
      await t.store.query<{ number: string; channel: string; external_ref: string; ship_to: string; idempotency_key: string }>(
        `SELECT o.number, o.channel, o.external_ref, s.code AS ship_to, o.idempotency_key FROM orders o JOIN ship_tos s ON s.id = o.ship_to_id WHERE o.external_ref = $1`,
        [po],
      )
    ).rows;
  const linesOf = async (number: string) =>
    (
      await t.store.query<{ sku: string; qty: number }>(
        `SELECT p.sku, l.qty FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id WHERE o.number = $1 AND NOT l.is_gift ORDER BY l.line_no`,
        [number],
      )
    ).rows;
  const orderCount = async () => (await t.store.query<{ n: number }>('SELECT count(*)::int AS n FROM orders')).rows[0]!.n;

  const first = x12({ control: 101, po: 'EDI-PO-1', lines: [{ qty: 48, qualifier: 'UP', id: '00012345600012' }, { qty: 24, qualifier: 'VN', id: 'VEND-200' }] });

  it('turns an X12 850 into an order: xref SKUs, ship-to by N1*ST GLN, channel edi, external_ref = PO', async () => {
    const response = await send('D001', first);
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({
      syntax: 'x12',
      summary: { interchanges: 1, duplicates: 0, documents: 1, created: 1, replayed: 0, failed: 0, held: 0 },
      interchanges: [{ controlNumber: '000000101', partner: 'chain-a', status: 'processed', documents: [{ poNumber: 'EDI-PO-1', status: 'created', transaction: '0001', position: { tag: 'ST' } }] }],
    });
    const orders = await ordersFor('EDI-PO-1');
    expect(orders).toEqual([{ number: body.interchanges[0].documents[0].order.number, channel: 'edi', external_ref: 'EDI-PO-1', ship_to: 'D001-NS', idempotency_key: 'edi:chain-a:EDI-PO-1' }]);
    expect(await linesOf(orders[0]!.number)).toEqual([{ sku: 'MLK-250-24', qty: 48 }, { sku: 'MLK-200-24', qty: 24 }]);
    const recorded = await t.store.query(`SELECT status, summary, control_number, direction, standard, sender FROM edi_interchanges WHERE partner = 'chain-a'`);
    expect(recorded.rows).toEqual([
      { status: 'processed', control_number: '000000101', direction: 'in', standard: 'x12', sender: 'ZZ:CHAINA', summary: { documents: 1, created: 1, replayed: 0, failed: 0, held: 0 } },
    ]);
  });

  it('refuses the same interchange again as a duplicate (409) without creating an order', async () => {
    const before = await orderCount();
    const response = await send('D001', first);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({
      summary: { interchanges: 1, duplicates: 1, documents: 0, created: 0 },
      interchanges: [{ controlNumber: '000000101', status: 'duplicate', message: expect.stringMatching(/already received at .*nothing was created/), documents: [] }],
    });
    expect(await orderCount()).toBe(before);
    const rows = await t.store.query(`SELECT status, duplicates FROM edi_interchanges WHERE control_number = '000000101'`);
    expect(rows.rows).toEqual([{ status: 'processed', duplicates: 1 }]);
  });

  it('replays the same PO in a new interchange instead of placing it twice', async () => {
    const before = await orderCount();
    const again = first.replaceAll('000000101', '000000102');
    const response = await send('D001', again, 'text/plain');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.summary).toMatchObject({ created: 0, replayed: 1 });
    expect(body.interchanges[0].documents[0]).toMatchObject({ status: 'replayed', order: { number: (await ordersFor('EDI-PO-1'))[0]!.number } });
    expect(await orderCount()).toBe(before);
  });

  it('turns an EDIFACT ORDERS into an order (GTIN via xref, ship-to by NAD+DP)', async () => {
    const response = await send('D001', edifact({ control: 'E0001', po: 'EDI-PO-E1', lines: [{ qty: 24, gtin: '4000862141404' }] }), 'application/edifact');
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ syntax: 'edifact', summary: { created: 1 }, interchanges: [{ controlNumber: 'E0001', partner: 'chain-a', documents: [{ poNumber: 'EDI-PO-E1', status: 'created' }] }] });
    const orders = await ordersFor('EDI-PO-E1');
    expect(orders).toMatchObject([{ channel: 'edi', ship_to: 'D001-NS' }]);
    expect(await linesOf(orders[0]!.number)).toEqual([{ sku: 'MLK-LF250-24', qty: 24 }]);
  });

  it('holds a cancellation for manual handling and creates nothing', async () => {
    const before = await orderCount();
    const response = await send('D001', x12({ control: 103, po: 'EDI-PO-1', purpose: '01', lines: [{ qty: 48, qualifier: 'UP', id: '00012345600012' }] }));
    expect(response.statusCode).toBe(200);
    const doc = response.json().interchanges[0].documents[0];
    expect(doc).toMatchObject({ status: 'held_for_manual_handling', purpose: 'cancel', error: { code: 'edi_cancel_held' } });
    expect(doc.error.message).toMatch(/BEG01 01 \(cancellation\) for purchase order EDI-PO-1 is not applied automatically: no order was created or changed.*the original is order DH\d+/);
    expect(await orderCount()).toBe(before);
    expect((await ordersFor('EDI-PO-1'))).toHaveLength(1);
  });

  it('fails a document whose item is unknown, naming the line, and creates nothing', async () => {
    const before = await orderCount();
    const response = await send('D001', x12({ control: 104, po: 'EDI-PO-2', lines: [{ qty: 24, qualifier: 'UP', id: '00012345600012' }, { qty: 12, qualifier: 'UP', id: '99999999999' }] }));
    expect(response.statusCode).toBe(200);
    const doc = response.json().interchanges[0].documents[0];
    expect(doc).toMatchObject({ status: 'failed', poNumber: 'EDI-PO-2', error: { code: 'edi_unknown_item', lines: ['line 2: UP 99999999999'] } });
    expect(doc.error.message).toMatch(/line 2: UP 99999999999/);
    expect(await orderCount()).toBe(before);
    const recorded = await t.store.query<{ errors: Array<{ code: string }> }>(`SELECT errors FROM edi_interchanges WHERE control_number = '000000104'`);
    expect(recorded.rows[0]!.errors).toMatchObject([{ code: 'edi_unknown_item', poNumber: 'EDI-PO-2' }]);
  });

  it("refuses another dealer's token posting D001's partner file (403) and writes nothing", async () => {
    const before = await orderCount();
    const response = await send('D002', x12({ control: 105, po: 'EDI-PO-3', lines: [{ qty: 24, qualifier: 'UP', id: '00012345600012' }] }));
    expect(response.statusCode).toBe(403);
    expect(response.json().error.message).toMatch(/trading partner chain-a, which orders for another dealer/);
    expect(await orderCount()).toBe(before);
    expect((await t.store.query(`SELECT 1 FROM edi_interchanges WHERE control_number = '000000105'`)).rows).toHaveLength(0);
  });

  it('answers an unknown sender and a broken envelope with 422, and a JSON body with 415', async () => {
    const unknown = await send('D001', x12({ control: 106, po: 'EDI-PO-4', sender: 'STRANGER', lines: [{ qty: 24, qualifier: 'UP', id: '00012345600012' }] }));
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error).toMatchObject({ code: 'edi_unknown_partner', message: expect.stringMatching(/ZZ:STRANGER is not a configured trading partner/) });
    const broken = await send('D001', first.replace('IEA*1*000000101', 'IEA*2*000000101').replaceAll('000000101', '000000107'));
    expect(broken.statusCode).toBe(422);
    expect(broken.json().error).toMatchObject({ code: 'edi_envelope', details: { ediCode: expect.stringMatching(/^X12_/) } });
    const json = await t.app.inject({ method: 'POST', url: '/v1/edi', headers: bearer(tokens.D001!), payload: { a: 1 } });
    expect(json.statusCode).toBe(415);
  });
});
