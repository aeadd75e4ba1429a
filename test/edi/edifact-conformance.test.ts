/**
 * Conformance (issue 7): every EDIFACT fixture from ../shared/fixtures/edifact (GPL/LGPL ones are
 * read there only) and the MIT/Apache copies in test/fixtures/edifact. Each file has an expected
 * outcome worked out by hand; a new file without one must parse (or, if named INVALID, be rejected
 * with a positioned error).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readEdifact, type ReadOptions } from '../../src/edi/edifact/envelope.js';
import { ordersToPurchaseOrder } from '../../src/edi/edifact/orders.js';
import { EdiError } from '../../src/edi/types.js';

const here = dirname(fileURLToPath(import.meta.url));
const LOCAL = resolve(here, '../fixtures/edifact');
const SHARED = resolve(here, '../../../shared/fixtures/edifact');
const sharedPresent = existsSync(SHARED);

interface Rejection {
  code: string;
  segment: number;
  tag: string;
}
interface Expect {
  interchanges?: number;
  messages?: number;
  groups?: number;
  /** Strict reading (the default) rejects the file with this error. */
  reject?: Rejection;
  /**
   * For public samples whose control counts are simply wrong (truncated excerpts): read with
   * controls 'warn', they parse, with exactly these warnings.
   */
  warnings?: string[];
  /** Reading with segment-shape validation off parses (stress files with text in numeric fields). */
  parsesWithoutShapes?: boolean;
}

const EXPECTED: Record<string, Expect> = {
  'bots_APERAK_D96A.edi': { interchanges: 1, messages: 1 },
  'bots_DESADV_D96A_EAN005.edi': { interchanges: 1, messages: 8 },
  'bots_DESADV_D96A_EAN005_sscc_gin.edi': { interchanges: 1, messages: 3 },
  'bots_INVOIC_D96A_EAN008.edi': { interchanges: 1, messages: 1 },
  'bots_INVOIC_D96A_EAN008_2_messages.edi': { interchanges: 1, messages: 2 },
  'bots_ORDERS_D96A_EAN008_12_messages_from_sap.edi': { interchanges: 1, messages: 12 },
  'bots_ORDERS_D96A_EAN008_24_interchanges.edi': { interchanges: 24, messages: 24 },
  'bots_ORDERS_D96A_EAN008_mixed_crlf_lf.edi': { interchanges: 1, messages: 2 },
  'bots_ORDERS_D96A_junk_before_UNB.edi': { interchanges: 1, messages: 1 },
  'bots_ORDERS_D96A_wrapped_mid_element.edi': { interchanges: 1, messages: 1 },
  'bots_PRICAT_D96A_EAN005_2_messages.edi': { interchanges: 1, messages: 2 },
  'edinet_DELFOR_D96A_unknown_syntax_id.edi': { reject: { code: 'EDIFACT_UNKNOWN_SYNTAX', segment: 1, tag: 'UNB' } },
  // UNT says 787 segments; the excerpt has 27.
  'edinet_IFCSUM_D01B_EAN003.edi': { reject: { code: 'EDIFACT_UNT_COUNT', segment: 28, tag: 'UNT' }, messages: 1, warnings: ['EDIFACT_UNT_COUNT'] },
  'edinet_IFCSUM_D01B_newline_terminator_INVALID.edi': { reject: { code: 'EDIFACT_UNTERMINATED_SEGMENT', segment: 1, tag: 'UNB' } },
  // Four messages, every UNT says 1 segment, two UNT refs differ from their UNH, UNZ says 1.
  'edinet_IFTMIN_INVOIC_mixed_messages_decimal_comma.edi': {
    reject: { code: 'EDIFACT_UNT_COUNT', segment: 4, tag: 'UNT' },
    messages: 4,
    warnings: ['EDIFACT_UNT_COUNT', 'EDIFACT_UNT_COUNT', 'EDIFACT_UNT_REFERENCE', 'EDIFACT_UNT_COUNT', 'EDIFACT_UNT_COUNT', 'EDIFACT_UNT_REFERENCE', 'EDIFACT_UNZ_COUNT'],
  },
  // MOA+201:TEST — a monetary amount that is not a number; also UNT+13+1 for 101 segments of UNH 12.
  'edinet_INVOIC_D01B_EAN011_indented.edi': { reject: { code: 'EDIFACT_NOT_NUMERIC', segment: 66, tag: 'MOA' }, messages: 1, warnings: ['EDIFACT_UNT_COUNT', 'EDIFACT_UNT_REFERENCE'] },
  'edinet_ORDRSP_D10A_bom_one_segment_per_line.edi': { reject: { code: 'EDIFACT_UNT_COUNT', segment: 31, tag: 'UNT' }, messages: 1, warnings: ['EDIFACT_UNT_COUNT', 'EDIFACT_UNT_REFERENCE', 'EDIFACT_UNZ_REFERENCE'] },
  'edinet_ORDRSP_D10A_single_line_release_char.edi': { reject: { code: 'EDIFACT_UNT_COUNT', segment: 32, tag: 'UNT' }, messages: 1, warnings: ['EDIFACT_UNT_COUNT', 'EDIFACT_UNT_REFERENCE', 'EDIFACT_UNZ_REFERENCE'] },
  'edinet_QUOTES_D96A_multi_message_bom.edi': { reject: { code: 'EDIFACT_UNT_COUNT', segment: 32, tag: 'UNT' }, messages: 2, warnings: ['EDIFACT_UNT_COUNT', 'EDIFACT_UNT_COUNT', 'EDIFACT_UNZ_REFERENCE'] },
  'edireader_INVOIC_D97B_UNOE_iso8859-5_cyrillic.edi': { interchanges: 1, messages: 1 },
  'edireader_INVOIC_D97B_una_caret_dollar_terminator.edi': { interchanges: 1, messages: 1 },
  // A tokenizer stress file: lorem ipsum in QTY/PRI/MOA numeric fields.
  'edireader_ORDRSP_D01B_EAN008_UNOC_latin1_stress.edi': { reject: { code: 'EDIFACT_NOT_NUMERIC', segment: 77, tag: 'QTY' }, messages: 1, parsesWithoutShapes: true },
  'phpedifact_DESADV_D96A_no_una_version0.edi': { interchanges: 1, messages: 1 },
  // UNT says 10; the message has 7 segments (the wrapped FTX is one).
  'phpedifact_IFTMBC_D00B_newline_inside_element.edi': { reject: { code: 'EDIFACT_UNT_COUNT', segment: 8, tag: 'UNT' }, messages: 1, warnings: ['EDIFACT_UNT_COUNT'] },
  'phpedifact_ORDERS_D01B_EAN010_146_lines_german_wholesale.edi': { interchanges: 1, messages: 1 },
  // IMD+F++:::Hühnersuppe … Sup 1:10 und Soß 1:6 — unreleased ':' gives C273 seven components.
  'phpedifact_ORDERS_D01B_EAN010_INVALID_unescaped.edi': { reject: { code: 'EDIFACT_TOO_MANY_COMPONENTS', segment: 360, tag: 'IMD' } },
  'phpedifact_PAORES_escaped_release_char.edi': { reject: { code: 'EDIFACT_UNT_COUNT', segment: 24, tag: 'UNT' }, messages: 1, warnings: ['EDIFACT_UNT_COUNT'] },
  'smooks_INVOIC_D03B_una_with_repetition_char.edi': { reject: { code: 'EDIFACT_UNT_COUNT', segment: 36, tag: 'UNT' }, messages: 1, warnings: ['EDIFACT_UNT_COUNT'] },
  'smooks_ORDERS_D03B_EAN008_syntax4_repetition.edi': { interchanges: 1, messages: 1 },
  // 36 header DTMs (max 35); the UNT still says 22 so the envelope check fires first.
  'smooks_ORDERS_D03B_INVALID_too_many_DTM.edi': { reject: { code: 'EDIFACT_UNT_COUNT', segment: 58, tag: 'UNT' } },
  'smooks_RECADV_D01B_EAN007_chinese_utf8.edi': { interchanges: 1, messages: 1 },
  'staedi_INVOIC_D93A_una_utf8_in_UNOA.edi': { interchanges: 1, messages: 1 },
  'staedi_INVOIC_D97B_INVALID.edi': { reject: { code: 'EDIFACT_VALUE_TOO_LONG', segment: 6, tag: 'NAD' } },
  'staedi_INVOIC_D97B_custom_una_release_char.edi': { interchanges: 1, messages: 1 },
  'staedi_INVOIC_D97B_custom_una_wrapped_15col.edi': { interchanges: 1, messages: 1 },
  'staedi_INVOIC_D97B_no_una_utf8.edi': { interchanges: 1, messages: 1 },
  'staedi_ORDERS_EANCOM_D96B_with_UNG_group.edi': { reject: { code: 'EDIFACT_UNT_COUNT', segment: 20, tag: 'UNT' }, messages: 1, groups: 1, warnings: ['EDIFACT_UNT_COUNT'] },
  'staedi_edifact_una_backslash_release_empty_segment.edi': { interchanges: 1, messages: 1 },
};

/** Envelope plus, for ORDERS, the document mapping (which adds its own structural checks). */
function parse(bytes: Buffer, options: ReadOptions = {}) {
  const ics = readEdifact(bytes, options);
  for (const ic of ics) for (const m of ic.messages) if (m.type === 'ORDERS') ordersToPurchaseOrder(ic, m);
  return ics;
}

/** Independent count of messages: "UNH" + element separator at a segment start, line breaks removed. */
function naiveUnhCount(bytes: Buffer): number {
  const text = bytes.toString('latin1').replace(/[\r\n]/g, '');
  const una = /UNA(.)(.)(.)(.)(.)(.)/.exec(text);
  const elem = una ? una[2]! : '+';
  const term = una ? una[6]! : "'";
  const esc = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.match(new RegExp(`${esc(term)}\\s*UNH${esc(elem)}`, 'g'))?.length ?? 0;
}

function rejection(bytes: Buffer, options?: ReadOptions): EdiError {
  try {
    parse(bytes, options);
  } catch (e) {
    if (e instanceof EdiError) return e;
    throw e;
  }
  throw new Error('expected an EdiError, the file parsed');
}

function runSuite(dir: string, files: string[]) {
  for (const file of files) {
    const exp = EXPECTED[file] ?? (/INVALID/.test(file) ? { reject: undefined } : {});
    const bytes = readFileSync(join(dir, file));
    it(file, () => {
      if (exp.reject || /INVALID/.test(file)) {
        const err = rejection(bytes);
        expect(err.position, 'error names the segment').not.toBeNull();
        expect(err.position!.segment).toBeGreaterThan(0);
        expect(err.position!.tag).toMatch(/^[A-Z0-9]{3}$/);
        expect(err.message).toContain(`segment ${err.position!.segment} ${err.position!.tag}`);
        if (exp.reject) expect({ code: err.code, segment: err.position!.segment, tag: err.position!.tag }).toEqual(exp.reject);
        if (exp.warnings) {
          const ics = readEdifact(bytes, { controls: 'warn', validateSegments: false });
          expect(ics.flatMap((i) => i.warnings.map((w) => w.code))).toEqual(exp.warnings);
          expect(ics.reduce((n, i) => n + i.messages.length, 0)).toBe(exp.messages);
          if (exp.groups !== undefined) expect(ics.reduce((n, i) => n + i.groups.length, 0)).toBe(exp.groups);
        }
        if (exp.parsesWithoutShapes) {
          const ics = readEdifact(bytes, { validateSegments: false });
          expect(ics.reduce((n, i) => n + i.messages.length, 0)).toBe(exp.messages);
        }
        return;
      }
      const ics = parse(bytes);
      const messages = ics.reduce((n, i) => n + i.messages.length, 0);
      if (exp.interchanges !== undefined) expect(ics.length).toBe(exp.interchanges);
      if (exp.messages !== undefined) expect(messages).toBe(exp.messages);
      expect(messages).toBe(naiveUnhCount(bytes));
      for (const ic of ics) {
        expect(ic.warnings).toEqual([]);
        for (const m of ic.messages) {
          const unt = m.segments.at(-1)!;
          expect(unt.tag).toBe('UNT');
          expect(Number(unt.elements[1]![0])).toBe(m.segments.length);
          expect(unt.elements[2]![0]).toBe(m.ref);
        }
      }
    });
  }
}

const localFiles = readdirSync(LOCAL).filter((f) => f.endsWith('.edi')).sort();

describe('EDIFACT conformance: copied MIT/Apache fixtures (test/fixtures/edifact)', () => {
  runSuite(LOCAL, localFiles);
});

describe.skipIf(!sharedPresent)('EDIFACT conformance: ../shared/fixtures/edifact (GPL/LGPL read in place)', () => {
  const files = sharedPresent ? readdirSync(SHARED).filter((f) => f.endsWith('.edi')).sort() : [];
  it('holds every fixture the expectations table knows, and the table knows every fixture', () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });
  runSuite(SHARED, files.filter((f) => !localFiles.includes(f)));
});

if (!sharedPresent) {
  describe('EDIFACT conformance: shared fixtures', () => {
    it.skip(`../shared/fixtures/edifact is absent (${SHARED}): the GPL/LGPL fixtures were not run`, () => {});
  });
}
