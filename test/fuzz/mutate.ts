/**
 * Mutations of real documents for the fuzz tests: byte flips, truncation, delimiter swaps,
 * inserted random segments, duplicated and deleted ranges — what a broken mailbox, a bad
 * converter or a hostile partner sends. Each arbitrary shrinks to a small failing edit.
 */
import fc from 'fast-check';

/** Cases per target: ≥ 10,000 in CI; FUZZ_RUNS raises it for a longer local run. */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);

type Mutation = (bytes: Buffer) => Buffer;

const DELIMITERS = [...'*~:^>+\'?|\n\r ,.;\\'].map((c) => c.charCodeAt(0));

const flip = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(
  ([at, byte]): Mutation =>
    (b) => {
      if (b.length === 0) return b;
      const out = Buffer.from(b);
      out[at % out.length] = byte;
      return out;
    },
);
const truncate = fc.nat().map((at): Mutation => (b) => b.subarray(0, b.length === 0 ? 0 : at % b.length));
const swap = fc.tuple(fc.constantFrom(...DELIMITERS), fc.constantFrom(...DELIMITERS)).map(
  ([from, to]): Mutation =>
    (b) => Buffer.from(b.map((x) => (x === from ? to : x === to ? from : x))),
);
/** A segment-looking line: a known or random tag, elements of printable or any characters. */
const segment = fc
  .tuple(
    fc.constantFrom('ISA', 'GS', 'ST', 'BEG', 'PO1', 'N1', 'CTT', 'SE', 'GE', 'IEA', 'UNA', 'UNB', 'UNG', 'UNH', 'BGM', 'DTM', 'NAD', 'LIN', 'QTY', 'PRI', 'UNS', 'UNT', 'UNE', 'UNZ', 'ZZ9'),
    fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.stringMatching(/^[0-9]{0,20}$/), fc.string({ unit: 'binary', maxLength: 6 })), { maxLength: 20 }),
    fc.constantFrom('*', '+', ':', '^'),
    fc.constantFrom('~', "'", '\n', '~\n', ''),
  )
  .map(([tag, elements, sep, term]) => Buffer.from([tag, ...elements].join(sep) + term, 'utf8'));
const insert = fc.tuple(fc.nat(), segment).map(([at, seg]): Mutation => (b) => {
  const i = b.length === 0 ? 0 : at % (b.length + 1);
  return Buffer.concat([b.subarray(0, i), seg, b.subarray(i)]);
});
const range = fc.tuple(fc.nat(), fc.integer({ min: 1, max: 400 }));
const duplicate = range.map(([at, len]): Mutation => (b) => {
  const i = b.length === 0 ? 0 : at % b.length;
  return Buffer.concat([b.subarray(0, i + len), b.subarray(i)]);
});
const remove = range.map(([at, len]): Mutation => (b) => {
  const i = b.length === 0 ? 0 : at % b.length;
  return Buffer.concat([b.subarray(0, i), b.subarray(i + len)]);
});

const mutation = fc.oneof(flip, flip, truncate, swap, insert, insert, duplicate, remove);

/** One of `docs`, with 1–5 mutations applied in order. */
export function mutatedDocument(docs: readonly Buffer[]): fc.Arbitrary<Buffer> {
  return fc.tuple(fc.constantFrom(...docs), fc.array(mutation, { minLength: 1, maxLength: 5 })).map(([doc, edits]) => edits.reduce((b, edit) => edit(b), doc));
}

/** Random text and bytes, some of them starting like an envelope. */
export function randomDocument(prefixes: readonly string[]): fc.Arbitrary<Buffer> {
  return fc.oneof(
    fc.string({ maxLength: 300 }).map((s) => Buffer.from(s, 'utf8')),
    fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
    fc.tuple(fc.constantFrom(...prefixes), fc.array(segment, { maxLength: 12 })).map(([p, segs]) => Buffer.concat([Buffer.from(p, 'latin1'), ...segs])),
  );
}
