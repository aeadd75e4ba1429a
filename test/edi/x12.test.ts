import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EdiError } from '../../src/edi/types.js';
import { components, el, parseX12, repetitions, type X12ParseOptions } from '../../src/edi/x12/envelope.js';
import { purchaseOrdersFromX12 } from '../../src/edi/x12/850.js';

const here = dirname(fileURLToPath(import.meta.url));
const copied = (f: string) => readFileSync(resolve(here, '../fixtures/x12', f));
const sharedDir = resolve(here, '../../../shared/fixtures/x12');

/** A well-formed ISA (106 chars) with the given version, ISA11, ISA13, ISA16 and terminator. */
function isa({ version = '00401', isa11 = 'U', control = '000000001', comp = '>', term = '~', sep = '*' } = {}) {
  const e = ['ISA', '00', ' '.repeat(10), '00', ' '.repeat(10), 'ZZ', 'SENDER'.padEnd(15), 'ZZ', 'RECEIVER'.padEnd(15), '240101', '1200', isa11, version, control, '0', 'P', comp];
  return e.join(sep) + term;
}

function doc(body: string[], { isaOpts = {}, gs06 = '7', ge = ['1', '7'], iea = ['1', '000000001'] }: { isaOpts?: Parameters<typeof isa>[0]; gs06?: string; ge?: string[]; iea?: string[] } = {}) {
  return [isa(isaOpts) + `GS*PO*S*R*20240101*1200*${gs06}*X*004010`, ...body, `GE*${ge.join('*')}`, `IEA*${iea.join('*')}`].join('~\n') + '~\n';
}

const PO = ['ST*850*0001', 'BEG*00*SA*PO-1**20240115', 'PO1*1*2*EA*9.5**UP*012345678905', 'CTT*1', 'SE*5*0001'];

function errorOf(text: string | Uint8Array, options?: X12ParseOptions): EdiError {
  try {
    parseX12(text, options);
  } catch (e) {
    if (e instanceof EdiError) return e;
    throw e;
  }
  throw new Error('expected an EdiError');
}

describe('X12 envelope', () => {
  it('reads delimiters from the ISA: element, component, terminator; repetition only from 00402 on', () => {
    const a = parseX12(doc(PO)).interchanges[0]!;
    expect(a.delimiters).toEqual({ element: '*', component: '>', repetition: null, segment: '~' });
    const b = parseX12(doc(PO, { isaOpts: { version: '00501', isa11: '^', comp: ':' } })).interchanges[0]!;
    expect(b.delimiters).toEqual({ element: '*', component: ':', repetition: '^', segment: '~' });
    expect(repetitions('A^B:C', b.delimiters)).toEqual(['A', 'B:C']);
    expect(components('B:C', b.delimiters)).toEqual(['B', 'C']);
  });

  it('uses different delimiters per interchange in one file', () => {
    const one = doc(PO);
    const two = doc(PO, { isaOpts: { sep: '|', term: "'" } }).replace(/\*/g, '|').replace(/~\n/g, "'");
    const parsed = parseX12(one + two);
    expect(parsed.interchanges.map((i) => [i.delimiters.element, i.delimiters.segment])).toEqual([['*', '~'], ['|', "'"]]);
    expect(parsed.interchanges[1]!.groups[0]!.sets[0]!.segments.map((s) => s.elements[0])).toEqual(['ST', 'BEG', 'PO1', 'CTT', 'SE']);
  });

  it('tolerates BOM, leading junk, blanks/tabs after terminators and hard-wrapped lines (ISA included)', () => {
    const flat = doc(PO).replace(/\n/g, '');
    const wrapped = flat.match(/.{1,80}/g)!.join('\r\n');
    const messy = '\ufeffjunk line\r\n' + wrapped.replace(/~/g, '~ \t');
    const d = parseX12(messy);
    const set = d.interchanges[0]!.groups[0]!.sets[0]!;
    expect(set.segments.map((s) => s.elements.join('*'))).toEqual(PO);
    expect(d.warnings.map((w) => w.code)).toContain('X12_JUNK_IGNORED');
  });

  it('accepts a newline as segment terminator (CR, LF or CRLF)', () => {
    const text = doc(PO).replace(/~\n?/g, '\r\n');
    expect(parseX12(text).interchanges[0]!.delimiters.segment).toBe('\n');
    expect(parseX12(text).interchanges[0]!.groups[0]!.sets[0]!.segments).toHaveLength(5);
  });

  it('keeps ISB/ISE between ISA and GS as service segments', () => {
    const text = doc(PO).replace('GS*', 'ISB*1~\nISE*200601*0515*04~\nGS*');
    expect(parseX12(text).interchanges[0]!.serviceSegments.map((s) => el(s, 0))).toEqual(['ISB', 'ISE']);
  });

  it.each([
    ['SE01 wrong', 'X12_SE_COUNT', 7, 'SE', 1, doc(PO.map((s) => s.replace('SE*5', 'SE*6')))],
    ['SE02 ≠ ST02', 'X12_SE_CONTROL', 7, 'SE', 2, doc(PO.map((s) => s.replace('SE*5*0001', 'SE*5*0002')))],
    ['GE01 wrong', 'X12_GE_COUNT', 8, 'GE', 1, doc(PO, { ge: ['2', '7'] })],
    ['GE02 ≠ GS06', 'X12_GE_CONTROL', 8, 'GE', 2, doc(PO, { ge: ['1', '8'] })],
    ['IEA01 wrong', 'X12_IEA_COUNT', 9, 'IEA', 1, doc(PO, { iea: ['2', '000000001'] })],
    ['IEA02 ≠ ISA13', 'X12_IEA_CONTROL', 9, 'IEA', 2, doc(PO, { iea: ['1', '000000002'] })],
    ['SE missing', 'X12_MISSING_SE', 7, 'GE', undefined, doc(PO.slice(0, 4))],
    ['ST outside GS', 'X12_MISSING_GS', 2, 'ST', undefined, isa() + 'ST*850*0001~SE*2*0001~IEA*0*000000001~'],
    ['bad tag', 'X12_BAD_SEGMENT_TAG', 4, 'beg', undefined, doc(['ST*850*0001', 'beg*00', 'SE*3*0001'])],
    ['non-numeric SE01', 'X12_ELEMENT_TYPE', 7, 'SE', 1, doc(PO.map((s) => s.replace('SE*5', 'SE*X')))],
  ])('%s → %s at segment %i %s', (_name, code, segment, tag, element, text) => {
    const err = errorOf(text);
    expect(err.code).toBe(code);
    expect(err.position).toEqual(element ? { segment, tag, element } : { segment, tag });
    expect(err.message).toContain(`segment ${segment} ${tag}`);
  });

  it('reports a missing IEA at end of input', () => {
    const text = doc(PO).replace(/IEA\*.*$/s, '');
    expect(errorOf(text).code).toBe('X12_MISSING_IEA');
  });

  it('can downgrade control-number mismatches to warnings, never count mismatches', () => {
    const d = parseX12(doc(PO, { iea: ['1', '000000002'] }), { controlNumbers: 'warn' });
    expect(d.warnings.map((w) => w.code)).toEqual(['X12_IEA_CONTROL']);
    expect(errorOf(doc(PO, { iea: ['2', '000000001'] }), { controlNumbers: 'warn' }).code).toBe('X12_IEA_COUNT');
  });

  it('rejects EBCDIC, UTF-16 and non-X12 input clearly', () => {
    const ebcdic = Uint8Array.from([0xc9, 0xe2, 0xc1, 0x5c, 0xf0, 0xf0, 0x5c]);
    expect(errorOf(ebcdic).code).toBe('X12_UNSUPPORTED_ENCODING');
    expect(errorOf(ebcdic).message).toMatch(/EBCDIC/);
    expect(errorOf(Buffer.from('\ufeffISA*00', 'utf16le')).code).toBe('X12_UNSUPPORTED_ENCODING');
    expect(errorOf('UNB+UNOA:1+X+Y\'').code).toBe('X12_NO_ISA');
  });

  it('decodes a multi-byte UTF-8 terminator and falls back to Latin-1', () => {
    const utf8 = Buffer.from(doc(PO).replace(/~/g, '…'), 'utf8');
    expect(parseX12(utf8).interchanges[0]!.delimiters.segment).toBe('…');
    const latin = Buffer.from(doc(['ST*850*0001', 'BEG*00*SA*PÖ-1**20240115', 'SE*3*0001']), 'latin1');
    expect(el(parseX12(latin).interchanges[0]!.groups[0]!.sets[0]!.segments[1]!, 3)).toBe('PÖ-1');
  });
});

describe('X12 850 → PurchaseOrder', () => {
  it.each([
    ['00', 'original'],
    ['01', 'cancel'],
    ['04', 'change'],
    ['05', 'other'],
  ])('BEG01 %s → %s', (code, purpose) => {
    const [r] = purchaseOrdersFromX12(parseX12(doc(PO.map((s) => s.replace('BEG*00', `BEG*${code}`)))));
    expect(r!.order.purpose).toBe(purpose);
    expect(r!.order.purposeCode).toBe(code);
  });

  it('CTT01 mismatch is a warning, not an error', () => {
    const [r] = purchaseOrdersFromX12(parseX12(doc(PO.map((s) => s.replace('CTT*1', 'CTT*3')))));
    expect(r!.order.lines).toHaveLength(1);
    expect(r!.warnings).toEqual([{ code: 'X12_850_CTT_MISMATCH', message: 'CTT01 says 3 line items, found 1 PO1', position: { segment: 6, tag: 'CTT', element: 1 } }]);
  });

  it('rejects a missing PO number or a non-numeric quantity with the position', () => {
    const noPo = doc(PO.map((s) => s.replace('PO-1', '')));
    expect(() => purchaseOrdersFromX12(parseX12(noPo))).toThrowError(/BEG03.*segment 4 BEG, element 3/);
    const badQty = doc(PO.map((s) => s.replace('PO1*1*2', 'PO1*1*two')));
    expect(() => purchaseOrdersFromX12(parseX12(badQty))).toThrowError(/PO102.*segment 5 PO1, element 2/);
  });

  it('node-x12 850 004010VICS (tilde + LF)', () => {
    const [r, ...rest] = purchaseOrdersFromX12(parseX12(copied('node-x12_850_004010VICS_tilde_lf.edi')));
    expect(rest).toHaveLength(0);
    const o = r!.order;
    expect(o).toMatchObject({
      syntax: 'x12', documentType: '850', version: '004010VICS', poNumber: '08292233294', purpose: 'original', purposeCode: '00',
      orderDate: '2010-11-27', requestedDate: '2010-12-14', currency: null,
      parties: [{ role: 'ST', idQualifier: '9', id: '0003947268292', name: 'XYZ RETAIL' }],
      control: { interchange: '000003438', group: '1421', transaction: '000000010', sender: '4405197800', receiver: '999999999' },
      position: { segment: 3, tag: 'ST' },
    });
    expect(o.lines).toHaveLength(6);
    expect(o.lines[0]).toEqual({
      lineNo: '1', qty: 120, unit: 'EA', unitPrice: '9.25', requestedDate: null,
      items: [{ qualifier: 'CB', id: '065322-117' }, { qualifier: 'PR', id: 'RO' }, { qualifier: 'VN', id: 'AB3542' }],
    });
    expect(o.lines[5]).toMatchObject({ lineNo: '6', qty: 696, unitPrice: '9.55' });
    expect(r!.warnings).toEqual([]);
  });

  it('Stedi 850 005010 drop-ship (GS*OW)', () => {
    const [r] = purchaseOrdersFromX12(parseX12(copied('stedi_850_005010_dropship_GS_OW.edi')));
    expect(r!.order).toMatchObject({
      version: '005010', poNumber: '365465413', purpose: 'original', orderDate: '2022-08-30',
      parties: [{ role: 'ST', idQualifier: '92', id: '123', name: 'Wile E Coyote' }],
      lines: [
        { lineNo: 'item-1', qty: 8, unit: 'EA', unitPrice: '400', items: [{ qualifier: 'VC', id: 'VND1234567' }, { qualifier: 'SK', id: 'ACM/8900-400' }] },
        { lineNo: 'item-2', qty: 4, unit: 'EA', unitPrice: '125', items: [{ qualifier: 'VC', id: 'VND000111222' }, { qualifier: 'SK', id: 'ACM/1100-001' }] },
      ],
    });
  });

  it('EDI.Net 850 (BOM, NBSP-padded ISA, tab-indented; IEA02 wrong in the source → lenient mode)', () => {
    const [r] = purchaseOrdersFromX12(parseX12(copied('edinet_850_004010_bom_tab_indented.edi'), { controlNumbers: 'warn' }));
    const o = r!.order;
    expect(o).toMatchObject({ poNumber: '4600000406', orderDate: '2014-07-24', currency: 'USD', control: { sender: '000123456', receiver: 'TEST2' } });
    expect(o.parties.map((p) => [p.role, p.idQualifier, p.id])).toEqual([
      ['ST', '92', 'T100'], ['Z7', '92', '4600'], ['BT', null, null], ['BY', '92', '1500'], ['SU', '92', '0000600396'],
    ]);
    expect(o.lines.map((l) => [l.lineNo, l.qty, l.unit, l.unitPrice, l.items[0]!.id])).toEqual([
      ['000100001', 2500, 'YD', '2.53', 'A_QU001-BLK'],
      ['000200001', 2000, 'YD', '3.41', 'A_QF001-BLK'],
      ['000200002', 1000, 'YD', '3.41', 'A_QF001-RED'],
    ]);
  });

  it.skipIf(!existsSync(sharedDir))('bots 850 hard-wrapped at 80 columns (GPL, read from ../shared only)', () => {
    const rs = purchaseOrdersFromX12(parseX12(readFileSync(resolve(sharedDir, 'bots_850_004010_wrapped_80col_lf.x12'))));
    expect(rs.map((r) => r.order.poNumber)).toEqual(['801104', 'PONUM-1234567']);
    const o = rs[0]!.order;
    expect(o).toMatchObject({ currency: 'USD', orderDate: '2005-07-18', control: { interchange: '000000010', group: '8', transaction: '0007' } });
    expect(o.parties.map((p) => [p.role, p.name])).toEqual([['ST', 'THERMA TRU INDIANA DOOR'], ['BT', 'THERMA TRU INDIANA DOOR'], ['VN', 'Supplier Name']]);
    expect(o.lines).toEqual([
      { lineNo: '0001', qty: 8, unit: 'CR', unitPrice: '0', requestedDate: '2005-08-03', items: [{ qualifier: 'BP', id: 'MPDGART' }] },
      { lineNo: '0002', qty: 1, unit: 'CR', unitPrice: '0', requestedDate: '2005-08-03', items: [{ qualifier: 'BP', id: 'MPDGSBOS' }] },
      { lineNo: '0003', qty: 80, unit: 'EA', unitPrice: '0', requestedDate: '2005-08-11', items: [{ qualifier: 'BP', id: 'MPTS112374-1C' }] },
    ]);
  });
});
