/**
 * Whole-interchange refusals sent to the partner (issue 7): a CONTRL with UCI 4 and the syntax
 * error (with UCM/UCS/UCD where the fault lies in a message) for a broken EDIFACT envelope; a
 * TA1 025 (X12) and a CONTRL UCI 4 / 26 (EDIFACT) for a duplicate interchange, posted or dropped
 * in the inbox folder; nothing for a partner with `send.ack` off or an unknown sender, and never
 * an order. Real folders, the real store (PGlite and PostgreSQL), re-read by node-x12 and our
 * EDIFACT reader (node-x12 does not read a TA1 outside a functional group).
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEdifact } from '../../src/edi/edifact/envelope.js';
import { edifactRejection } from '../../src/edi/transport/edifact-rejection.js';
import { EdiError } from '../../src/edi/types.js';
import { parseX12 } from '../../src/edi/x12/envelope.js';
import { bearer } from '../support/app.js';
import { storeDrivers } from '../support/store.js';
import { createEdiApp, read, waitForFiles, type EdiApp } from './support/edi-app.js';

const STORE_GLN = '6901234000017';
const HQ_GLN = '6901234000000';
const QUIET_GLN = '6901234000093';
const OUR_GLN = '6900000000001';
const XREF = { '00012345600012': 'MLK-250-24' };
/** Delivered files only: the relay's temp files (".<name>.<pid>.tmp") are renamed away. */
const CONTRL_FILE = /^chain-a_CONTRL_\d{9}\.edi$/;
const X12_FILE = /^chain-a_\w+_\d{9}\.x12$/;

function x12(o: { control: number; po: string; sender?: string }): string {
  const pad = (s: string, n: number) => s.padEnd(n, ' ');
  const control = String(o.control).padStart(9, '0');
  const sender = o.sender ?? 'CHAINA';
  const isa = ['ISA', '00', pad('', 10), '00', pad('', 10), 'ZZ', pad(sender, 15), 'ZZ', pad('DEALERHUB', 15), '261124', '1200', 'U', '00401', control, '0', 'P', '>'].join('*');
  const body = ['ST*850*0001', `BEG*00*SA*${o.po}**20261124`, `N1*ST*Store*UL*${STORE_GLN}`, 'PO1*1*24*CA*2.30**UP*00012345600012', 'CTT*1'];
  body.push(`SE*${body.length + 1}*0001`);
  return [isa, `GS*PO*${sender}*DEALERHUB*20261124*1200*${o.control}*X*004010`, ...body, `GE*1*${o.control}`, `IEA*1*${control}`].join('~\n') + '~\n';
}

/** One ORDERS in one interchange; the overrides break one control at a time. UNB = segment 1, UNH = 2, BGM = 3, UNT = 11. */
function edifact(o: { ref: string; po: string; sender?: string; syntax?: string; unzCount?: string; untCount?: string; untRef?: string; bgm?: string }): string {
  const msg = [
    'UNH+1+ORDERS:D:96A:UN:EAN008', `${o.bgm ?? 'BGM'}+220+${o.po}+9`, 'DTM+137:20261124:102', `NAD+BY+${HQ_GLN}::9`, `NAD+DP+${STORE_GLN}::9`,
    'LIN+1++00012345600012:SRV', 'QTY+21:24', 'UNS+S', 'CNT+2:1', `UNT+${o.untCount ?? '10'}+${o.untRef ?? '1'}`,
  ];
  const unb = `UNB+${o.syntax ?? 'UNOC'}:3+${o.sender ?? HQ_GLN}:14+DEALERHUB:ZZZ+261124:1200+${o.ref}`;
  return ["UNA:+.? '", unb, ...msg, `UNZ+${o.unzCount ?? '1'}+${o.ref}`].map((x) => (x.startsWith('UNA') ? x : `${x}'`)).join('');
}

describe.each(storeDrivers())('EDI interchange refusals on %s', (driver) => {
  let t: EdiApp;
  let dir: string;
  let out: string;
  let quiet: string;
  let inbox: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'edi-rejections-'));
    out = join(dir, 'out');
    quiet = join(dir, 'quiet');
    inbox = join(dir, 'in');
    await mkdir(inbox, { recursive: true });
    t = await createEdiApp(driver, {
      delivery: { backoffMs: 100, maxBackoffMs: 300, quickRetries: 0 },
      edi: {
        partners: [
          {
            id: 'chain-a', dealer: 'D001', x12: { senderIds: [{ qualifier: 'ZZ', id: 'CHAINA' }] }, edifact: { senderIds: [{ qualifier: '14', id: HQ_GLN }] },
            shipTos: { [STORE_GLN]: 'D001-NS' }, items: { xref: XREF },
            // Acknowledgements only, so every file in the folder is an acknowledgement or a refusal.
            outbound: { folder: out, send: { ack: true, orderResponse: false, shipNotice: false }, x12: { senderId: 'DEALERHUB' }, edifact: { sender: { id: OUR_GLN, qualifier: '14' } } },
            inbox: { folder: inbox },
          },
          {
            id: 'chain-q', dealer: 'D001', x12: { senderIds: [{ qualifier: 'ZZ', id: 'CHAINQ' }] }, edifact: { senderIds: [{ qualifier: '14', id: QUIET_GLN }] },
            shipTos: { [STORE_GLN]: 'D001-NS' }, items: { xref: XREF },
            outbound: { folder: quiet, send: { ack: false, orderResponse: true, shipNotice: false }, x12: { senderId: 'DEALERHUB' }, edifact: { sender: { id: OUR_GLN, qualifier: '14' } } },
          },
        ],
      },
    });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const post = (payload: string, type = 'application/edifact') => t.app.inject({ method: 'POST', url: '/v1/edi', headers: { ...bearer(t.token), 'content-type': type }, payload });
  const orders = async (po: string) => (await t.testStore.store.query(`SELECT 1 FROM orders WHERE external_ref = $1`, [po])).rows.length;
  const outbound = async (partner: string) =>
    (await t.testStore.store.query<{ file_name: string; inbound_interchange: string }>(`SELECT file_name, inbound_interchange FROM edi_outbound WHERE partner = $1 ORDER BY id`, [partner])).rows;
  /** The CONTRL's service segments as [tag, ...elements], each element's components joined by ':'. */
  const contrl = async (name: string) => {
    const [ic] = readEdifact(Buffer.from(await read(out, name), 'latin1'));
    expect([ic!.sender, ic!.receiver]).toEqual([OUR_GLN, HQ_GLN]);
    const msg = ic!.messages[0]!;
    expect([msg.type, msg.version, msg.release, msg.agency]).toEqual(['CONTRL', 'D', '3', 'UN']);
    return { controlRef: ic!.controlRef, segments: msg.segments.slice(1, -1).map((s) => [s.tag, ...s.elements.slice(1).map((e) => e.join(':'))]) };
  };

  it('rejects an EDIFACT interchange whose UNZ count is wrong with CONTRL UCI 4 / 29 at UNZ element 1', async () => {
    const response = await post(edifact({ ref: 'E1', po: 'RJ-E1', unzCount: '2' }));
    expect(response.statusCode).toBe(422);
    expect(response.json().error).toMatchObject({ code: 'edi_envelope', details: { ediCode: 'EDIFACT_UNZ_COUNT' } });
    const [name] = await waitForFiles(out, CONTRL_FILE, 1);
    expect(name).toBe('chain-a_CONTRL_000000001.edi');
    const c = await contrl(name!);
    expect(c.controlRef).toBe('1');
    expect(c.segments).toEqual([['UCI', 'E1', `${HQ_GLN}:14`, 'DEALERHUB:ZZZ', '4', '29', 'UNZ', '1']]);
    expect(await orders('RJ-E1')).toBe(0);
    expect(await outbound('chain-a')).toEqual([{ file_name: name, inbound_interchange: 'E1' }]);
  });

  it('names the message for a wrong UNT count or reference (UCM 4 with UNT and the element)', async () => {
    expect((await post(edifact({ ref: 'E2', po: 'RJ-E2', untCount: '9' }))).statusCode).toBe(422);
    expect((await post(edifact({ ref: 'E3', po: 'RJ-E3', untRef: '7' }))).statusCode).toBe(422);
    const names = await waitForFiles(out, CONTRL_FILE, 3);
    expect(names.slice(1)).toEqual(['chain-a_CONTRL_000000002.edi', 'chain-a_CONTRL_000000003.edi']);
    const count = await contrl(names[1]!);
    expect(count.controlRef).toBe('2');
    expect(count.segments).toEqual([
      ['UCI', 'E2', `${HQ_GLN}:14`, 'DEALERHUB:ZZZ', '4', '29'],
      ['UCM', '1', 'ORDERS:D:96A:UN:EAN008', '4', '29', 'UNT', '1'],
    ]);
    const ref = await contrl(names[2]!);
    expect(ref.segments[1]).toEqual(['UCM', '1', 'ORDERS:D:96A:UN:EAN008', '4', '28', 'UNT', '2']);
    expect((await orders('RJ-E2')) + (await orders('RJ-E3'))).toBe(0);
  });

  it('points at the segment in the message body (UCS) and at the UNB syntax identifier', async () => {
    expect((await post(edifact({ ref: 'E4', po: 'RJ-E4', bgm: 'bgm' }))).statusCode).toBe(422);
    expect((await post(edifact({ ref: 'E5', po: 'RJ-E5', syntax: 'UNOZ' }))).statusCode).toBe(422);
    const names = await waitForFiles(out, CONTRL_FILE, 5);
    const body = await contrl(names[3]!);
    // BGM is the message's 2nd segment (UNH = 1); 12 invalid value.
    expect(body.segments).toEqual([
      ['UCI', 'E4', `${HQ_GLN}:14`, 'DEALERHUB:ZZZ', '4', '12'],
      ['UCM', '1', 'ORDERS:D:96A:UN:EAN008', '4', '12'],
      ['UCS', '2', '12'],
    ]);
    const syntax = await contrl(names[4]!);
    // 2: syntax level not supported, in UNB element 1 (S001).
    expect(syntax.segments).toEqual([['UCI', 'E5', `${HQ_GLN}:14`, 'DEALERHUB:ZZZ', '4', '2', 'UNB', '1']]);
    expect(syntax.controlRef).toBe('5');
  });

  it('sends nothing for a broken envelope from a partner with acknowledgements off, or from an unknown sender', async () => {
    expect((await post(edifact({ ref: 'Q1', po: 'RJ-Q1', sender: QUIET_GLN, unzCount: '3' }))).statusCode).toBe(422);
    expect((await post(edifact({ ref: 'U1', po: 'RJ-U1', sender: '6909999999999', unzCount: '3' }))).statusCode).toBe(422);
    expect(await outbound('chain-q')).toEqual([]);
    expect((await outbound('chain-a')).length).toBe(5);
    const { rows } = await t.testStore.store.query<{ partner: string; kind: string; last_value: string }>(`SELECT partner, kind, last_value::text FROM edi_control_numbers ORDER BY partner, kind`);
    expect(rows).toEqual([{ partner: 'chain-a', kind: 'edifact.unb', last_value: '5' }, { partner: 'chain-a', kind: 'edifact.unh', last_value: '5' }]);
  });

  it('answers a duplicate X12 interchange (409) with a TA1 R 025 and creates nothing', async () => {
    const first = await post(x12({ control: 801, po: 'RJ-X1' }), 'application/edi-x12');
    expect(first.statusCode, first.body).toBe(201);
    // The same control number again, with another PO: refused whole.
    const again = await post(x12({ control: 801, po: 'RJ-X2' }), 'application/edi-x12');
    expect(again.statusCode).toBe(409);
    expect(again.json().summary).toMatchObject({ duplicates: 1, created: 0 });
    const names = await waitForFiles(out, X12_FILE, 2);
    expect(names).toEqual(['chain-a_997_000000001.x12', 'chain-a_TA1_000000002.x12']);
    const text = await read(out, names[1]!);
    const ic = parseX12(text).interchanges[0]!;
    expect(ic.controlNumber).toBe('000000002');
    expect(ic.groups).toEqual([]);
    expect(ic.serviceSegments.map((s) => s.elements)).toEqual([['TA1', '000000801', '261124', '1200', 'R', '025']]);
    // node-x12 refuses any TA1 outside a functional group (where X12 puts it), so our reader
    // checks the envelope: IEA01 0 groups, IEA02 = ISA13.
    expect(text).toMatch(/IEA\*0\*000000002~\s*$/);
    expect(await orders('RJ-X1')).toBe(1);
    expect(await orders('RJ-X2')).toBe(0);
  });

  it('answers a duplicate EDIFACT interchange (409) with CONTRL UCI 4 / 26', async () => {
    expect((await post(edifact({ ref: 'D1', po: 'RJ-D1' }))).statusCode).toBe(201);
    const again = await post(edifact({ ref: 'D1', po: 'RJ-D2' }));
    expect(again.statusCode).toBe(409);
    const names = await waitForFiles(out, CONTRL_FILE, 7);
    expect(names.slice(5)).toEqual(['chain-a_CONTRL_000000006.edi', 'chain-a_CONTRL_000000007.edi']);
    expect((await contrl(names[5]!)).segments[0]).toEqual(['UCI', 'D1', `${HQ_GLN}:14`, 'DEALERHUB:ZZZ', '7']);
    const dup = await contrl(names[6]!);
    expect(dup).toEqual({ controlRef: '7', segments: [['UCI', 'D1', `${HQ_GLN}:14`, 'DEALERHUB:ZZZ', '4', '26']] });
    expect(await orders('RJ-D1')).toBe(1);
    expect(await orders('RJ-D2')).toBe(0);
  });

  it('sends no duplicate notice to a partner with acknowledgements off', async () => {
    expect((await post(x12({ control: 901, po: 'RJ-Q2', sender: 'CHAINQ' }), 'application/edi-x12')).statusCode).toBe(201);
    expect((await post(x12({ control: 901, po: 'RJ-Q3', sender: 'CHAINQ' }), 'application/edi-x12')).statusCode).toBe(409);
    // Only the 855 of the first interchange (order responses are on).
    expect((await outbound('chain-q')).map((r) => r.file_name)).toEqual(['chain-q_855_000000001.x12']);
    expect(await orders('RJ-Q3')).toBe(0);
  });

  it('answers a duplicate dropped in the inbox folder with a TA1 025 and moves the file to failed/', async () => {
    await writeFile(join(inbox, 'dup-801.edi'), x12({ control: 801, po: 'RJ-X3' }));
    await t.jobs.enqueue('edi.inbox', { partner: 'chain-a' });
    await waitForFiles(join(inbox, 'failed'), /^dup-801\.edi/, 2);
    const report = JSON.parse(await read(join(inbox, 'failed'), 'dup-801.edi.report.json'));
    expect(report).toMatchObject({ status: 'failed', summary: { duplicates: 1, created: 0 }, interchanges: [{ controlNumber: '000000801', status: 'duplicate' }] });
    const names = await waitForFiles(out, X12_FILE, 3);
    expect(names[2]).toBe('chain-a_TA1_000000003.x12');
    expect(parseX12(await read(out, names[2]!)).interchanges[0]!.serviceSegments[0]!.elements).toEqual(['TA1', '000000801', '261124', '1200', 'R', '025']);
    expect(await orders('RJ-X3')).toBe(0);
    // Every document went out through the outbox, in the order written.
    expect((await readdir(out)).filter((n) => !n.startsWith('.')).length).toBe(10);
  });

  it('sends no refusal for an interchange a resumed inbox file finished before its worker died', async () => {
    const text = x12({ control: 802, po: 'RJ-X4' });
    const sha = createHash('sha256').update(text).digest('hex');
    const { store } = t.testStore;
    // The dead worker had finished the interchange (and sent its 997) but not the file.
    await store.query(`INSERT INTO edi_inbox_files (partner, sha256, file_name, status, started_at) VALUES ('chain-a', $1, 'po-802.edi', 'processing', now() - interval '1 hour')`, [sha]);
    await store.query(`INSERT INTO edi_interchanges (partner, standard, direction, control_number, status, received_at) VALUES ('chain-a', 'x12', 'in', '000000802', 'processed', now())`);
    await writeFile(join(inbox, 'po-802.edi'), text);
    await t.jobs.enqueue('edi.inbox', { partner: 'chain-a' });
    await waitForFiles(join(inbox, 'done'), /^po-802\.edi/, 2);
    const report = JSON.parse(await read(join(inbox, 'done'), 'po-802.edi.report.json'));
    expect(report).toMatchObject({ status: 'done', resumed: true, interchanges: [{ controlNumber: '000000802', status: 'duplicate' }] });
    expect((await outbound('chain-a')).filter((r) => r.inbound_interchange === '000000802')).toEqual([]);
    expect(await orders('RJ-X4')).toBe(0);
  });
});

/** What the real reader throws for `text`, fed to the CONTRL builder: the scanner must count segments as the reader does. */
function rejectionOf(text: string) {
  const body = Buffer.from(text, 'latin1');
  let error: unknown;
  try {
    readEdifact(body);
  } catch (e) {
    error = e;
  }
  if (!(error instanceof EdiError)) throw new Error(`the reader accepted ${JSON.stringify(text.slice(0, 40))}`);
  const found = edifactRejection(body, error.code, error.position);
  return found && { controlRef: found.unb.controlRef, errorCode: found.received.errorCode, serviceSegment: found.received.serviceSegment, messages: found.received.messages.map((m) => ({ ref: m.ref, errorCode: m.errorCode, serviceSegment: m.serviceSegment, segmentErrors: m.segmentErrors })) };
}

describe('CONTRL input for a broken EDIFACT envelope (pure)', () => {
  const good = edifact({ ref: 'G1', po: 'P1' });
  it.each([
    {
      what: 'a message with no UNT: the open message, 13 at UNT',
      text: good.replace("UNT+10+1'", ''),
      want: { controlRef: 'G1', errorCode: '13', serviceSegment: undefined, messages: [{ ref: '1', errorCode: '13', serviceSegment: { tag: 'UNT' }, segmentErrors: undefined }] },
    },
    {
      what: 'the second interchange of a file, wrapped in CRLF lines after junk',
      text: `junk\r\n${good.replaceAll("'", "'\r\n")}${edifact({ ref: 'G2', po: 'P2', unzCount: '4' }).replaceAll("'", "'\r\n")}`,
      want: { controlRef: 'G2', errorCode: '29', serviceSegment: { tag: 'UNZ', element: 1 }, messages: [] },
    },
    {
      what: 'a released delimiter in a value and a bad segment in the body',
      text: edifact({ ref: 'G3', po: 'P?+3', bgm: 'bgm' }),
      want: { controlRef: 'G3', errorCode: '12', serviceSegment: undefined, messages: [{ ref: '1', errorCode: '12', serviceSegment: undefined, segmentErrors: [{ position: 2, errorCode: '12', elements: undefined }] }] },
    },
    {
      what: 'UNH without its reference: an interchange-level answer (no UCM can name it)',
      text: good.replace('UNH+1+', 'UNH++'),
      want: { controlRef: 'G1', errorCode: '13', serviceSegment: undefined, messages: [] },
    },
  ])('$what', ({ text, want }) => {
    expect(rejectionOf(text)).toEqual(want);
  });

  it('gives nothing to answer when no UNB sender and reference can be read', () => {
    expect(rejectionOf("UNA:+.? 'UNB+UNOC:3++DEALERHUB:ZZZ+261124:1200'")).toBeNull();
  });
});
