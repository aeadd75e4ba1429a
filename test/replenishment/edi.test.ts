import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/core/auth/tokens.js';
import { businessDate } from '../../src/orders/evaluate.js';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { loadDemoInto } from '../support/demo.js';
import { storeDrivers } from '../support/store.js';

const HQ_GLN = '6901234000000';
const partner = {
  id: 'chain-a',
  dealer: 'D001',
  x12: { senderIds: [{ qualifier: 'ZZ', id: 'CHAINA' }] },
  edifact: { senderIds: [{ qualifier: '14', id: HQ_GLN }] },
  items: { xref: { '00012345600012': 'MLK-250-24', '4000862141404': 'MLK-LF250-24' } },
};
const compact = (daysAgo: number) => businessDate(new Date(Date.now() - daysAgo * 86_400_000), 'Asia/Shanghai').replaceAll('-', '');
const iso = (daysAgo: number) => businessDate(new Date(Date.now() - daysAgo * 86_400_000), 'Asia/Shanghai');

function x12(control: number, body: string[]): string {
  const pad = (s: string, n: number) => s.padEnd(n, ' ');
  const c = String(control).padStart(9, '0');
  const isa = ['ISA', '00', pad('', 10), '00', pad('', 10), 'ZZ', pad('CHAINA', 15), 'ZZ', pad('DEALERHUB', 15), '261124', '1200', 'U', '00401', c, '0', 'P', '>'].join('*');
  const set = ['ST*852*0001', ...body];
  set.push(`SE*${set.length + 1}*0001`);
  return [isa, 'GS*PD*CHAINA*DEALERHUB*20261124*1200*1*X*004010', ...set, 'GE*1*1', `IEA*1*${c}`].join('~\n') + '~\n';
}

function edifact(control: string, messages: string[][]): string {
  const body = messages.flatMap((segments, i) => {
    const msg = [...segments];
    return [...msg, `UNT+${msg.length + 1}+${i + 1}`];
  });
  return ["UNA:+.? '", `UNB+UNOC:3+${HQ_GLN}:14+DEALERHUB:ZZZ+261124:1200+${control}`, ...body, `UNZ+${messages.length}+${control}`].map((s) => (s.startsWith('UNA') ? s : `${s}'`)).join('\n');
}

describe.each(storeDrivers())('sell-through by EDI (POST /v1/edi) on %s', (driver) => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp(driver, { edi: { partners: [partner] } });
    await loadDemoInto(t.store);
    token = (await issueToken(t.store, { kind: 'dealer', dealerCode: 'D001' })).token;
  }, 120_000);
  afterAll(async () => t?.close());

  const send = (payload: string, contentType: string) => t.app.inject({ method: 'POST', url: '/v1/edi', headers: { ...bearer(token), 'content-type': contentType }, payload });
  const stored = async (source: string) =>
    (
      await t.store.query<{ store_code: string; sku: string; report_date: string; qty_sold: number | null; on_hand: number | null }>(
        `SELECT s.store_code, p.sku, s.report_date, s.qty_sold, s.on_hand FROM sell_through s JOIN products p ON p.id = s.product_id WHERE s.source = $1 ORDER BY p.sku, s.store_code`,
        [source],
      )
    ).rows;

  it('X12 852: XQ period end dates the figures, ZA QS/QA per item, SDQ splits a ZA by store', async () => {
    const res = await send(
      x12(852001, [
        `XQ*H*${compact(8)}*${compact(2)}*WK47`,
        'N1*RL*Store 9*92*S9',
        'LIN**VN*MLK-LF250-24',
        'ZA*QS*14*EA',
        'ZA*QA*30*EA',
        'ZA*QR*99*EA',
        'LIN**UP*00012345600012',
        'ZA*QS*20*EA',
        'SDQ*EA*92*S1*12*S2*8',
        'CTT*2',
      ]),
      'application/edi-x12',
    );
    expect(res.statusCode).toBe(201);
    expect(res.json().summary).toMatchObject({ interchanges: 1, documents: 1, created: 1, failed: 0 });
    expect(res.json().interchanges[0].documents[0]).toMatchObject({ documentType: '852', poNumber: 'WK47', status: 'created' });
    expect(await stored('x12-852')).toEqual([
      { store_code: 'S1', sku: 'MLK-250-24', report_date: iso(2), qty_sold: 12, on_hand: null },
      { store_code: 'S2', sku: 'MLK-250-24', report_date: iso(2), qty_sold: 8, on_hand: null },
      { store_code: 'S9', sku: 'MLK-LF250-24', report_date: iso(2), qty_sold: 14, on_hand: 30 },
    ]);
    const interchange = await t.store.query<{ status: string; document_type: string }>(`SELECT status, document_type FROM edi_interchanges WHERE control_number = '000852001'`);
    expect(interchange.rows).toEqual([{ status: 'processed', document_type: '852' }]);
  });

  it('X12 852 with an item we cannot map fails that document and stores nothing', async () => {
    const res = await send(x12(852002, [`XQ*H*${compact(8)}*${compact(2)}`, 'LIN**VN*MLK-250-24', 'ZA*QS*5*EA', 'LIN**UP*999999999999', 'ZA*QS*1*EA']), 'application/edi-x12');
    expect(res.statusCode).toBe(200);
    const doc = res.json().interchanges[0].documents[0];
    expect(doc).toMatchObject({ status: 'failed', error: { code: 'edi_unknown_item' } });
    expect(doc.error.message).toContain('UP 999999999999');
    expect((await stored('x12-852')).length).toBe(3);
  });

  it('EDIFACT SLSRPT (sales per location) and INVRPT (stock, LOC after QTY) in one interchange', async () => {
    const res = await send(
      edifact('ST1', [
        ['UNH+1+SLSRPT:D:01B:UN:EAN004', 'BGM+73E+SR1+9', `DTM+137:${compact(0)}:102`, `DTM+90:${compact(9)}:102`, `DTM+91:${compact(3)}:102`,
          'LOC+162+S7::9', 'LIN+1++4000862141404:SRV', 'QTY+153:5', 'LIN+2++MLK-200-24:SA', 'QTY+153:7'],
        ['UNH+2+INVRPT:D:96A:UN:EAN008', 'BGM+35+IR1+9', `DTM+137:${compact(0)}:102`, `DTM+366:${compact(1)}:102`,
          'LIN+1++4000862141404:SRV', 'QTY+145:40', 'LOC+18+S7', 'QTY+145:15', 'LOC+18+S8'],
      ]),
      'application/edifact',
    );
    expect(res.statusCode).toBe(201);
    expect(res.json().summary).toMatchObject({ documents: 2, created: 2, failed: 0 });
    expect(await stored('edifact-slsrpt')).toEqual([
      { store_code: 'S7', sku: 'MLK-200-24', report_date: iso(3), qty_sold: 7, on_hand: null },
      { store_code: 'S7', sku: 'MLK-LF250-24', report_date: iso(3), qty_sold: 5, on_hand: null },
    ]);
    expect(await stored('edifact-invrpt')).toEqual([
      { store_code: 'S7', sku: 'MLK-LF250-24', report_date: iso(1), qty_sold: null, on_hand: 40 },
      { store_code: 'S8', sku: 'MLK-LF250-24', report_date: iso(1), qty_sold: null, on_hand: 15 },
    ]);
  });

  it('another dealer cannot post the partner’s reports, and orders still go to the order intake', async () => {
    const other = (await issueToken(t.store, { kind: 'dealer', dealerCode: 'D002' })).token;
    const res = await t.app.inject({ method: 'POST', url: '/v1/edi', headers: { ...bearer(other), 'content-type': 'application/edi-x12' }, payload: x12(852003, [`XQ*H*${compact(8)}*${compact(2)}`, 'LIN**VN*MLK-250-24', 'ZA*QS*5*EA']) });
    expect(res.statusCode).toBe(403);
    const order = edifact('OR1', [['UNH+1+ORDERS:D:96A:UN:EAN008', 'BGM+220+PO-ST-1+9', `DTM+137:${compact(0)}:102`, 'LIN+1++4000862141404:SRV', 'QTY+21:24']]);
    const placed = await send(order, 'application/edifact');
    expect(placed.json().interchanges[0].documents[0].documentType).toBe('ORDERS');
  });
});
