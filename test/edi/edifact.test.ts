import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readEdifact, type ReadOptions } from '../../src/edi/edifact/envelope.js';
import { readEdifactOrders } from '../../src/edi/edifact/orders.js';
import { EdiError } from '../../src/edi/types.js';

const here = dirname(fileURLToPath(import.meta.url));
const LOCAL = resolve(here, '../fixtures/edifact');
const SHARED = resolve(here, '../../../shared/fixtures/edifact');
const sharedPresent = existsSync(SHARED);

function fails(input: Uint8Array | string, options?: ReadOptions, orders = false): EdiError {
  try {
    if (orders) readEdifactOrders(input, options);
    else readEdifact(input, options);
  } catch (e) {
    if (e instanceof EdiError) return e;
    throw e;
  }
  throw new Error('expected an EdiError');
}

/** A minimal interchange around message bodies, with correct control counts. */
function interchange(bodies: string[], opts: { una?: string; syntax?: string; ref?: string } = {}): string {
  const ref = opts.ref ?? 'IC1';
  const msgs = bodies.map((b, i) => {
    const segs = b.split("'").filter(Boolean);
    return `UNH+M${i + 1}+ORDERS:D:96A:UN:EAN008'${segs.map((s) => `${s}'`).join('')}UNT+${segs.length + 2}+M${i + 1}'`;
  });
  return `${opts.una ?? ''}UNB+${opts.syntax ?? 'UNOA:3'}+SENDER:14+RECEIVER:14+240101:1200+${ref}'${msgs.join('')}UNZ+${bodies.length}+${ref}'`;
}

describe('EDIFACT envelope: delimiters', () => {
  it('uses the defaults :+.? \' without UNA and reads the UNB header', () => {
    const [ic] = readEdifact(interchange(["BGM+220+PO1+9'"]));
    expect(ic!.una).toBe(false);
    expect(ic!.delimiters).toEqual({ component: ':', element: '+', decimal: '.', release: '?', repetition: null, segment: "'" });
    expect(ic).toMatchObject({ syntaxId: 'UNOA', syntaxVersion: '3', sender: 'SENDER', senderQualifier: '14', receiver: 'RECEIVER', date: '240101', time: '1200', controlRef: 'IC1' });
    expect(ic!.messages[0]!.segments.map((s) => s.tag)).toEqual(['UNH', 'BGM', 'UNT']);
  });

  it('reads every UNA position, including release and repetition', () => {
    const text = "UNA=*,\\^~UNB*UNOA=4*S*R*240101=1200*1~UNH*1*ORDERS=D=03B=UN~FTX*AAA***a\\*b\\=c\\~d\\\\e~COM*x=TE^y=FX~UNT*4*1~UNZ*1*1~";
    const [ic] = readEdifact(text);
    expect(ic!.delimiters).toEqual({ component: '=', element: '*', decimal: ',', release: '\\', repetition: '^', segment: '~' });
    const [, ftx, com] = ic!.messages[0]!.segments;
    expect(ftx!.elements[4]).toEqual(['a*b=c~d\\e']);
    expect(com!.elements[1]).toEqual(['x', 'TE']);
    expect(com!.repeats?.[1]).toEqual([
      ['x', 'TE'],
      ['y', 'FX'],
    ]);
  });

  it('treats a space in the UNA release position as "no release character"', () => {
    const [ic] = readEdifact("UNA:+.  'UNB+UNOA:3+S+R+240101:1200+1'UNH+1+X:D:96A:UN'FTX+AAA+++what?'UNT+3+1'UNZ+1+1'");
    expect(ic!.delimiters.release).toBeNull();
    expect(ic!.messages[0]!.segments[1]!.elements[4]).toEqual(['what?']);
  });

  it('defaults the repetition separator to * in syntax version 4 without UNA', () => {
    const [ic] = readEdifact(interchange(["COM+a:TE*b:FX'"], { syntax: 'UNOA:4' }));
    expect(ic!.delimiters.repetition).toBe('*');
    expect(ic!.messages[0]!.segments[1]!.repeats?.[1]).toHaveLength(2);
  });

  it('tolerates a BOM, junk before UNB, CRLF, indentation and hard-wrapped lines', () => {
    const body = "\uFEFF#### banner ####\r\nUNB+UNOA:3+S+R+240101:1200+1'\r\n    UNH+1+ORDERS:D:96A:UN'\r\n  BGM+220+P\r\nO1+9'DTM+137:2024\n0101:102'\r\nUNT+4+1'\nUNZ+1+1'\r\n";
    const [ic] = readEdifact(Buffer.from(body, 'utf8'));
    const segs = ic!.messages[0]!.segments;
    expect(segs[1]!.elements[2]).toEqual(['PO1']);
    expect(segs[2]!.elements[1]).toEqual(['137', '20240101', '102']);
    expect(segs.map((s) => s.index)).toEqual([2, 3, 4, 5]);
  });

  it('rejects a UNA whose delimiters collide', () => {
    expect(fails("UNA::.? 'UNB:UNOA").code).toBe('EDIFACT_BAD_UNA');
  });
});

describe('EDIFACT envelope: character sets', () => {
  const withName = (syntax: string, name: Buffer) =>
    Buffer.concat([Buffer.from(`UNB+${syntax}:3+S+R+240101:1200+1'UNH+1+INVOIC:D:96A:UN'NAD+SE+++`), name, Buffer.from("'UNT+3+1'UNZ+1+1'")]);
  const name = (b: Buffer, syntax: string) => readEdifact(withName(syntax, b))[0]!.messages[0]!.segments[1]!.elements[4]![0];

  it.each([
    ['UNOC', Buffer.from([0x4d, 0xfc, 0x6e, 0x63, 0x68, 0x65, 0x6e]), 'München'],
    ['UNOD', Buffer.from([0xb1, 0xe6, 0xea]), 'ąćę'],
    ['UNOE', Buffer.from([0xc0, 0xeb, 0xd1, 0xd0]), 'Рыба'],
    ['UNOW', Buffer.from('Kühlhaus 北京', 'utf8'), 'Kühlhaus 北京'],
    ['UNOY', Buffer.from('Ελλάδα', 'utf8'), 'Ελλάδα'],
  ])('%s decodes values with its character set', (syntax, bytes, expected) => {
    expect(name(bytes, syntax)).toBe(expected);
  });

  it('reads UTF-8 bytes under a single-byte declaration as UTF-8 and says so', () => {
    const [ic] = readEdifact(withName('UNOA', Buffer.from('München', 'utf8')));
    expect(ic!.charset).toBe('utf-8');
    expect(ic!.declaredCharset).toBe('latin1');
    expect(ic!.messages[0]!.segments[1]!.elements[4]![0]).toBe('München');
  });

  it('rejects an unknown syntax identifier with its position', () => {
    const err = fails(withName('KECA', Buffer.from('x')));
    expect(err.code).toBe('EDIFACT_UNKNOWN_SYNTAX');
    expect(err.position).toEqual({ segment: 1, tag: 'UNB', element: 1 });
  });
});

describe('EDIFACT envelope: structure and control checks', () => {
  it('reads several interchanges in one file', () => {
    const ics = readEdifact(`${interchange(["BGM+220+A+9'"], { ref: 'A' })}\r\n${interchange(["BGM+220+B+9'", "BGM+220+C+9'"], { ref: 'B' })}\n`);
    expect(ics.map((i) => [i.controlRef, i.messages.length])).toEqual([
      ['A', 1],
      ['B', 2],
    ]);
  });

  it('reads UNG/UNE groups and counts groups in UNZ', () => {
    const text = "UNB+UNOA:3+S+R+240101:1200+9'UNG+ORDERS+S+R+240101:1200+G1+UN+D:96A'UNH+1+ORDERS:D:96A:UN'BGM+220+P+9'UNT+3+1'UNH+2+ORDERS:D:96A:UN'BGM+220+Q+9'UNT+3+2'UNE+2+G1'UNZ+1+9'";
    const [ic] = readEdifact(text);
    expect(ic!.groups).toMatchObject([{ ref: 'G1', functionalId: 'ORDERS', messageCount: 2 }]);
    expect(ic!.messages.map((m) => m.group?.ref)).toEqual(['G1', 'G1']);
    expect(fails(text.replace('UNE+2+G1', 'UNE+1+G1')).code).toBe('EDIFACT_UNE_COUNT');
    expect(fails(text.replace('UNE+2+G1', 'UNE+2+G2')).code).toBe('EDIFACT_UNE_REFERENCE');
    expect(fails(text.replace('UNZ+1+9', 'UNZ+2+9')).code).toBe('EDIFACT_UNZ_COUNT');
  });

  it.each([
    ['UNT count', (t: string) => t.replace('UNT+3+M1', 'UNT+4+M1'), 'EDIFACT_UNT_COUNT', 'UNT'],
    ['UNT reference', (t: string) => t.replace('UNT+3+M1', 'UNT+3+M9'), 'EDIFACT_UNT_REFERENCE', 'UNT'],
    ['UNZ count', (t: string) => t.replace('UNZ+1+IC1', 'UNZ+2+IC1'), 'EDIFACT_UNZ_COUNT', 'UNZ'],
    ['UNZ reference', (t: string) => t.replace('UNZ+1+IC1', 'UNZ+1+IC2'), 'EDIFACT_UNZ_REFERENCE', 'UNZ'],
    ['missing UNZ', (t: string) => t.replace("UNZ+1+IC1'", ''), 'EDIFACT_MISSING_UNZ', 'UNT'],
    ['missing UNT', (t: string) => t.replace("UNT+3+M1'", ''), 'EDIFACT_MISSING_UNT', 'UNZ'],
    ['segment outside a message', (t: string) => t.replace("UNZ+", "FTX+AAA'UNZ+"), 'EDIFACT_SEGMENT_OUTSIDE_MESSAGE', 'FTX'],
    ['no terminator at the end', (t: string) => t.slice(0, -1), 'EDIFACT_UNTERMINATED_SEGMENT', 'UNZ'],
    ['trailing junk after UNZ', (t: string) => `${t}garbage`, 'EDIFACT_TRAILING_DATA', null],
  ])('rejects %s with code and position', (_name, mutate, code, tag) => {
    const err = fails(mutate(interchange(["BGM+220+PO1+9'"])));
    expect(err.code).toBe(code);
    expect(err.position?.tag ?? null).toBe(tag);
  });

  it('records control mismatches as warnings under controls: warn', () => {
    const [ic] = readEdifact(interchange(["BGM+220+PO1+9'"]).replace('UNT+3+M1', 'UNT+7+M1'), { controls: 'warn' });
    expect(ic!.warnings.map((w) => [w.code, w.position])).toEqual([['EDIFACT_UNT_COUNT', { segment: 4, tag: 'UNT', element: 1 }]]);
  });

  it('checks segment shapes: component counts, code lengths, numeric values', () => {
    expect(fails(interchange(["IMD+F++:::a:b:c:d'"])).code).toBe('EDIFACT_TOO_MANY_COMPONENTS');
    expect(fails(interchange(["NAD+BYZZ+1::9'"])).position).toEqual({ segment: 3, tag: 'NAD', element: 1 });
    expect(fails(interchange(["LIN+1++X:EN'QTY+21:12A'"])).code).toBe('EDIFACT_NOT_NUMERIC');
    expect(readEdifact(interchange(["PRI+AAA:12,50'"]), { validateSegments: true })).toHaveLength(1);
  });

  it('reads the released delimiters of the php-edifact PAORES sample', () => {
    const path = resolve(SHARED, 'phpedifact_PAORES_escaped_release_char.edi');
    if (!existsSync(path)) return void console.warn(`skipped: ${path} absent`);
    const [ic] = readEdifact(readFileSync(path), { controls: 'warn' });
    const ift = ic!.messages[0]!.segments.filter((s) => s.tag === 'IFT').map((s) => s.elements.slice(2));
    expect(ift).toEqual([
      [['XYZCOMPANY AVAILABILITY']],
      [['NO MORE FLIGHTS 1']],
      [['NO MORE FLIGHTS 2?']],
      [["NO MORE ' FLIGHTS 3"]],
      [['NO MORE ? FLIGHTS 3']],
      [["NO MORE ?' FLIGHTS 3"]],
      [['FIELD 1'], ['FIELD 2']],
      [['FIELD 1?'], ['FIELD 2']],
      [['FIELD 1?+FIELD 2']],
      [['FIELD 1.1', 'FIELD 1.2']],
      [['FIELD 1.1?', 'FIELD 1.2']],
      [['FIELD 1.1?:FIELD 1.2']],
    ]);
  });

  it('decodes the Apache/MIT fixtures with their character sets', () => {
    const recadv = readEdifact(readFileSync(resolve(LOCAL, 'smooks_RECADV_D01B_EAN007_chinese_utf8.edi')))[0]!;
    expect(recadv.messages[0]!.segments.find((s) => s.tag === 'NAD' && s.elements[1]![0] === 'DP')!.elements[4]).toEqual(['报文测试天津有限公司']);
    const wrapped = readEdifact(readFileSync(resolve(LOCAL, 'staedi_INVOIC_D97B_custom_una_wrapped_15col.edi')))[0]!;
    expect([wrapped.syntaxId, wrapped.receiver, wrapped.controlRef, wrapped.messages[0]!.segments.length]).toEqual(['UNOA', '006415160', '00000000000778', 24]);
  });
});

describe('EDIFACT ORDERS → PurchaseOrder', () => {
  it('maps header, parties, lines, prices with decimal comma, line dates and CNT', () => {
    const [po] = readEdifactOrders(
      interchange([
        "BGM+220+PO-77+5'DTM+137:20240301:102'DTM+2:202403151030:203'CUX+2:EUR:9'NAD+BY+4012345000009::9'NAD+DP+4012345000016::9++Lager Nord'NAD+SU+4000001000005::9'" +
          "LIN+1++4000862141404:EN'PIA+1+ART-1:SA+B-9:BP'QTY+21:12,5:KGM'PRI+AAA:3,25'DTM+2:20240320:102'" +
          "LIN+2++4000862141411:EN'QTY+21:4'PRI+AAB:10.00'UNS+S'CNT+2:2'",
      ]),
    );
    expect(po).toEqual({
      syntax: 'edifact',
      documentType: 'ORDERS',
      version: 'D96A',
      poNumber: 'PO-77',
      purpose: 'change',
      purposeCode: '5',
      orderDate: '2024-03-01',
      requestedDate: '2024-03-15T10:30',
      currency: 'EUR',
      parties: [
        { role: 'BY', idQualifier: '9', id: '4012345000009', name: null },
        { role: 'DP', idQualifier: '9', id: '4012345000016', name: 'Lager Nord' },
        { role: 'SU', idQualifier: '9', id: '4000001000005', name: null },
      ],
      lines: [
        { lineNo: '1', items: [{ qualifier: 'EN', id: '4000862141404' }, { qualifier: 'SA', id: 'ART-1' }, { qualifier: 'BP', id: 'B-9' }], qty: 12.5, unit: 'KGM', unitPrice: '3.25', requestedDate: '2024-03-20' },
        { lineNo: '2', items: [{ qualifier: 'EN', id: '4000862141411' }], qty: 4, unit: null, unitPrice: '10.00', requestedDate: null },
      ],
      control: { interchange: 'IC1', group: null, transaction: 'M1', sender: 'SENDER', receiver: 'RECEIVER' },
      position: { segment: 2, tag: 'UNH' },
    });
  });

  it.each([
    ['9', 'original'],
    ['1', 'cancel'],
    ['4', 'change'],
    ['5', 'change'],
    ['29', 'other'],
  ])('BGM 1225 %s is %s', (code, purpose) => {
    const [po] = readEdifactOrders(interchange([`BGM+220+P+${code}'LIN+1++X:EN'QTY+21:1'`]));
    expect([po!.purpose, po!.purposeCode]).toEqual([purpose, code]);
  });

  it.each([
    ['a CNT+2 that miscounts lines', "LIN+1++X:EN'QTY+21:1'UNS+S'CNT+2:3'", 'EDIFACT_CNT_MISMATCH', 'CNT'],
    ['a line without QTY', "LIN+1++X:EN'PRI+AAA:1'", 'EDIFACT_MISSING_QTY', 'LIN'],
    ['an impossible date', "DTM+2:20241301:102'", 'EDIFACT_BAD_DATE', 'DTM'],
    ['an unsupported date format', "DTM+2:2024:602'", 'EDIFACT_DATE_FORMAT', 'DTM'],
    ['36 header DTMs', "DTM+137:20240101:102'".repeat(36), 'EDIFACT_SEGMENT_REPEAT', 'DTM'],
  ])('rejects %s', (_name, body, code, tag) => {
    const err = fails(interchange([`BGM+220+P+9'${body}`]), {}, true);
    expect([err.code, err.position?.tag]).toEqual([code, tag]);
  });

  it('rejects the smooks too-many-DTM sample at the 36th header DTM when controls only warn', () => {
    const err = fails(readFileSync(resolve(LOCAL, 'smooks_ORDERS_D03B_INVALID_too_many_DTM.edi')), { controls: 'warn' }, true);
    expect([err.code, err.position]).toEqual(['EDIFACT_SEGMENT_REPEAT', { segment: 39, tag: 'DTM' }]);
  });

  it('maps the smooks D03B syntax-4 order (QTY+1, ISBN items, CNT+2:4)', () => {
    const [po] = readEdifactOrders(readFileSync(resolve(LOCAL, 'smooks_ORDERS_D03B_EAN008_syntax4_repetition.edi')));
    expect(po).toMatchObject({ version: 'D03B', poNumber: 'BKOD99', purpose: 'original', orderDate: '2005-11-07', control: { interchange: '6002', transaction: 'SSDD1', sender: 'APPLICATION', receiver: 'COMPANY' } });
    expect(po!.lines.map((l) => [l.lineNo, l.items[0]!.id, l.items[0]!.qualifier, l.qty])).toEqual([
      ['1', '0764569104', 'IB', 25],
      ['2', '0764569090', 'IB', 25],
      ['3', '1861004656', 'IB', 16],
      ['4', '0596006756', 'IB', 10],
    ]);
  });

  it('maps the staedi EANCOM order inside a UNG group (its UNT miscounts, so controls warn)', () => {
    const [po] = readEdifactOrders(readFileSync(resolve(LOCAL, 'staedi_ORDERS_EANCOM_D96B_with_UNG_group.edi')), { controls: 'warn' });
    expect(po).toMatchObject({
      version: 'D96B',
      poNumber: 'C1441747',
      purpose: 'original',
      purposeCode: '',
      orderDate: '2001-05-02T22:00',
      parties: [
        { role: 'BY', idQualifier: '9', id: '5400110000009', name: null },
        { role: 'SU', idQualifier: '9', id: '5013546107732', name: 'COMPANY ABC' },
      ],
      lines: [{ lineNo: '1', items: [{ qualifier: 'EN', id: '5400111864181' }, { qualifier: 'BP', id: '8641800' }], qty: 288, unit: null, unitPrice: '12.80', requestedDate: null }],
      control: { interchange: '2722166169492', group: '1', transaction: '1' },
    });
  });

  describe.skipIf(!sharedPresent)('GPL/LGPL samples read from ../shared/fixtures/edifact', () => {
    it('the 146-line German wholesale order (php-edifact, D01B EAN010)', () => {
      const pos = readEdifactOrders(readFileSync(resolve(SHARED, 'phpedifact_ORDERS_D01B_EAN010_146_lines_german_wholesale.edi')));
      expect(pos).toHaveLength(1);
      const po = pos[0]!;
      expect(po).toMatchObject({
        version: 'D01B',
        poNumber: '2019265563',
        purpose: 'original',
        purposeCode: '9',
        orderDate: '2018-12-05',
        requestedDate: '2018-12-06',
        currency: null,
        control: { interchange: '896', group: null, transaction: '2019265563', sender: '4250159300001', receiver: 'unbekannt' },
      });
      // "A?+A" is a released '+'; the ü was already U+FFFD in the partner's (UTF-8) bytes.
      expect(po.parties).toEqual([
        { role: 'BY', idQualifier: '9', id: '4250159300001', name: 'A+A K\uFFFDlte GmbH' },
        { role: 'SU', idQualifier: '9', id: '4399901760448', name: 'FooBar GmbH & Co. KG' },
        { role: 'DP', idQualifier: '9', id: '4250159399005', name: 'A+A K\uFFFDlte GmbH' },
      ]);
      expect(po.lines).toHaveLength(146);
      expect(po.lines[0]).toEqual({ lineNo: '1', items: [{ qualifier: 'SA', id: '1001' }, { qualifier: 'IN', id: '6001001' }], qty: 2, unit: 'GBND', unitPrice: null, requestedDate: null });
      expect(po.lines[72]).toEqual({ lineNo: '73', items: [{ qualifier: 'SA', id: '6675' }, { qualifier: 'IN', id: '6006675' }], qty: 3, unit: 'PACK', unitPrice: null, requestedDate: null });
      expect(po.lines[145]).toMatchObject({ lineNo: '146', items: [{ qualifier: 'SA', id: '983253' }, { qualifier: 'IN', id: '6983253' }], qty: 2, unit: 'GBND' });
      expect(po.lines.reduce((n, l) => n + l.qty, 0)).toBe(454);
      const units: Record<string, number> = {};
      for (const l of po.lines) units[l.unit!] = (units[l.unit!] ?? 0) + 1;
      expect(units).toEqual({ GBND: 96, PACK: 26, STK: 16, BTL: 4, EIM: 3, SCHA: 1 });
    });

    it('the 12-message SAP order file (bots, D96A EAN008)', () => {
      const pos = readEdifactOrders(readFileSync(resolve(SHARED, 'bots_ORDERS_D96A_EAN008_12_messages_from_sap.edi')));
      expect(pos).toHaveLength(12);
      expect(pos.map((p) => p.control.transaction)).toEqual(['107', '108', '109', '110', '111', '112', '113', '114', '115', '116', '117', '118']);
      expect(pos.reduce((n, p) => n + p.lines.length, 0)).toBe(18);
      expect(pos[0]).toMatchObject({
        poNumber: '4200000064',
        purpose: 'original',
        purposeCode: '',
        orderDate: '2007-09-10',
        requestedDate: '2007-10-12',
        parties: [
          { role: 'BY', idQualifier: '9', id: '0001' },
          { role: 'SU', idQualifier: '9', id: '8710934000008' },
          { role: 'DP', idQualifier: '9', id: '0007' },
        ],
        lines: [
          { lineNo: '10', items: [{ qualifier: 'IN', id: '10000029' }], qty: 13 },
          { lineNo: '20', items: [{ qualifier: 'IN', id: '10000026' }], qty: 25 },
        ],
        control: { interchange: '2', sender: 'HID032', receiver: '0000088333' },
      });
      expect(pos[11]).toMatchObject({ poNumber: '4200006016', orderDate: '2007-09-07', requestedDate: '2007-09-10', lines: [{ lineNo: '10', items: [{ qualifier: 'IN', id: '82102002' }], qty: 2 }] });
    });

    it('the 24-interchange order file (bots): one PO per interchange, 203 dates', () => {
      const pos = readEdifactOrders(readFileSync(resolve(SHARED, 'bots_ORDERS_D96A_EAN008_24_interchanges.edi')));
      expect(pos).toHaveLength(24);
      expect(new Set(pos.map((p) => p.control.interchange)).size).toBe(24);
      expect(pos[0]).toMatchObject({
        poNumber: '123',
        orderDate: '1997-09-11T15:00',
        requestedDate: '1997-08-30T12:00',
        lines: [
          { lineNo: '1', items: [{ qualifier: 'EN', id: '8712345004002' }], qty: 50 },
          { lineNo: '2', items: [{ qualifier: 'EN', id: '8712345005009' }], qty: 10 },
          { lineNo: '3', items: [{ qualifier: 'EN', id: '8712345006006' }], qty: 5 },
        ],
      });
    });
  });
});
