/**
 * Element type and length checks for the segments whose meaning the envelope layer relies on
 * (ISA/GS/ST/SE/GE/IEA) and for the 997 acknowledgement segments (a rejected 997 with garbage
 * codes must not be taken for a valid acknowledgement). Only presence-independent rules: an
 * empty element is not checked here (mandatory elements are the document mappers' business).
 * ISA02/04/06/08 are not length-checked because partners pad them with NBSP or not at all.
 */
import { EdiError } from '../types.js';
import { tagOf, type X12Segment } from './segment.js';

/** [type, min, max]: N0 = unsigned integer, ID = code, AN = string. */
type Spec = readonly ['N0' | 'ID' | 'AN', number, number];

const DICT: Record<string, Record<number, Spec>> = {
  ISA: { 1: ['ID', 2, 2], 3: ['ID', 2, 2], 5: ['ID', 2, 2], 7: ['ID', 2, 2], 12: ['ID', 5, 5], 13: ['N0', 9, 9], 14: ['ID', 1, 1], 15: ['ID', 1, 1] },
  GS: { 1: ['ID', 2, 2], 6: ['N0', 1, 9], 7: ['ID', 1, 2], 8: ['AN', 1, 12] },
  ST: { 1: ['ID', 3, 3], 2: ['AN', 4, 9], 3: ['AN', 1, 35] },
  SE: { 1: ['N0', 1, 10], 2: ['AN', 4, 9] },
  GE: { 1: ['N0', 1, 6], 2: ['N0', 1, 9] },
  IEA: { 1: ['N0', 1, 5], 2: ['N0', 9, 9] },
  AK1: { 1: ['ID', 2, 2], 2: ['N0', 1, 9], 3: ['AN', 1, 12] },
  AK2: { 1: ['ID', 3, 3], 2: ['AN', 4, 9], 3: ['AN', 1, 35] },
  AK4: { 2: ['N0', 1, 4], 3: ['ID', 1, 3] },
  AK5: { 1: ['ID', 1, 1], 2: ['ID', 1, 3], 3: ['ID', 1, 3], 4: ['ID', 1, 3], 5: ['ID', 1, 3], 6: ['ID', 1, 3] },
  AK9: { 1: ['ID', 1, 1], 2: ['N0', 1, 6], 3: ['N0', 1, 6], 4: ['N0', 1, 6], 5: ['ID', 1, 3], 6: ['ID', 1, 3], 7: ['ID', 1, 3], 8: ['ID', 1, 3], 9: ['ID', 1, 3] },
};

/** Whether `tag` has element rules here (the reader makes an object only for those). */
export function hasRules(tag: string): boolean {
  return DICT[tag] !== undefined;
}

export function validateElements(seg: X12Segment): void {
  // The tag first: most segments have no rules, and their elements need not be split.
  const tag = tagOf(seg);
  const specs = DICT[tag];
  if (!specs) return;
  for (const key of Object.keys(specs)) {
    const n = Number(key);
    const v = seg.elements[n];
    if (v === undefined || v === '') continue;
    const [type, min, max] = specs[n]!;
    const where = { segment: seg.index, tag, element: n };
    if (type === 'N0' && !/^\d+$/.test(v)) {
      throw new EdiError(`${tag}${String(n).padStart(2, '0')} must be numeric, got "${v}"`, 'X12_ELEMENT_TYPE', where);
    }
    if (v.length < min || v.length > max) {
      throw new EdiError(`${tag}${String(n).padStart(2, '0')} length ${v.length} outside ${min}..${max}: "${v}"`, 'X12_ELEMENT_LENGTH', where);
    }
  }
}
