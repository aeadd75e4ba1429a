/**
 * Shape checks for the common EANCOM/EDIFACT data segments: how many components a composite may
 * have, the maximum length of coded qualifiers, and which values must be numeric. These are the
 * faults a partner's mapper really produces (an unreleased ':' in free text, a currency sign in a
 * price, a four-letter party qualifier); the limits hold in every directory from D93A to D10A.
 */
import { EdiError } from '../types.js';
import type { EdifactSegment } from './model.js';

interface ComponentRule {
  max?: number;
  numeric?: boolean;
}
interface ElementRule {
  maxComponents: number;
  components?: ComponentRule[];
}
type SegmentRule = Record<number, ElementRule>;

const code3: ComponentRule = { max: 3 };
const num: ComponentRule = { numeric: true };

const RULES: Record<string, SegmentRule> = {
  BGM: { 1: { maxComponents: 4, components: [code3] } },
  DTM: { 1: { maxComponents: 3, components: [code3, { max: 35 }, code3] } },
  NAD: { 1: { maxComponents: 1, components: [code3] }, 2: { maxComponents: 3 }, 3: { maxComponents: 5 }, 4: { maxComponents: 6 }, 5: { maxComponents: 4 } },
  IMD: { 1: { maxComponents: 1, components: [code3] }, 3: { maxComponents: 6 } },
  QTY: { 1: { maxComponents: 3, components: [code3, num] } },
  PRI: { 1: { maxComponents: 6, components: [code3, num] } },
  MOA: { 1: { maxComponents: 5, components: [code3, num] } },
  CNT: { 1: { maxComponents: 3, components: [code3, num] } },
  CUX: { 1: { maxComponents: 4 }, 2: { maxComponents: 4 } },
  LIN: { 1: { maxComponents: 1, components: [{ max: 6 }] }, 3: { maxComponents: 4 } },
  UNS: { 1: { maxComponents: 1, components: [{ max: 1 }] } },
};

/** EDIFACT numeric (n): optional minus sign, digits, one decimal mark ('.' or ','). */
const NUMERIC = /^-?(?:\d+(?:[.,]\d*)?|[.,]\d+)$/;

/** The table as [element index, rule] pairs, built once. */
const COMPILED = new Map(Object.entries(RULES).map(([tag, rule]) => [tag, Object.entries(rule).map(([e, r]) => [Number(e), r] as const)]));

export function checkSegmentShape(seg: EdifactSegment): void {
  const rule = COMPILED.get(seg.tag);
  if (!rule) return;
  for (const [e, r] of rule) {
    const comps = seg.elements[e];
    if (!comps) continue;
    if (comps.length > r.maxComponents) {
      throw new EdiError(
        `${seg.tag} element ${e} has ${comps.length} components, at most ${r.maxComponents} allowed (unreleased component separator in "${comps.join(':').slice(0, 60)}"?)`,
        'EDIFACT_TOO_MANY_COMPONENTS',
        { segment: seg.index, tag: seg.tag, element: e },
      );
    }
    const cr = r.components;
    if (!cr) continue;
    for (let i = 0; i < cr.length; i++) {
      const c = cr[i]!;
      const v = comps[i];
      if (!v) continue;
      if (c.max !== undefined && v.length > c.max) {
        throw new EdiError(`${seg.tag} element ${e} component ${i + 1} "${v}" is longer than ${c.max}`, 'EDIFACT_VALUE_TOO_LONG', { segment: seg.index, tag: seg.tag, element: e });
      }
      if (c.numeric && !NUMERIC.test(v)) {
        throw new EdiError(`${seg.tag} element ${e} component ${i + 1} "${v}" is not numeric`, 'EDIFACT_NOT_NUMERIC', { segment: seg.index, tag: seg.tag, element: e });
      }
    }
  }
}
