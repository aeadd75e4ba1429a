/**
 * What the engine works out once per promotion object rather than on every call: its evaluator,
 * its eligibility as sets, its budget in cents; and, per list of promotions, their evaluation
 * order. Promotions are immutable once loaded (the store builds new objects when one changes), so
 * these caches are keyed on the objects themselves and can never answer for other contents.
 */
import { toCents } from './cents.js';
import { levelOf, type Promotion } from './definition.js';
import { compileRule, type Evaluator } from './rules.js';

export interface Compiled {
  promotion: Promotion;
  evaluate: Evaluator;
  lineLevel: boolean;
  /** A bundle's lines are its components: its eligible lines are never looked at. */
  bundle: boolean;
  products: ReadonlySet<string> | null;
  categories: ReadonlySet<string> | null;
  excluded: ReadonlySet<string> | null;
  /** No product, category or exclusion list: every cart line is eligible. */
  everyLine: boolean;
  /** The same lists as arrays, to look their entries up in the cart (see cart.ts eligibleLines). */
  productList: readonly string[];
  categoryList: readonly string[];
  excludedList: readonly string[];
  /** Eligibility lists for screening as sets (a dealer list may hold thousands of codes). */
  channels: ReadonlySet<string> | null;
  dealers: ReadonlySet<string> | null;
  tiers: ReadonlySet<string> | null;
  groups: ReadonlySet<string> | null;
  /** Cents of budget left, or null without an amount budget. */
  budgetLeft: number | null;
}

const compiledCache = new WeakMap<Promotion, Compiled>();

export function compile(promotion: Promotion): Compiled {
  let c = compiledCache.get(promotion);
  if (c === undefined) {
    const e = promotion.eligibility;
    const set = (list: readonly string[] | undefined) => (list === undefined ? null : new Set(list));
    c = {
      promotion,
      evaluate: compileRule(promotion.rule),
      lineLevel: levelOf(promotion.rule.type) === 'line',
      bundle: promotion.rule.type === 'bundle',
      products: set(e.products),
      categories: set(e.categories),
      excluded: set(e.excludeProducts),
      everyLine: e.products === undefined && e.categories === undefined && e.excludeProducts === undefined,
      productList: [...new Set(e.products)],
      categoryList: [...new Set(e.categories)],
      excludedList: [...new Set(e.excludeProducts)],
      channels: set(e.channels),
      dealers: set(e.dealers),
      tiers: set(e.tiers),
      groups: set(e.groups),
      budgetLeft: promotion.budgetAmount === null ? null : toCents(promotion.budgetAmount) - toCents(promotion.usedAmount),
    };
    compiledCache.set(promotion, c);
  }
  return c;
}

/** Line-level first, then priority, then id (README §3). */
function evaluationOrder(a: Compiled, b: Compiled): number {
  if (a.lineLevel !== b.lineLevel) return a.lineLevel ? -1 : 1;
  return a.promotion.priority - b.promotion.priority || a.promotion.id - b.promotion.id;
}

interface Ordered {
  /** The list's members when it was ordered: the entry holds only while they are the same. */
  members: readonly Promotion[];
  ordered: readonly Compiled[];
}

const NONE: readonly Compiled[] = [];

/** Per list of promotions (callers pass the same loaded list for many carts). */
const orderedCache = new WeakMap<readonly Promotion[], Ordered>();

/** The promotions compiled, in evaluation order. */
export function orderedPromotions(promotions: readonly Promotion[]): readonly Compiled[] {
  if (promotions.length === 0) return NONE;
  const cached = orderedCache.get(promotions);
  if (cached !== undefined && sameMembers(cached.members, promotions)) return cached.ordered;
  const ordered = promotions.map(compile).sort(evaluationOrder);
  orderedCache.set(promotions, { members: promotions.slice(), ordered });
  return ordered;
}

/** The list may have been changed in place since: compare its members one by one. */
function sameMembers(a: readonly Promotion[], b: readonly Promotion[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k += 1) if (a[k] !== b[k]) return false;
  return true;
}
