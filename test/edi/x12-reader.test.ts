/**
 * The X12 reader's fast paths (issue 7, benchmark): segments kept as table rows and split on
 * demand, and the PO1 decoder that reads lines straight from the text. Each must give exactly what
 * the plain path gives: the oracle is the same decoder over plain `{ index, elements }` segments,
 * which takes the generic route.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EdiError } from '../../src/edi/types.js';
import { purchaseOrderFrom850, purchaseOrdersFromX12 } from '../../src/edi/x12/850.js';
import { parseX12, type X12TransactionSet } from '../../src/edi/x12/envelope.js';

const ISA = 'ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*U*00401*000000001*0*P*>';

/** One interchange, one group, one 850 with `body` between BEG and CTT; counts right. */
function interchange(body: string[], { term = '~\n' } = {}): string {
  const set = ['ST*850*0001', 'BEG*00*SA*PO-7**20240115', ...body, `CTT*${body.filter((s) => s.startsWith('PO1')).length}`];
  set.push(`SE*${set.length + 1}*0001`);
  return [ISA, 'GS*PO*S*R*20240101*1200*7*X*004010', ...set, 'GE*1*7', 'IEA*1*000000001'].join(term) + term;
}

/** The decoder's answer (or its error) for the reader's set and for a plain copy of it. */
function bothWays(text: string) {
  const doc = parseX12(text);
  const ic = doc.interchanges[0]!;
  const group = ic.groups[0]!;
  const set = group.sets[0]!;
  const plain: X12TransactionSet = { code: set.code, controlNumber: set.controlNumber, implementationRef: set.implementationRef, segments: set.segments.map((s) => ({ index: s.index, elements: [...s.elements] })) };
  const run = (s: X12TransactionSet) => {
    try {
      return purchaseOrderFrom850(s, group, ic);
    } catch (e) {
      if (e instanceof EdiError) return { error: e.message, code: e.code, position: e.position };
      throw e;
    }
  };
  return { fast: run(set), plain: run(plain) };
}

describe('X12 reader: segments as rows', () => {
  it('splits elements on demand, the same as splitting the text, with 1-based file positions', () => {
    const text = interchange(['N1*ST*STORE 12*92*0012', 'PO1*1*2*EA*9.5**UP*012345678905']);
    const set = parseX12(text).interchanges[0]!.groups[0]!.sets[0]!;
    const expected = text.split('~\n').slice(2, 8).map((s) => s.split('*'));
    expect(set.segments.map((s) => s.elements)).toEqual(expected);
    expect(set.segments.map((s) => s.index)).toEqual([3, 4, 5, 6, 7, 8]);
    // Serialised as the plain shape, not as offsets into the file.
    expect(JSON.parse(JSON.stringify(set.segments[4]))).toEqual({ index: 7, elements: ['CTT', '1'] });
    expect(Object.keys(JSON.parse(JSON.stringify(set)))).toEqual(['code', 'controlNumber', 'implementationRef', 'segments']);
  });

  it('reads a plain PO1 straight from the text: known answer', () => {
    const [r] = purchaseOrdersFromX12(parseX12(interchange(['PO1*3*12*CA*14.25*PE*UP*012345678905*VN*VN-000123*BP*', 'PO1*4*1*EA'])));
    expect(r!.order.lines).toEqual([
      { lineNo: '3', items: [{ qualifier: 'UP', id: '012345678905' }, { qualifier: 'VN', id: 'VN-000123' }], qty: 12, unit: 'CA', unitPrice: '14.25', requestedDate: null },
      { lineNo: '4', items: [], qty: 1, unit: 'EA', unitPrice: null, requestedDate: null },
    ]);
  });

  it('decodes hard-wrapped PO1 segments (newlines inside the segment) like unwrapped ones', () => {
    const flat = interchange(['PO1*1*2*EA*9.5**UP*012345678905', 'DTM*002*20240301']);
    const wrapped = flat.replace('PO1*1*2*EA*9.5**UP*01234', 'PO1*1*2*EA*9.\r\n5**UP*01234\n');
    const lines = (t: string) => purchaseOrdersFromX12(parseX12(t))[0]!.order.lines;
    expect(lines(wrapped)).toEqual(lines(flat));
    expect(lines(flat)[0]).toMatchObject({ unitPrice: '9.5', requestedDate: '2024-03-01' });
  });

  it('names segment and element of a bad PO1 quantity', () => {
    const { fast } = bothWays(interchange(['PO1*1*2*EA', 'PID*F****X', 'PO1*2*1,5*EA']));
    expect(fast).toEqual({ error: 'PO102 is not a number: "1,5" (segment 7 PO1, element 2)', code: 'X12_850_BAD_NUMBER', position: { segment: 7, tag: 'PO1', element: 2 } });
  });

  it('gives the same line, warning or error as the generic decoder for any PO1 (property)', () => {
    const atom = fc.constantFrom('', ' ', '1', '12', '007', '1234567890', '-3', '+4', '1.5', '.5', '5.', '1.2', 'EA', ' EA', 'EA ', 'UP', 'VN', '\u00a0X', 'abc', '012345678905', '\t2', 'é', '1e3', 'ABCD');
    // Mostly the usual value of each position (so the fast path is taken), sometimes anything.
    const usual = ['1', '24', 'EA', '9.95', 'PE', 'UP', '012345678905', 'VN', 'VN-1'];
    const element = (i: number) => fc.oneof({ arbitrary: fc.constant(usual[i % usual.length]!), weight: 3 }, { arbitrary: atom, weight: 1 });
    const po1 = fc.integer({ min: 1, max: 13 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => element(i)))).map((els) => ['PO1', ...els].join('*'));
    fc.assert(
      fc.property(fc.array(po1, { minLength: 1, maxLength: 4 }), (lines) => {
        const { fast, plain } = bothWays(interchange(lines));
        expect(fast).toEqual(plain);
      }),
      { numRuns: 400, seed: 7 },
    );
  });
});
