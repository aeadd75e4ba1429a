/**
 * Conformance: every file of ../shared/fixtures/x12 (when that folder exists; otherwise the
 * MIT/Apache copies in test/fixtures/x12). Valid documents parse with the expected envelope
 * counts (the parser itself checks SE01/GE01/IEA01 and the control numbers); files named
 * INVALID are rejected with an EdiError naming segment and position; a few unmarked files are
 * known rejections, listed with their reason.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EdiError } from '../../src/edi/types.js';
import { parseX12 } from '../../src/edi/x12/envelope.js';
import { purchaseOrdersFromX12 } from '../../src/edi/x12/850.js';

const here = dirname(fileURLToPath(import.meta.url));
const sharedDir = resolve(here, '../../../shared/fixtures/x12');
const copiedDir = resolve(here, '../fixtures/x12');
const sharedPresent = existsSync(sharedDir);
const dir = sharedPresent ? sharedDir : copiedDir;
const files = readdirSync(dir).filter((f) => /\.(x12|edi)$/i.test(f)).sort();

/** Hand-checked [interchanges, groups, transaction sets] per valid file. */
const COUNTS: Record<string, [number, number, number]> = {
  'bots_810_004010_invoice_2sets.x12': [1, 1, 2],
  'bots_810_004010_invoice_retailer.x12': [1, 1, 1],
  'bots_810_004030VICS_invoice.x12': [1, 1, 2],
  'bots_850_004010VICS_del_elemsep_nak_terminator_large.x12': [1, 1, 4],
  'bots_850_004010_3_interchanges_cr_terminator.x12': [3, 3, 3],
  'bots_850_004010_3_interchanges_crlf.x12': [3, 3, 3],
  'bots_850_004010_4sets_2groups_plus_compsep.x12': [1, 2, 4],
  'bots_850_004010_caret_compsep.x12': [1, 1, 1],
  'bots_850_004010_isa00302_at_compsep_lf_terminator.x12': [1, 1, 1],
  'bots_850_004010_lf_terminator_empty_po101.x12': [1, 1, 1],
  'bots_850_004010_nak_terminator_brace_compsep.x12': [1, 1, 2],
  'bots_850_004010_pipe_element_sep_single_line.x12': [1, 1, 4],
  'bots_850_004010_space_after_terminator.x12': [1, 1, 2],
  'bots_850_004010_tilde_crlf.x12': [1, 1, 1],
  'bots_850_004010_wrapped_80col_crlf.x12': [1, 1, 2],
  'bots_850_004010_wrapped_80col_lf.x12': [1, 1, 2],
  'bots_850_004030_3sets_nak_crlf.x12': [1, 1, 3],
  'bots_855_004010UCS_6sets.x12': [1, 1, 6],
  'bots_856_004010_asn_2sets.x12': [1, 1, 2],
  'bots_856_004010_asn_sopi.x12': [1, 1, 1],
  'bots_856_004010_plus_apostrophe_delims.x12': [1, 1, 2],
  'bots_997_004010VICS_nak_terminator.x12': [1, 1, 1],
  'bots_997_004010_accept_850.x12': [1, 1, 1],
  'bots_mailbag_8_interchanges_mixed_versions.x12': [8, 9, 14],
  'edinet_810_004010_ariba_indented.edi': [1, 1, 1],
  'edinet_850_004010_tilde_as_compsep_lf_terminator.edi': [1, 1, 2],
  'node-x12_850_004010VICS_newline_terminator.edi': [1, 1, 1],
  'node-x12_850_004010VICS_tilde_lf.edi': [1, 1, 1],
  'node-x12_850_004010_petco_redacted.edi': [1, 1, 1],
  'node-x12_850_multiple_interchanges.edi': [2, 2, 2],
  'node-x12_855_004010_po_ack.edi': [1, 1, 1],
  'node-x12_856_004060_ship_notice.edi': [1, 1, 1],
  'staedi_210_004010_wrapped_80col.edi': [1, 1, 1],
  'staedi_214_004010_utf8_ellipsis_terminator.edi': [1, 1, 1],
  'staedi_810_004010_simple.edi': [1, 1, 2],
  'staedi_810_and_850_two_groups_mixed_versions.edi': [1, 2, 3],
  'staedi_855_004010_two_sets_caret_compsep.edi': [1, 1, 2],
  'staedi_997_005010_multiple_interchanges.edi': [3, 3, 3],
  'staedi_997_005010_repetition_separator.edi': [1, 1, 1],
  'staedi_997_minimal_isa00401_gs005010.edi': [1, 1, 1],
  'staedi_997_with_ISB_ISE_segments.edi': [1, 1, 1],
  'stedi_850_005010_dropship_GS_OW.edi': [1, 1, 1],
  'stedi_855_005010_po_ack.edi': [1, 1, 1],
};

/**
 * Unmarked files we reject on purpose. The two EDI.Net samples really carry IEA02 000000001
 * against ISA13 000000055 (EDI.Net does not check); they parse with controlNumbers: 'warn'.
 */
const KNOWN_REJECTIONS: Record<string, { code: string; lenientCounts?: [number, number, number] }> = {
  'bots_850_ebcdic_encoded.x12': { code: 'X12_UNSUPPORTED_ENCODING' },
  'edinet_850_004010_bom_nbsp_padded_isa.edi': { code: 'X12_IEA_CONTROL', lenientCounts: [1, 1, 1] },
  'edinet_850_004010_bom_tab_indented.edi': { code: 'X12_IEA_CONTROL', lenientCounts: [1, 1, 1] },
};

/** INVALID files: the exact error expected (code, segment index, tag, element). */
const INVALID: Record<string, { code: string; segment: number; tag: string; element?: number }> = {
  'staedi_997_005010_INVALID_codes.edi': { code: 'X12_ELEMENT_LENGTH', segment: 4, tag: 'AK1', element: 1 },
};

function counts(buf: Buffer, options = {}): [number, number, number] {
  const doc = parseX12(buf, options);
  const groups = doc.interchanges.flatMap((i) => i.groups);
  return [doc.interchanges.length, groups.length, groups.reduce((n, g) => n + g.sets.length, 0)];
}

function rejection(buf: Buffer): EdiError {
  try {
    parseX12(buf);
  } catch (e) {
    expect(e).toBeInstanceOf(EdiError);
    return e as EdiError;
  }
  throw new Error('expected the file to be rejected');
}

describe(`X12 conformance (${sharedPresent ? sharedDir : `${copiedDir} only`})`, () => {
  it.skipIf(sharedPresent)(`../shared/fixtures/x12 is absent: only the ${files.length} MIT/Apache copies are checked, the GPL fixtures are not`, () => {});

  it('walks a non-empty fixture set and knows every file', () => {
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) expect(COUNTS[f] ?? KNOWN_REJECTIONS[f] ?? INVALID[f], `no expectation for ${f}`).toBeDefined();
  });

  for (const f of files) {
    const read = () => readFileSync(join(dir, f));
    if (/INVALID/.test(f)) {
      it(`${f}: rejected with segment and position`, () => {
        const err = rejection(read());
        expect(err.position, err.message).not.toBeNull();
        expect(err.position!.segment).toBeGreaterThan(0);
        expect(err.position!.tag).toMatch(/^[A-Z][A-Z0-9]{1,2}$/);
        expect(err.message).toContain(`segment ${err.position!.segment} ${err.position!.tag}`);
        const want = INVALID[f];
        if (want) expect({ code: err.code, ...err.position }).toEqual(want);
      });
    } else if (KNOWN_REJECTIONS[f]) {
      const known = KNOWN_REJECTIONS[f]!;
      it(`${f}: rejected (${known.code})`, () => {
        expect(rejection(read()).code).toBe(known.code);
        if (known.lenientCounts) expect(counts(read(), { controlNumbers: 'warn' })).toEqual(known.lenientCounts);
      });
    } else {
      it(`${f}: parses, counts ${COUNTS[f]?.join('/')}`, () => {
        expect(counts(read())).toEqual(COUNTS[f]);
        for (const { order } of purchaseOrdersFromX12(parseX12(read()))) {
          expect(order.poNumber).not.toBe('');
          expect(order.lines.length).toBeGreaterThan(0);
        }
      });
    }
  }
});
