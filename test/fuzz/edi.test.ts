/**
 * The X12 and EDIFACT readers on mutated real interchanges (test/fixtures) and random input:
 * each call returns a result or throws an EdiError with a code (and a segment position when
 * the problem is in a segment) — never a TypeError, RangeError or any other crash.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { readEdifact } from '../../src/edi/edifact/envelope.js';
import { readEdifactOrders } from '../../src/edi/edifact/orders.js';
import { detectSyntax, parseInterchanges } from '../../src/edi/intake.js';
import { EdiError } from '../../src/edi/types.js';
import { purchaseOrdersFromX12 } from '../../src/edi/x12/850.js';
import { parseX12 } from '../../src/edi/x12/envelope.js';
import { mutatedDocument, randomDocument, RUNS } from './mutate.js';

const fixtures = (dir: string) => {
  const path = resolve(import.meta.dirname, '../fixtures', dir);
  return readdirSync(path)
    .filter((f) => f.endsWith('.edi'))
    .map((f) => readFileSync(resolve(path, f)));
};
const X12 = fixtures('x12');
const EDIFACT = fixtures('edifact');

interface Tally {
  ok: number;
  errors: number;
  positioned: number;
}

/** Runs `read`; an EdiError is an accepted outcome (checked for shape), anything else fails the case. */
function outcome(tally: Tally, read: () => unknown): void {
  try {
    read();
    tally.ok++;
  } catch (error) {
    if (!(error instanceof EdiError)) throw error;
    expect(error.code).toMatch(/^[a-z0-9_.-]+$/i);
    expect(error.message.length).toBeGreaterThan(0);
    tally.errors++;
    if (error.position) {
      expect(error.position.segment).toBeGreaterThanOrEqual(1);
      expect(typeof error.position.tag).toBe('string');
      tally.positioned++;
    }
  }
}

const tally = (): Tally => ({ ok: 0, errors: 0, positioned: 0 });

describe('EDI readers under fuzzing', () => {
  it(`X12: ${RUNS} mutated interchanges and ${RUNS / 5} random inputs → a result or an EdiError`, () => {
    expect(X12.length).toBeGreaterThan(10);
    const seen = tally();
    const read = (doc: Buffer) => outcome(seen, () => purchaseOrdersFromX12(parseX12(doc)));
    fc.assert(fc.property(mutatedDocument(X12), read), { numRuns: RUNS });
    fc.assert(fc.property(randomDocument(['ISA*00*', 'ISA', 'GS*PO*', '\ufeffISA*']), read), { numRuns: RUNS / 5 });
    // Both outcomes happen, and most refusals say where: the fuzzer reaches past the first check.
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.positioned).toBeGreaterThan(seen.errors / 2);
  });

  it(`EDIFACT: ${RUNS} mutated interchanges and ${RUNS / 5} random inputs → a result or an EdiError`, () => {
    expect(EDIFACT.length).toBeGreaterThan(10);
    const seen = tally();
    const read = (doc: Buffer) =>
      outcome(seen, () => {
        readEdifact(doc);
        readEdifactOrders(doc, { controls: 'warn' });
      });
    fc.assert(fc.property(mutatedDocument(EDIFACT), read), { numRuns: RUNS });
    fc.assert(fc.property(randomDocument(["UNA:+.? '", 'UNB+UNOC:3+', 'UNB+UNOA:2+']), read), { numRuns: RUNS / 5 });
    expect(seen.ok).toBeGreaterThan(0);
    expect(seen.positioned).toBeGreaterThan(seen.errors / 2);
  });

  it(`the intake's envelope step (what POST /v1/edi runs first): ${RUNS / 2} mixed inputs → a result or a coded 4xx UserError`, () => {
    fc.assert(
      fc.property(fc.oneof(mutatedDocument(X12), mutatedDocument(EDIFACT)), (doc) => {
        try {
          parseInterchanges(doc, detectSyntax(doc));
        } catch (error) {
          if (!(error instanceof UserError)) throw error;
          expect(error.status).toBeGreaterThanOrEqual(400);
          expect(error.status).toBeLessThan(500);
          expect(error.code).toMatch(/^edi_/);
        }
      }),
      { numRuns: RUNS / 2 },
    );
  });
});
