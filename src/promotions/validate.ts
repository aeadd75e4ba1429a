/**
 * Save-time checks of a promotion beyond its schema: what only the database can tell. Errors stop
 * the save (422): a gift or bundle component that does not exist, a budget below what is already
 * used. Warnings are saved with it and shown to the admin: names nobody has, a window already
 * over, exclusive-group neighbours that can never both apply, a coupon promotion without coupons.
 * `validatePromotion` is pure over the facts one statement loads (`loadValidationFacts`).
 */
import type { Queryable } from '../core/db/index.js';
import type { Eligibility, PromotionRule } from '../ordering/promotions/definition.js';
import { toCents } from '../ordering/promotions/cents.js';
import type { PromotionRecord } from './record.js';
import { PROMOTION_COLUMNS, type PromotionRow } from './rows.js';
import { isTimeZone } from './window.js';

export interface Issue {
  /** The input field, as the admin wrote it ("rule.gifts[0].sku", "eligibility.dealers"). */
  field: string;
  code: string;
  message: string;
}

export interface Validation {
  errors: Issue[];
  warnings: Issue[];
}

/** An active promotion in the same exclusive group. */
export interface GroupMate {
  code: string;
  stackable: boolean;
  rule: PromotionRule;
  eligibility: Eligibility;
  validFrom: Date | null;
  validTo: Date | null;
}

export interface ValidationFacts {
  /** Products named by this promotion or its group mates. */
  products: Map<string, { status: string; category: string | null }>;
  /** Of the categories this promotion names, those some product has. */
  categories: Set<string>;
  /** Dealers named by this promotion or its group mates. */
  dealers: Map<string, { tier: string; group: string | null }>;
  /** Of the tiers / groups this promotion names, those that exist (dealers or tier price lists). */
  tiers: Set<string>;
  groups: Set<string>;
  groupMates: GroupMate[];
  /** The stored promotion with this code (an update), or null (a new one). */
  existing: { usedAmount: string; usedUses: number; coupons: number; source: string } | null;
}

const LIST_LIMIT = 10;
const listed = (names: readonly string[]): string =>
  names.slice(0, LIST_LIMIT).join(', ') + (names.length > LIST_LIMIT ? ` and ${names.length - LIST_LIMIT} more` : '');

/** SKUs the rule itself needs (gifts, bundle components) and the eligibility lists name. */
function namedSkus(rule: PromotionRule, eligibility: Eligibility): string[] {
  const skus = [...(eligibility.products ?? []), ...(eligibility.excludeProducts ?? [])];
  if (rule.type === 'gift') skus.push(...rule.gifts.map((g) => g.sku));
  if (rule.type === 'bundle') skus.push(...rule.components.map((c) => c.sku));
  return [...new Set(skus)];
}

interface FactsRow {
  products: Array<{ sku: string; status: string; category: string | null }>;
  categories: string[];
  dealers: Array<{ code: string; tier: string; group: string | null }>;
  tiers: string[];
  groups: string[];
  mates: PromotionRow[];
  existing: { usedAmount: string; usedUses: number; coupons: number; source: string } | null;
}

/** One statement: everything `validatePromotion` needs for `record`. */
export async function loadValidationFacts(q: Queryable, record: PromotionRecord): Promise<ValidationFacts> {
  const e = record.eligibility;
  const { rows } = await q.query<FactsRow>(
    `WITH mates AS (SELECT * FROM promotions WHERE $1::text IS NOT NULL AND exclusive_group = $1 AND status = 'active' AND code <> $2),
          mate_skus AS (SELECT jsonb_array_elements_text(coalesce(m.eligibility->'products', '[]'::jsonb)) AS sku FROM mates m
                        UNION SELECT c->>'sku' FROM mates m, jsonb_array_elements(CASE WHEN m.type = 'bundle' THEN m.rules->'components' ELSE '[]'::jsonb END) c),
          mate_dealers AS (SELECT jsonb_array_elements_text(coalesce(m.eligibility->'dealers', '[]'::jsonb)) AS code FROM mates m)
     SELECT
       coalesce((SELECT json_agg(json_build_object('sku', sku, 'status', status, 'category', category)) FROM products
                  WHERE sku = ANY($3::text[]) OR sku IN (SELECT sku FROM mate_skus)), '[]') AS products,
       coalesce((SELECT json_agg(DISTINCT category) FROM products WHERE category = ANY($4::text[])), '[]') AS categories,
       coalesce((SELECT json_agg(json_build_object('code', code, 'tier', tier, 'group', dealer_group)) FROM dealers
                  WHERE code = ANY($5::text[]) OR code IN (SELECT code FROM mate_dealers)), '[]') AS dealers,
       coalesce((SELECT json_agg(t) FROM (SELECT tier AS t FROM dealers WHERE tier = ANY($6::text[])
                                          UNION SELECT tier FROM price_lists WHERE tier = ANY($6::text[])) x), '[]') AS tiers,
       coalesce((SELECT json_agg(DISTINCT dealer_group) FROM dealers WHERE dealer_group = ANY($7::text[])), '[]') AS groups,
       coalesce((SELECT json_agg(${PROMOTION_COLUMNS} ORDER BY promo.code) FROM mates promo), '[]') AS mates,
       (SELECT json_build_object('usedAmount', p.used_amount::text, 'usedUses', p.used_uses, 'source', p.source,
                                 'coupons', (SELECT count(*) FROM coupons c WHERE c.promotion_id = p.id))
          FROM promotions p WHERE p.code = $2) AS existing`,
    [record.exclusive_group, record.code, namedSkus(record.rules, e), e.categories ?? [], e.dealers ?? [], e.tiers ?? [], e.groups ?? []],
  );
  const row = rows[0]!;
  return {
    products: new Map(row.products.map((p) => [p.sku, { status: p.status, category: p.category }])),
    categories: new Set(row.categories),
    dealers: new Map(row.dealers.map((d) => [d.code, { tier: d.tier, group: d.group }])),
    tiers: new Set(row.tiers),
    groups: new Set(row.groups),
    groupMates: row.mates.map((m) => ({
      code: m.code,
      stackable: m.stackable,
      rule: m.rule,
      eligibility: m.eligibility,
      validFrom: m.validFrom === null ? null : new Date(m.validFrom),
      validTo: m.validTo === null ? null : new Date(m.validTo),
    })),
    existing: row.existing === null ? null : { ...row.existing, usedUses: Number(row.existing.usedUses), coupons: Number(row.existing.coupons) },
  };
}

/** Checks `record` against `facts` at `now` (README of the engine for what each field means). */
export function validatePromotion(record: PromotionRecord, facts: ValidationFacts, now: Date): Validation {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const rule = record.rules;
  const e = record.eligibility;

  if (!isTimeZone(record.time_zone)) errors.push({ field: 'timeZone', code: 'unknown_time_zone', message: `timeZone "${record.time_zone}" is not an IANA time zone such as "Asia/Shanghai"` });

  if (rule.type === 'gift') {
    rule.gifts.forEach((g, i) => {
      const product = facts.products.get(g.sku);
      const field = `rule.gifts[${i}].sku`;
      if (product === undefined) errors.push({ field, code: 'unknown_sku', message: `${field}: gift SKU ${g.sku} does not exist in the product master` });
      else if (product.status !== 'active') errors.push({ field, code: 'sku_not_active', message: `${field}: gift SKU ${g.sku} is ${product.status} and cannot be given` });
    });
  }
  if (rule.type === 'bundle') {
    rule.components.forEach((c, i) => {
      const product = facts.products.get(c.sku);
      const field = `rule.components[${i}].sku`;
      if (product === undefined) errors.push({ field, code: 'unknown_sku', message: `${field}: bundle component ${c.sku} does not exist in the product master` });
      else if (product.status !== 'active') warnings.push({ field, code: 'sku_not_active', message: `${field}: bundle component ${c.sku} is ${product.status}, so the bundle cannot be completed while it is` });
    });
  }

  const unknown = (field: string, names: readonly string[] | undefined, known: (name: string) => boolean, what: string) => {
    const missing = (names ?? []).filter((n) => !known(n));
    if (missing.length > 0) warnings.push({ field, code: 'unknown_name', message: `${field}: no ${what} ${listed(missing)}` });
  };
  unknown('eligibility.products', e.products, (s) => facts.products.has(s), 'product');
  unknown('eligibility.excludeProducts', e.excludeProducts, (s) => facts.products.has(s), 'product');
  unknown('eligibility.categories', e.categories, (c) => facts.categories.has(c), 'product in category');
  unknown('eligibility.dealers', e.dealers, (d) => facts.dealers.has(d), 'dealer');
  unknown('eligibility.tiers', e.tiers, (t) => facts.tiers.has(t), 'dealer or price list of tier');
  unknown('eligibility.groups', e.groups, (g) => facts.groups.has(g), 'dealer in group');

  const validFrom = record.valid_from === null ? null : new Date(record.valid_from);
  const validTo = record.valid_to === null ? null : new Date(record.valid_to);
  if (validTo !== null && validTo.getTime() <= now.getTime()) {
    warnings.push({ field: 'validTo', code: 'window_past', message: `validTo ${validTo.toISOString()} is in the past: the promotion can no longer apply` });
  }

  if (facts.existing !== null) {
    const used = facts.existing;
    if (record.budget_amount !== null && toCents(record.budget_amount) < toCents(used.usedAmount)) {
      errors.push({ field: 'budgetAmount', code: 'budget_below_used', message: `budgetAmount ${record.budget_amount} is below the ${used.usedAmount} already used` });
    }
    if (record.budget_uses !== null && record.budget_uses < used.usedUses) {
      errors.push({ field: 'budgetUses', code: 'budget_below_used', message: `budgetUses ${record.budget_uses} is below the ${used.usedUses} uses already taken` });
    }
    if (used.source !== 'admin') {
      warnings.push({ field: 'code', code: 'imported', message: `promotion ${record.code} was imported from ${used.source}: the next import may overwrite this change` });
    }
  }
  if (record.requires_coupon && (facts.existing?.coupons ?? 0) === 0) {
    warnings.push({ field: 'requiresCoupon', code: 'no_coupons', message: 'requiresCoupon is set but the promotion has no coupon codes yet: add some (POST …/coupons) or no order can use it' });
  }

  if (record.exclusive_group !== null && record.status !== 'ended') {
    const mine = { rule, eligibility: e, validFrom, validTo };
    for (const mate of facts.groupMates) {
      if (!windowsOverlap(mine, mate) || !audiencesOverlap(e, mate.eligibility, facts.dealers) || !scopesOverlap(mine, mate, facts.products)) continue;
      warnings.push({
        field: 'exclusiveGroup',
        code: 'exclusive_group_conflict',
        message: `${mate.code} is also in exclusive group "${record.exclusive_group}" and can reach the same orders at the same time: the two exclusive promotions can never both apply, only the one giving the larger benefit does`,
      });
      if (!record.stackable && !mate.stackable) {
        warnings.push({
          field: 'stackable',
          code: 'exclusive_non_stackable',
          message: `${record.code} and ${mate.code} are both non-stackable in exclusive group "${record.exclusive_group}": the group already lets only one apply, and non-stackable also keeps the winner from combining with any stackable promotion`,
        });
      }
    }
  }
  return { errors, warnings };
}

interface Windowed {
  validFrom: Date | null;
  validTo: Date | null;
}

function windowsOverlap(a: Windowed, b: Windowed): boolean {
  const startsBeforeEnd = (from: Date | null, to: Date | null) => from === null || to === null || from.getTime() < to.getTime();
  return startsBeforeEnd(a.validFrom, b.validTo) && startsBeforeEnd(b.validFrom, a.validTo);
}

const disjoint = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean => a !== undefined && b !== undefined && !a.some((x) => b.includes(x));

/** Whether some dealer, channel and ship-to region can satisfy both eligibilities (unknown: yes). */
function audiencesOverlap(a: Eligibility, b: Eligibility, dealers: ValidationFacts['dealers']): boolean {
  if (disjoint(a.channels, b.channels) || disjoint(a.dealers, b.dealers) || disjoint(a.tiers, b.tiers) || disjoint(a.groups, b.groups)) return false;
  if (a.regions !== undefined && b.regions !== undefined && !a.regions.some((x) => b.regions!.some((y) => x.startsWith(y) || y.startsWith(x)))) return false;
  // A dealer list against the other's tiers or groups: only dealers that exist can order.
  const fits = (code: string, other: Eligibility, own: Eligibility) => {
    const dealer = dealers.get(code);
    if (dealer === undefined) return false;
    for (const e of [own, other]) {
      if (e.dealers !== undefined && !e.dealers.includes(code)) return false;
      if (e.tiers !== undefined && !e.tiers.includes(dealer.tier)) return false;
      if (e.groups !== undefined && (dealer.group === null || !e.groups.includes(dealer.group))) return false;
    }
    return true;
  };
  if (a.dealers !== undefined && !a.dealers.some((d) => fits(d, b, a))) return false;
  if (b.dealers !== undefined && !b.dealers.some((d) => fits(d, a, b))) return false;
  return true;
}

/** The lines a promotion looks at: null = every line. */
function scopeOf(p: { rule: PromotionRule; eligibility: Eligibility }): { skus: Set<string>; categories: Set<string> } | null {
  if (p.rule.type === 'bundle') return { skus: new Set(p.rule.components.map((c) => c.sku)), categories: new Set() };
  const { products, categories } = p.eligibility;
  if (products === undefined && categories === undefined) return null;
  return { skus: new Set(products ?? []), categories: new Set(categories ?? []) };
}

function scopesOverlap(
  a: { rule: PromotionRule; eligibility: Eligibility },
  b: { rule: PromotionRule; eligibility: Eligibility },
  products: ValidationFacts['products'],
): boolean {
  const sa = scopeOf(a);
  const sb = scopeOf(b);
  if (sa === null || sb === null) return true;
  const reaches = (x: NonNullable<typeof sa>, y: NonNullable<typeof sb>) =>
    [...x.skus].some((sku) => y.skus.has(sku) || y.categories.has(products.get(sku)?.category ?? '\u0000')) || [...x.categories].some((c) => y.categories.has(c));
  return reaches(sa, sb) || reaches(sb, sa);
}
