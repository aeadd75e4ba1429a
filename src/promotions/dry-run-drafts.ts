/**
 * Dry run, the drafts: unsaved promotion inputs checked and turned into the promotions the
 * engine takes, and the "after" set they make with the stored ones.
 */
import type { Queryable } from '../core/db/index.js';
import { UserError } from '../core/errors.js';
import type { Promotion, PromotionInput } from '../ordering/promotions/definition.js';
import { promotionRecord, type PromotionRecord } from './record.js';
import { PROMOTION_COLUMNS, toPromotion, type PromotionRow } from './rows.js';
import { loadValidationFacts, validatePromotion, type Issue } from './validate.js';

/** "active": the stored active promotions plus the drafts; "none": the drafts alone. */
export type Include = 'active' | 'none';

export interface DraftReport {
  id: number;
  code: string;
  /** The stored promotion the draft stands in for (same code), or null for a new one. */
  replaces: string | null;
  errors: Issue[];
  warnings: Issue[];
}

export interface Draft {
  promotion: Promotion;
  replaces: string | null;
}

/** Drafts as the engine takes them: active, new ones with negative ids, same-code ones in place of the stored promotion. */
export async function prepareDrafts(q: Queryable, inputs: readonly PromotionInput[], now: Date, assumptions: string[]): Promise<{ drafts: Draft[]; reports: DraftReport[] }> {
  const seen = new Map<string, number>();
  inputs.forEach((input, i) => {
    const first = seen.get(input.code);
    if (first !== undefined) throw new UserError(`promotions[${i}].code: ${input.code} is also promotions[${first}]`, { field: `promotions[${i}].code` });
    seen.set(input.code, i);
  });
  const { rows } = await q.query<{ p: PromotionRow }>(`SELECT ${PROMOTION_COLUMNS} AS p FROM promotions promo WHERE promo.code = ANY($1::text[])`, [inputs.map((d) => d.code)]);
  const stored = new Map(rows.map((r) => [r.p.code, toPromotion(r.p)]));
  const drafts: Draft[] = [];
  const reports: DraftReport[] = [];
  for (const [i, input] of inputs.entries()) {
    let record: PromotionRecord;
    try {
      record = promotionRecord(input);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      const field = `promotions[${i}].${String(error.details?.field ?? 'validFrom')}`;
      throw new UserError(`promotions[${i}]: ${error.message}`, { field });
    }
    const { errors, warnings } = validatePromotion(record, await loadValidationFacts(q, record), now);
    const old = stored.get(input.code);
    const promotion: Promotion = {
      id: old?.id ?? -(i + 1),
      code: input.code,
      name: input.name,
      rule: input.rule,
      eligibility: input.eligibility,
      priority: input.priority,
      stackable: input.stackable,
      exclusiveGroup: input.exclusiveGroup,
      validFrom: record.valid_from === null ? null : new Date(record.valid_from),
      validTo: record.valid_to === null ? null : new Date(record.valid_to),
      // A new draft has no coupons yet: it is judged as if the dealer had entered one.
      requiresCoupon: old === undefined ? false : input.requiresCoupon,
      status: 'active',
      budgetAmount: input.budgetAmount,
      budgetUses: input.budgetUses,
      usedAmount: old?.usedAmount ?? '0.00',
      usedUses: old?.usedUses ?? 0,
      perDealerLimit: input.perDealerLimit,
    };
    if (input.status !== 'active') assumptions.push(`draft ${input.code} has status ${input.status}; it is evaluated as if active`);
    if (old === undefined && input.requiresCoupon) assumptions.push(`draft ${input.code} requires a coupon and has none yet; it is evaluated as if the dealer had entered a valid one`);
    if (old !== undefined) assumptions.push(`draft ${input.code} stands in for the stored promotion ${input.code} in "after"; the stored usage (${old.usedAmount}, ${old.usedUses} use(s)) counts against the draft's budget`);
    drafts.push({ promotion, replaces: old === undefined ? null : old.code });
    reports.push({ id: promotion.id, code: input.code, replaces: old === undefined ? null : old.code, errors, warnings });
  }
  return { drafts, reports };
}

/** The "after" set: the stored ones not replaced by a draft (include 'active'), then the drafts. */
export function withDrafts(stored: readonly Promotion[], drafts: readonly Draft[], include: Include): Promotion[] {
  const replaced = new Set(drafts.map((d) => d.promotion.code));
  return [...(include === 'active' ? stored.filter((p) => !replaced.has(p.code)) : []), ...drafts.map((d) => d.promotion)];
}

/** The SKUs the gift drafts give, to be loaded with the order's own. */
export const draftGiftSkus = (drafts: readonly Draft[]): string[] =>
  drafts.flatMap((d) => (d.promotion.rule.type === 'gift' ? d.promotion.rule.gifts.map((g) => g.sku) : []));

export const draftCodes = (drafts: readonly Draft[]): Set<string> => new Set(drafts.map((d) => d.promotion.code));
