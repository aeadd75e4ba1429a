/**
 * EDI transport end to end (issue 7): an 850 posted to /v1/edi → 997 and 855 in the partner's
 * outbox folder with our increasing control numbers; an order held for region → 855 line
 * rejected with the reason; the order shipped → 856 with lots; a partner endpoint that fails,
 * then recovers; inbox files → done/ or failed/ with a report; a file whose worker died → taken
 * over. Real folders under a temp dir, a real HTTP server, the real store (PGlite and PostgreSQL).
 */
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyTrackingEvent } from '../../src/delivery/tracking.js';
import { lockOrder, transitionOrder } from '../../src/orders/transition.js';
import { parseX12 } from '../../src/edi/x12/envelope.js';
import { readEdifact } from '../../src/edi/edifact/envelope.js';
import { orderingSettings } from '../../src/api/v1/orders.js';
import { configSchema } from '../../src/core/config/schema.js';
import { approveHeldOrder } from '../../src/orders/decide-held.js';
import { bearer } from '../support/app.js';
import { storeDrivers } from '../support/store.js';
import { createEdiApp, isa13, nodeX12, read, segmentsOf, waitForFiles, type EdiApp } from './support/edi-app.js';

const STORE_GLN = '6901234000017';
const CS_GLN = '6901234000024';
const HQ_GLN = '6901234000000';
const OUR_GLN = '6900000000001';

function x12(o: { control: number; po: string; sender?: string; shipTo?: string; lines: Array<{ qty: number; id: string }> }): string {
  const pad = (s: string, n: number) => s.padEnd(n, ' ');
  const control = String(o.control).padStart(9, '0');
  const isa = ['ISA', '00', pad('', 10), '00', pad('', 10), 'ZZ', pad(o.sender ?? 'CHAINA', 15), 'ZZ', pad('DEALERHUB', 15), '261124', '1200', 'U', '00401', control, '0', 'P', '>'].join('*');
  const body = [
    'ST*850*0001',
    `BEG*00*SA*${o.po}**20261124`,
    `N1*ST*Store*UL*${o.shipTo ?? STORE_GLN}`,
    ...o.lines.map((l, i) => `PO1*${i + 1}*${l.qty}*CA*2.30**UP*${l.id}`),
    `CTT*${o.lines.length}`,
  ];
  body.push(`SE*${body.length + 1}*0001`);
  return [isa, `GS*PO*${o.sender ?? 'CHAINA'}*DEALERHUB*20261124*1200*${o.control}*X*004010`, ...body, `GE*1*${o.control}`, `IEA*1*${control}`].join('~\n') + '~\n';
}

describe.each(storeDrivers())('EDI transport on %s', (driver) => {
  let t: EdiApp;
  let dir: string;
  let out: string;
  let inbox: string;
  let server: Server;
  const received: Array<{ name: string; auth: string | undefined; body: string }> = [];
  let failuresLeft = 2;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'edi-transport-'));
    out = join(dir, 'out');
    inbox = join(dir, 'in');
    await mkdir(inbox, { recursive: true });
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          res.writeHead(503).end('down for maintenance');
          return;
        }
        received.push({ name: String(req.headers['x-edi-file-name']), auth: req.headers.authorization, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(202).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const xref = { '00012345600012': 'MLK-250-24', '00012345600029': 'MLK-200-24' };
    t = await createEdiApp(driver, {
      delivery: { backoffMs: 100, maxBackoffMs: 300, quickRetries: 0 },
      edi: {
        partners: [
          {
            id: 'chain-a', dealer: 'D001', x12: { senderIds: [{ qualifier: 'ZZ', id: 'CHAINA' }] }, edifact: { senderIds: [{ qualifier: '14', id: HQ_GLN }] },
            shipTos: { [STORE_GLN]: 'D001-NS', [CS_GLN]: 'D001-CS' }, items: { xref },
            outbound: { folder: out, x12: { senderId: 'DEALERHUB' }, edifact: { sender: { id: OUR_GLN, qualifier: '14' } } },
            inbox: { folder: inbox },
          },
          {
            id: 'chain-b', dealer: 'D001', x12: { senderIds: [{ qualifier: 'ZZ', id: 'CHAINB' }] }, shipTos: { [STORE_GLN]: 'D001-NS' }, items: { xref },
            outbound: { endpoint: { url: `http://127.0.0.1:${port}/edi`, token: 'partner-secret' }, send: { ack: true, orderResponse: true, shipNotice: false }, x12: { senderId: 'DEALERHUB' } },
          },
        ],
      },
    });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => server?.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  const post = (payload: string) => t.app.inject({ method: 'POST', url: '/v1/edi', headers: { ...bearer(t.token), 'content-type': 'application/edi-x12' }, payload });
  let shippedOrder = '';
  let heldOrder = '';

  it('answers an 850 with a 997 and an 855 in the outbox folder, with increasing control numbers', async () => {
    const response = await post(x12({ control: 501, po: 'TR-PO-1', lines: [{ qty: 48, id: '00012345600012' }, { qty: 24, id: '00012345600029' }] }));
    expect(response.statusCode, response.body).toBe(201);
    const order = response.json().interchanges[0].documents[0].order;
    shippedOrder = order.id;
    const names = await waitForFiles(out, /^chain-a_/, 2);
    expect(names).toEqual(['chain-a_855_000000002.x12', 'chain-a_997_000000001.x12']);

    const text997 = await read(out, 'chain-a_997_000000001.x12');
    const ack = nodeX12(text997);
    expect(isa13(text997)).toBe('000000001');
    expect(ack.header.elements[7]!.value.trim()).toBe('CHAINA'); // ISA08: the partner who sent it
    expect(segmentsOf(ack)).toEqual([['AK1', 'PO', '501'], ['AK2', '850', '0001'], ['AK5', 'A'], ['AK9', 'A', '1', '1', '1']]);

    const text855 = await read(out, 'chain-a_855_000000002.x12');
    expect(parseX12(text855).warnings).toEqual([]);
    const ack855 = nodeX12(text855);
    expect(isa13(text855)).toBe('000000002');
    const segs = segmentsOf(ack855);
    expect(segs[0]!.slice(0, 4)).toEqual(['BAK', '00', 'AD', 'TR-PO-1']);
    expect(segs[0]![8]).toBe(order.number);
    expect(segs.filter((s) => s[0] === 'ACK')).toEqual([['ACK', 'IA', '48', 'CA'], ['ACK', 'IA', '24', 'CA']]);
    // Nothing else was written beside the two files (temp files are renamed away).
    expect(await waitForFiles(out, /./, 2)).toHaveLength(2);
  });

  it('rejects every 855 line with the reason when the order is held for region', async () => {
    const response = await post(x12({ control: 502, po: 'TR-PO-2', shipTo: CS_GLN, lines: [{ qty: 24, id: '00012345600012' }] }));
    expect(response.statusCode).toBe(201);
    expect(response.json().interchanges[0].documents[0].order.status).toBe('held');
    heldOrder = response.json().interchanges[0].documents[0].order.id;
    await waitForFiles(out, /^chain-a_855_/, 2);
    const segs = segmentsOf(nodeX12(await read(out, 'chain-a_855_000000004.x12')));
    expect(segs[0]!.slice(0, 4)).toEqual(['BAK', '00', 'RD', 'TR-PO-2']);
    expect(segs.find((s) => s[0] === 'ACK')).toEqual(['ACK', 'IR', '0', 'CA']);
    expect(segs.find((s) => s[0] === 'MSG')![1]).toMatch(/region/i);
    const counters = await t.testStore.store.query<{ kind: string; last_value: string }>(`SELECT kind, last_value::text FROM edi_control_numbers WHERE partner = 'chain-a' ORDER BY kind`);
    expect(counters.rows).toEqual([{ kind: 'x12.gs', last_value: '4' }, { kind: 'x12.isa', last_value: '4' }, { kind: 'x12.st', last_value: '4' }]);
  });

  it('answers a person\'s approval of the held order with a new 855 accepting the lines', async () => {
    await approveHeldOrder(t.testStore.store, heldOrder, 'admin:test', 'authorised by sales', orderingSettings(configSchema.parse({})), new Date());
    const { rows } = await t.testStore.store.query<{ file_name: string; content: string }>(
      `SELECT file_name, content FROM edi_outbound WHERE order_id = $1 AND document_type = '855' ORDER BY id`,
      [heldOrder],
    );
    expect(rows.map((r) => r.file_name)).toEqual(['chain-a_855_000000004.x12', 'chain-a_855_000000005.x12']);
    const segs = segmentsOf(nodeX12(rows[1]!.content));
    expect(segs[0]!.slice(0, 4)).toEqual(['BAK', '00', 'AD', 'TR-PO-2']);
    expect(segs.find((s) => s[0] === 'ACK')).toEqual(['ACK', 'IA', '24', 'CA']);
  });

  it('writes an 856 with carrier, tracking number and lots when the order ships', async () => {
    const { store } = t.testStore;
    await store.tx(async (q) => {
      const o = await lockOrder(q, shippedOrder, null);
      await transitionOrder(q, o, 'released', 'test', 'erp');
      await transitionOrder(q, { ...o, status: 'released' }, 'confirmed', 'test', 'erp');
    });
    const { rows: [order] } = await store.query<{ number: string }>(`SELECT number FROM orders WHERE id = $1`, [shippedOrder]);
    await store.tx((q) => applyTrackingEvent(q, { connector: 'tms', source: 'webhook', now: new Date() }, { reference: order!.number, carrier: 'SF', trackingNumber: 'SF1234567', status: 'picked_up', rawStatus: 'picked_up', occurredAt: new Date(Date.UTC(2026, 10, 25, 3, 30)) }));
    // The TMS webhook route kicks the relay after its commit; here the test does.
    await t.jobs.enqueue('delivery.relay', { trigger: 'test' });
    const [name] = await waitForFiles(out, /^chain-a_856_/, 1);
    expect(name).toBe('chain-a_856_000000006.x12');
    const segs = segmentsOf(nodeX12(await read(out, name!)));
    expect(segs[0]!.slice(0, 4)).toEqual(['BSN', '00', order!.number, '20261125']);
    expect(segs).toContainEqual(['TD5', 'B', '2', 'SF']);
    expect(segs).toContainEqual(['REF', 'CN', 'SF1234567']);
    expect(segs).toContainEqual(['PRF', 'TR-PO-1', '', '', '20261124']);
    // Per lot: LIN with LT and SN1 with the consumed reservation's quantity.
    const { rows: lots } = await store.query<{ line_no: number; lot: string; qty: number }>(
      `SELECT ol.line_no, l.lot, r.qty FROM reservations r JOIN order_lines ol ON ol.id = r.order_line_id JOIN stock_lots l ON l.id = r.stock_lot_id
        WHERE ol.order_id = $1 AND r.status = 'consumed' AND NOT ol.is_gift ORDER BY ol.line_no, l.expiry_date, l.lot`,
      [shippedOrder],
    );
    expect(lots.length).toBeGreaterThan(0);
    const lins = segs.filter((s) => s[0] === 'LIN');
    const sn1 = segs.filter((s) => s[0] === 'SN1').map((s) => Number(s[2]));
    expect(lins.map((s) => s[s.length - 1])).toEqual(lots.map((l) => l.lot));
    expect(sn1).toEqual(lots.map((l) => l.qty));
    expect(sn1.reduce((a, b) => a + b, 0)).toBe(72);
    expect(segs[segs.length - 1]).toEqual(['CTT', String(lots.length), '72']);
  });

  it('posts to the partner endpoint, retrying while it fails, in control number order', async () => {
    const response = await post(x12({ control: 601, po: 'TR-PO-B1', sender: 'CHAINB', lines: [{ qty: 24, id: '00012345600012' }] }));
    expect(response.statusCode).toBe(201);
    const deadline = Date.now() + 20_000;
    while (received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(failuresLeft).toBe(0);
    expect(received.map((r) => r.name)).toEqual(['chain-b_997_000000001.x12', 'chain-b_855_000000002.x12']);
    expect(received.every((r) => r.auth === 'Bearer partner-secret')).toBe(true);
    expect(segmentsOf(nodeX12(received[1]!.body))[0]!.slice(0, 4)).toEqual(['BAK', '00', 'AD', 'TR-PO-B1']);
    const outbox = () =>
      t.testStore.store.query<{ status: string; attempts: number }>(`SELECT o.status, o.attempts FROM outbox o WHERE o.target = 'edi' AND o.aggregate_id = 'chain-b' ORDER BY o.id`);
    let { rows } = await outbox();
    // The server has answered; the outcome is recorded just after.
    while (rows.some((r) => r.status !== 'delivered') && Date.now() < deadline) ({ rows } = await (new Promise((r) => setTimeout(r, 50)).then(outbox)));
    expect(rows.map((r) => r.status)).toEqual(['delivered', 'delivered']);
    expect(rows[0]!.attempts).toBe(3);
  });

  it('takes an inbox file through the intake into done/ with a report naming the order', async () => {
    await writeFile(join(inbox, 'po-701.edi'), x12({ control: 701, po: 'TR-PO-IN1', lines: [{ qty: 24, id: '00012345600012' }] }));
    await t.jobs.enqueue('edi.inbox', { partner: 'chain-a' });
    await waitForFiles(join(inbox, 'done'), /^po-701\.edi/, 2);
    const report = JSON.parse(await read(join(inbox, 'done'), 'po-701.edi.report.json'));
    const { rows } = await t.testStore.store.query<{ number: string }>(`SELECT number FROM orders WHERE external_ref = 'TR-PO-IN1'`);
    expect(rows).toHaveLength(1);
    expect(report).toMatchObject({ status: 'done', partner: 'chain-a', summary: { created: 1, failed: 0 }, interchanges: [{ controlNumber: '000000701', documents: [{ poNumber: 'TR-PO-IN1', status: 'created', order: { number: rows[0]!.number } }] }] });
    // Its 997 and 855 follow like those of a posted interchange.
    await waitForFiles(out, /^chain-a_(997|855)_/, 6);
  });

  it('moves an invalid file to failed/ with a report naming the segment and position', async () => {
    const broken = x12({ control: 702, po: 'TR-PO-IN2', lines: [{ qty: 24, id: '00012345600012' }] }).replace('IEA*1*', 'IEA*2*');
    await writeFile(join(inbox, 'broken.edi'), broken);
    await t.jobs.enqueue('edi.inbox', { partner: 'chain-a' });
    await waitForFiles(join(inbox, 'failed'), /^broken\.edi/, 2);
    const report = JSON.parse(await read(join(inbox, 'failed'), 'broken.edi.report.json'));
    expect(report).toMatchObject({ status: 'failed', error: { code: 'edi_envelope', position: { tag: 'IEA', segment: 10, element: 1 } } });
    expect(report.error.message).toMatch(/IEA/);
    expect((await t.testStore.store.query(`SELECT 1 FROM orders WHERE external_ref = 'TR-PO-IN2'`)).rows).toHaveLength(0);
    // …and the partner gets a TA1 rejecting the interchange (TA105 021: wrong number of groups).
    const [ta1] = await waitForFiles(out, /^chain-a_TA1_/, 1);
    const ic = parseX12(await read(out, ta1!)).interchanges[0]!;
    expect(ic.groups).toEqual([]);
    expect(ic.serviceSegments.map((s) => s.elements)).toEqual([['TA1', '000000702', '261124', '1200', 'R', '021']]);
  });

  it('takes over a file whose worker died half-way, without placing its order twice', async () => {
    const text = x12({ control: 703, po: 'TR-PO-IN3', lines: [{ qty: 24, id: '00012345600012' }] });
    const sha = createHash('sha256').update(text).digest('hex');
    const { store } = t.testStore;
    // What a worker stopped mid-file leaves: the file claimed, its interchange still processing.
    await store.query(`INSERT INTO edi_inbox_files (partner, sha256, file_name, status, started_at) VALUES ('chain-a', $1, 'po-703.edi', 'processing', now() - interval '1 hour')`, [sha]);
    await store.query(`INSERT INTO edi_interchanges (partner, standard, direction, control_number, status) VALUES ('chain-a', 'x12', 'in', '000000703', 'processing')`);
    await writeFile(join(inbox, 'po-703.edi'), text);
    await t.jobs.enqueue('edi.inbox', { partner: 'chain-a' });
    await waitForFiles(join(inbox, 'done'), /^po-703\.edi/, 2);
    const report = JSON.parse(await read(join(inbox, 'done'), 'po-703.edi.report.json'));
    expect(report).toMatchObject({ status: 'done', resumed: true, summary: { created: 1 } });
    // The same content dropped again is not taken in a second time.
    await writeFile(join(inbox, 'po-703-again.edi'), text);
    await t.jobs.enqueue('edi.inbox', { partner: 'chain-a' });
    await waitForFiles(join(inbox, 'done'), /^po-703-again\.edi/, 2);
    const again = JSON.parse(await readFile(join(inbox, 'done', 'po-703-again.edi.report.json'), 'utf8'));
    expect(again.handledBefore).toBe(report.handledAt);
    expect((await store.query(`SELECT 1 FROM orders WHERE external_ref = 'TR-PO-IN3'`)).rows).toHaveLength(1);
  });

  it('answers an EDIFACT ORDERS with CONTRL and ORDRSP under our own UNB/UNH references', async () => {
    const msg = ['UNH+1+ORDERS:D:96A:UN:EAN008', 'BGM+220+TR-PO-E1+9', 'DTM+137:20261124:102', `NAD+BY+${HQ_GLN}::9`, `NAD+DP+${STORE_GLN}::9`, 'LIN+1++00012345600012:SRV', 'QTY+21:24', 'UNS+S', 'CNT+2:1', 'UNT+10+1'];
    const body = ["UNA:+.? '", `UNB+UNOC:3+${HQ_GLN}:14+DEALERHUB:ZZZ+261124:1200+E77`, ...msg, 'UNZ+1+E77'].map((x) => (x.startsWith('UNA') ? x : `${x}'`)).join('');
    const response = await t.app.inject({ method: 'POST', url: '/v1/edi', headers: { ...bearer(t.token), 'content-type': 'application/edifact' }, payload: body });
    expect(response.statusCode, response.body).toBe(201);
    const names = await waitForFiles(out, /\.edi$/, 2);
    expect(names).toEqual(['chain-a_CONTRL_000000001.edi', 'chain-a_ORDRSP_000000002.edi']);
    const [contrl] = readEdifact(Buffer.from(await read(out, names[0]!), 'latin1'));
    expect([contrl!.sender, contrl!.receiver, contrl!.controlRef]).toEqual([OUR_GLN, HQ_GLN, '1']);
    const uci = contrl!.messages[0]!.segments.find((x) => x.tag === 'UCI')!;
    expect(uci.elements[1]![0]).toBe('E77');
    expect(uci.elements[4]![0]).toBe('7');
    const [ordrsp] = readEdifact(Buffer.from(await read(out, names[1]!), 'latin1'));
    const segs = ordrsp!.messages[0]!.segments;
    expect(segs.find((x) => x.tag === 'BGM')!.elements[3]![0]).toBe('29');
    expect(segs.find((x) => x.tag === 'RFF')!.elements[1]).toEqual(['ON', 'TR-PO-E1']);
    expect(segs.find((x) => x.tag === 'LIN')!.elements[2]![0]).toBe('5');
  });
});
