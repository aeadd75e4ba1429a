/** Dry run, comparing "before" with "after": signed money differences and the promotions whose effect changed. */
import { formatCents, toCents } from '../ordering/promotions/cents.js';
import type { PromotionReport } from '../ordering/promotions/types.js';
import type { Money } from '../ordering/types.js';

/** Signed difference of two amounts ("-25.00"). */
export function minus(a: Money, b: Money): Money {
  const d = toCents(a) - toCents(b);
  return (d < 0 ? '-' : '') + formatCents(Math.abs(d));
}

export const sum = (amounts: Money[]): Money => formatCents(amounts.reduce((s, a) => s + toCents(a), 0));

interface Snapshot {
  status: PromotionReport['status'];
  discount: Money;
  gifts: Array<{ sku: string; qty: number }>;
}

export interface PromotionChange {
  code: string;
  draft: boolean;
  before: Snapshot | null;
  after: Snapshot | null;
}

const snapshot = (r: PromotionReport): Snapshot => ({ status: r.status, discount: r.discount, gifts: r.gifts });

/** What a promotion did to the order: absent and not applied are the same (nothing). */
const effect = (s: Snapshot | null) => (s === null || s.status !== 'applied' ? null : { discount: s.discount, gifts: s.gifts });

/** The promotions whose effect differs between before and after. */
export function changes(before: readonly PromotionReport[], after: readonly PromotionReport[], draftCodes: ReadonlySet<string>): PromotionChange[] {
  const b = new Map(before.map((r) => [r.code, r]));
  const a = new Map(after.map((r) => [r.code, r]));
  const out: PromotionChange[] = [];
  for (const code of [...new Set([...b.keys(), ...a.keys()])].sort()) {
    const x = b.get(code);
    const y = a.get(code);
    const sx = x === undefined ? null : snapshot(x);
    const sy = y === undefined ? null : snapshot(y);
    if (JSON.stringify(effect(sx)) !== JSON.stringify(effect(sy))) out.push({ code, draft: draftCodes.has(code), before: sx, after: sy });
  }
  return out;
}
