/**
 * Promotions benchmark: single-threaded `evaluatePromotions` on deterministic 20-line carts
 * against 50 active promotions of every type (product/category eligibility, two exclusive
 * groups, non-stackable ones, three that need a coupon with the coupon entered). Baselines in the
 * same run: the engine with no promotions (its fixed cost: cart preparation, gift-price map,
 * result assembly) and `JSON.parse(JSON.stringify(cart))`.
 *
 * Contexts are built per cart beforehand (not timed), with `giftProducts` holding what the order
 * path loads: the cart's SKUs and the gift SKUs of the loaded promotions.
 *
 * Method: after a warm-up, every call is timed on its own with process.hrtime.bigint() (two
 * timer reads per call, ~0.1 µs, included in the figures); throughput = calls ÷ wall-clock time
 * of the whole timed loop. Carts are cycled round-robin. Writes bench/results/promotions.json.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { promotionRule, type CouponFacts, type Promotion, type PromotionRule } from '../src/ordering/promotions/definition.js';
import { evaluatePromotions } from '../src/ordering/promotions/engine.js';
import type { CartLine, PromotionContext, PromotionResult } from '../src/ordering/promotions/types.js';
import { ratioOf, type SummaryRow } from './table.js';
import { mulberry32 } from '../src/core/seeded-random.js';

const SECONDS = Number(process.env.BENCH_PROMO_SECONDS ?? 3);
const BASELINE_SECONDS = Number(process.env.BENCH_PROMO_BASELINE_SECONDS ?? 2);
const WARMUP_SECONDS = Number(process.env.BENCH_PROMO_WARMUP_SECONDS ?? 1.5);
const CART_LINES = 20;
const CARTS = 256;
const GOAL = 20_000;

const CATALOGUE = 400;
/** The first POPULAR SKUs are the promoted ones; each cart takes half its lines from them. */
const POPULAR = 40;
const CATEGORIES = ['tools', 'paint', 'garden', 'electrical', 'plumbing', 'hardware', 'safety', 'lighting'] as const;

const sku = (i: number) => `SKU${String(i).padStart(4, '0')}`;
const categoryOf = (i: number) => CATEGORIES[i % CATEGORIES.length]!;

/** Unit prices in 1/10000, with 4 decimals (0.5000 … 800.0000). */
const price4 = (() => {
  const rand = mulberry32(7);
  return Array.from({ length: CATALOGUE }, () => 5_000 + Math.floor(rand() * 7_995_000));
})();
const fmt4 = (p: number) => `${Math.floor(p / 10_000)}.${String(p % 10_000).padStart(4, '0')}`;
const fmt2 = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;

function makeCarts(): CartLine[][] {
  const rand = mulberry32(42);
  const pick = (from: number, to: number, taken: Set<number>) => {
    for (;;) {
      const i = from + Math.floor(rand() * (to - from));
      if (!taken.has(i)) {
        taken.add(i);
        return i;
      }
    }
  };
  return Array.from({ length: CARTS }, () => {
    const taken = new Set<number>();
    const chosen: number[] = [];
    for (let k = 0; k < CART_LINES / 2; k += 1) chosen.push(pick(0, POPULAR, taken));
    for (let k = 0; k < CART_LINES / 2; k += 1) chosen.push(pick(POPULAR, CATALOGUE, taken));
    // Cart order is not SKU order.
    for (let k = chosen.length - 1; k > 0; k -= 1) {
      const j = Math.floor(rand() * (k + 1));
      [chosen[k], chosen[j]] = [chosen[j]!, chosen[k]!];
    }
    return chosen.map((i, position): CartLine => {
      // Mostly small quantities, sometimes a bulk line (quantity breaks, buy-X-get-Y).
      const qty = rand() < 0.2 ? 10 + Math.floor(rand() * 50) : 1 + Math.floor(rand() * 9);
      const p = price4[i]!;
      const gross = Math.floor((p * qty + 50) / 100); // R(unitPrice × qty) to cents, half-up
      return { lineNo: position + 1, sku: sku(i), qty, unitPrice: fmt4(p), gross: fmt2(gross), category: categoryOf(i) };
    });
  });
}

const NOW = new Date('2026-06-15T04:00:00.000Z');

function makePromotions(): Promotion[] {
  const promotions: Promotion[] = [];
  const add = (rule: unknown, extra: Partial<Promotion> = {}) => {
    const id = promotions.length + 1;
    promotions.push({
      id,
      code: `BENCH-${id}`,
      name: `Bench promotion ${id}`,
      rule: promotionRule.parse(rule) as PromotionRule,
      eligibility: {},
      priority: 100 + (id % 7) * 10,
      stackable: true,
      exclusiveGroup: null,
      validFrom: new Date('2026-01-01T00:00:00Z'),
      validTo: new Date('2027-01-01T00:00:00Z'),
      requiresCoupon: false,
      status: 'active',
      budgetAmount: null,
      budgetUses: null,
      usedAmount: '0.00',
      usedUses: 0,
      perDealerLimit: null,
      ...extra,
    });
  };
  const pop = (...indices: number[]) => indices.map(sku);
  const below = (i: number, percent: number) => fmt4(Math.floor((price4[i]! * (100 - percent)) / 100));

  // line_discount × 8
  add({ type: 'line_discount', percentOff: '5' }, { eligibility: { categories: ['tools'] } });
  add({ type: 'line_discount', percentOff: '12.5' }, { eligibility: { products: pop(1, 2, 3) } });
  add({ type: 'line_discount', amountOff: '2.00', per: 'unit', maxQty: 10 }, { eligibility: { products: pop(4, 5) } });
  add({ type: 'line_discount', amountOff: '5.00', per: 'line' }, { eligibility: { categories: ['paint', 'garden'] } });
  add({ type: 'line_discount', percentOff: '8' }, { eligibility: { categories: ['electrical'], excludeProducts: pop(3, 11, 19) } });
  add({ type: 'line_discount', percentOff: '3' }, { stackable: false });
  add({ type: 'line_discount', percentOff: '15' }, { eligibility: { products: pop(6, 7), tiers: ['gold', 'platinum'] }, requiresCoupon: true });
  add({ type: 'line_discount', percentOff: '10' }, { eligibility: { categories: ['lighting'], channels: ['portal', 'api'] }, exclusiveGroup: 'CLEARANCE' });
  // quantity_break × 5 (one SKU each, break prices below its list price)
  for (const i of [8, 9, 10, 12, 13]) {
    add({ type: 'quantity_break', breaks: [{ minQty: 10, unitPrice: below(i, 3) }, { minQty: 20, unitPrice: below(i, 6) }, { minQty: 50, unitPrice: below(i, 10) }] }, { eligibility: { products: pop(i) } });
  }
  // buy_x_get_y × 4
  add({ type: 'buy_x_get_y', buy: 10, get: 1 }, { eligibility: { products: pop(14, 15) } });
  add({ type: 'buy_x_get_y', buy: 5, get: 1, maxFreeQty: 3 }, { eligibility: { products: pop(16, 17, 18) } });
  add({ type: 'buy_x_get_y', buy: 3, get: 1 }, { eligibility: { products: pop(20) }, stackable: false });
  add({ type: 'buy_x_get_y', buy: 12, get: 2 }, { eligibility: { categories: ['hardware'] }, exclusiveGroup: 'CLEARANCE' });
  // bundle × 4 (set price 90 % of the list)
  const bundle = (components: Array<[number, number]>, maxSets?: number) => {
    const list = components.reduce((sum, [i, q]) => sum + Math.floor((price4[i]! * q + 50) / 100), 0);
    add({ type: 'bundle', components: components.map(([i, q]) => ({ sku: sku(i), qty: q })), price: fmt2(Math.floor(list * 0.9)), ...(maxSets ? { maxSets } : {}) });
  };
  bundle([[21, 1], [22, 1]]);
  bundle([[23, 1], [24, 2]], 2);
  bundle([[25, 1], [26, 1], [27, 1]]);
  bundle([[0, 1], [28, 1]]);
  // mix_match × 4
  add({ type: 'mix_match', quantity: 3, percentOff: '10' }, { eligibility: { categories: ['safety'] } });
  add({ type: 'mix_match', quantity: 5, percentOff: '7.5', maxSets: 2 }, { eligibility: { categories: ['plumbing', 'hardware'] } });
  add({ type: 'mix_match', quantity: 2, price: '150.00' }, { eligibility: { products: pop(29, 30, 31, 32, 33) } });
  add({ type: 'mix_match', quantity: 4, price: '900.00' }, { eligibility: { categories: ['garden'] } });
  // threshold × 6 (two in exclusive group SPRING)
  add({ type: 'threshold', threshold: '1000.00', amountOff: '50.00' });
  add({ type: 'threshold', threshold: '3000.00', amountOff: '200.00' }, { exclusiveGroup: 'SPRING' });
  add({ type: 'threshold', threshold: '5000.00', amountOff: '400.00' }, { exclusiveGroup: 'SPRING' });
  add({ type: 'threshold', threshold: '800.00', amountOff: '40.00' }, { eligibility: { categories: ['tools'] } });
  add({ type: 'threshold', threshold: '2000.00', amountOff: '150.00' }, { stackable: false });
  add({ type: 'threshold', threshold: '500.00', amountOff: '20.00' }, { requiresCoupon: true, perDealerLimit: 3 });
  // tiered × 5
  const tiers = (...pairs: Array<[string, string]>) => ({ type: 'tiered', tiers: pairs.map(([threshold, amountOff]) => ({ threshold, amountOff })) });
  add(tiers(['1000.00', '30.00'], ['3000.00', '120.00'], ['8000.00', '400.00']));
  add(tiers(['500.00', '15.00'], ['1500.00', '60.00']), { eligibility: { categories: ['paint'] } });
  add(tiers(['2000.00', '80.00'], ['6000.00', '300.00']), { exclusiveGroup: 'SPRING' });
  add(tiers(['300.00', '10.00'], ['900.00', '40.00'], ['2700.00', '150.00']), { eligibility: { categories: ['electrical', 'lighting'] }, budgetAmount: '100000.00', usedAmount: '2500.00' });
  add(tiers(['4000.00', '100.00']), { eligibility: { regions: ['44'], groups: ['GA', 'GB'] } });
  // repeating × 4
  add({ type: 'repeating', every: '1000.00', amountOff: '30.00', maxAmountOff: '300.00' });
  add({ type: 'repeating', every: '500.00', amountOff: '10.00' }, { eligibility: { categories: ['garden'] } });
  add({ type: 'repeating', every: '2500.00', amountOff: '100.00' }, { budgetUses: 10_000, usedUses: 1_234 });
  add({ type: 'repeating', every: '200.00', amountOff: '5.00', maxAmountOff: '50.00' }, { eligibility: { products: pop(34, 35, 36, 37) } });
  // order_percent × 5 (two in exclusive group VIP, two non-stackable, one with a coupon)
  add({ type: 'order_percent', percentOff: '2' }, { exclusiveGroup: 'VIP' });
  add({ type: 'order_percent', percentOff: '3', minSubtotal: '5000.00' }, { exclusiveGroup: 'VIP' });
  add({ type: 'order_percent', percentOff: '5', minSubtotal: '10000.00' }, { stackable: false });
  add({ type: 'order_percent', percentOff: '1.5' }, { eligibility: { categories: ['tools', 'hardware'], excludeProducts: pop(0, 1) } });
  add({ type: 'order_percent', percentOff: '4' }, { requiresCoupon: true, stackable: false });
  // gift × 5 (gift SKUs from the catalogue's tail)
  add({ type: 'gift', minSubtotal: '2000.00', gifts: [{ sku: sku(390), qty: 1 }] });
  add({ type: 'gift', minSubtotal: '1000.00', gifts: [{ sku: sku(391), qty: 2 }], perMultiple: true, maxSets: 5 });
  add({ type: 'gift', minQty: 30, gifts: [{ sku: sku(392), qty: 1 }, { sku: sku(393), qty: 1 }] }, { eligibility: { categories: ['paint', 'tools', 'safety'] } });
  add({ type: 'gift', minSubtotal: '500.00', minQty: 5, gifts: [{ sku: sku(394), qty: 1 }], perMultiple: true }, { eligibility: { categories: ['plumbing'] } });
  add({ type: 'gift', minSubtotal: '3000.00', gifts: [{ sku: sku(395), qty: 1 }] }, { eligibility: { firstOrder: false, newDealerDays: 3650 } });
  return promotions;
}

/** One context per cart, as src/orders/evaluate.ts builds it for a request. */
function makeContext(promotions: readonly Promotion[], cart: readonly CartLine[]): PromotionContext {
  const couponFor = (code: string, promotionId: number, extra: Partial<CouponFacts> = {}): CouponFacts => ({
    code,
    promotionId,
    maxUses: null,
    used: 12,
    perDealerLimit: 5,
    dealerUses: 1,
    dealerCode: null,
    validFrom: null,
    validTo: null,
    status: 'active',
    ...extra,
  });
  const needing = promotions.filter((p) => p.requiresCoupon).map((p) => p.id);
  if (needing.length !== 3) throw new Error(`expected 3 promotions that need a coupon, got ${needing.length}`);
  // As in src/orders/evaluate.ts + facts.ts: the products loaded for the order (the cart's SKUs and
  // the gift SKUs of the loaded promotions), each with the dealer's unit price when it has one.
  const giftProducts = new Map<string, { unitPrice: string | null }>();
  const skus = [...cart.map((l) => l.sku), ...promotions.flatMap((p) => (p.rule.type === 'gift' ? p.rule.gifts.map((g) => g.sku) : []))];
  for (const s of skus) {
    const i = Number(s.slice(3));
    giftProducts.set(s, { unitPrice: i % 50 === 49 ? null : fmt4(price4[i]!) });
  }
  return {
    now: NOW,
    today: '2026-06-15',
    channel: 'portal',
    dealer: { code: 'D001', tier: 'gold', group: 'GA', cooperationSince: '2024-01-01', priorOrders: 12 },
    regionCode: '440305',
    currency: 'CNY',
    couponCodes: ['line15', ' WELCOME ', 'Vip4'],
    coupons: [couponFor('LINE15', needing[0]!), couponFor('WELCOME', needing[1]!, { dealerCode: 'D001' }), couponFor('VIP4', needing[2]!, { maxUses: 1000, used: 999 })],
    dealerUses: new Map([[needing[1]!, 1]]),
    giftProducts,
  };
}

interface Timing {
  calls: number;
  seconds: number;
  perSecond: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  maxUs: number;
  meanUs: number;
}

let sink = 0;

/** Calls `work(i)` for `seconds`, timing each call; returns throughput and latency percentiles. */
function measure(seconds: number, work: (i: number) => number): Timing {
  let latencies = new Float64Array(1 << 16);
  let n = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  let t1 = start;
  while (t1 < deadline) {
    const t0 = process.hrtime.bigint();
    sink ^= work(n);
    t1 = process.hrtime.bigint();
    if (n === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[n] = Number(t1 - t0);
    n += 1;
  }
  const elapsed = Number(t1 - start) / 1e9;
  const sorted = latencies.subarray(0, n).sort();
  const at = (p: number) => sorted[Math.min(n - 1, Math.floor((p / 100) * n))]! / 1000;
  let total = 0;
  for (let k = 0; k < n; k += 1) total += sorted[k]!;
  const round = (x: number, places: number) => Number(x.toFixed(places));
  return {
    calls: n,
    seconds: round(elapsed, 3),
    perSecond: Math.round(n / elapsed),
    p50Us: round(at(50), 1),
    p90Us: round(at(90), 1),
    p99Us: round(at(99), 1),
    maxUs: round(sorted[n - 1]! / 1000, 1),
    meanUs: round(total / n / 1000, 2),
  };
}

/** The Node/V8 flags of this run, without tsx's own loader (empty: the defaults). */
function nodeFlags(): string[] {
  const args = process.execArgv;
  const flags: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if ((arg === '--require' || arg === '--import') && args[i + 1]?.includes('tsx')) i += 1;
    else if (!arg.includes('tsx')) flags.push(arg);
  }
  return [...flags, ...(process.env.NODE_OPTIONS ?? '').split(' ').filter(Boolean)];
}

/** The benchmark's inputs (also for profiling outside the bench). */
export function promotionsWorkload(): { carts: CartLine[][]; promotions: Promotion[]; contexts: PromotionContext[] } {
  const carts = makeCarts();
  const promotions = makePromotions();
  if (promotions.length !== 50) throw new Error(`expected 50 promotions, got ${promotions.length}`);
  return { carts, promotions, contexts: carts.map((c) => makeContext(promotions, c)) };
}

export async function benchPromotions(): Promise<Record<string, unknown>> {
  const { carts, promotions, contexts } = promotionsWorkload();

  // What the mix does on these carts (checks the bench exercises the engine, not only screening).
  let applied = 0;
  let giftLines = 0;
  const appliedByType = new Map<string, number>();
  const results: PromotionResult[] = carts.map((c, i) => evaluatePromotions(c, promotions, contexts[i]!));
  for (const r of results) {
    for (const p of r.promotions) {
      if (p.status !== 'applied') continue;
      applied += 1;
      appliedByType.set(p.type, (appliedByType.get(p.type) ?? 0) + 1);
    }
    giftLines += r.lines.filter((l) => l.isGift).length;
  }
  const couponStatuses = results[0]!.coupons.map((c) => `${c.code.trim()}:${c.status}`);

  const evaluate = (i: number) => evaluatePromotions(carts[i % CARTS]!, promotions, contexts[i % CARTS]!).lines.length;
  const evaluateEmpty = (i: number) => evaluatePromotions(carts[i % CARTS]!, [], contexts[i % CARTS]!).lines.length;
  const jsonClone = (i: number) => (JSON.parse(JSON.stringify(carts[i % CARTS]!)) as CartLine[]).length;

  // Warm-up: let V8 optimise all three paths.
  measure(WARMUP_SECONDS / 3, jsonClone);
  measure(WARMUP_SECONDS / 3, evaluateEmpty);
  measure(WARMUP_SECONDS / 3, evaluate);

  const json = measure(BASELINE_SECONDS, jsonClone);
  console.log(`baseline JSON.parse(JSON.stringify(cart)): ${json.perSecond}/s, p50 ${json.p50Us} µs, p99 ${json.p99Us} µs`);
  const empty = measure(BASELINE_SECONDS, evaluateEmpty);
  console.log(`baseline evaluatePromotions(cart, [], context): ${empty.perSecond}/s, p50 ${empty.p50Us} µs, p99 ${empty.p99Us} µs`);
  const full = measure(SECONDS, evaluate);
  console.log(`evaluatePromotions, 20 lines × 50 promotions: ${full.perSecond}/s, p50 ${full.p50Us} µs, p99 ${full.p99Us} µs`);

  const result = {
    cartLines: CART_LINES,
    promotions: promotions.length,
    carts: CARTS,
    evaluationsPerSecond: full.perSecond,
    p50Us: full.p50Us,
    p90Us: full.p90Us,
    p99Us: full.p99Us,
    maxUs: full.maxUs,
    meanUs: full.meanUs,
    evaluations: full.calls,
    seconds: full.seconds,
    goalEvaluationsPerSecond: GOAL,
    met: full.perSecond >= GOAL,
    baselineNoPromotions: empty,
    baselineJsonClone: json,
    /** evaluatePromotions with 50 promotions ÷ with none (same carts, same context). */
    ratioToNoPromotions: Number((full.perSecond / empty.perSecond).toFixed(3)),
    /** evaluatePromotions with 50 promotions ÷ JSON.parse(JSON.stringify(cart)). */
    ratioToJsonClone: Number((full.perSecond / json.perSecond).toFixed(4)),
    workload: {
      appliedPromotionsPerCart: Number((applied / CARTS).toFixed(2)),
      appliedByType: Object.fromEntries([...appliedByType].sort()),
      giftLinesPerCart: Number((giftLines / CARTS).toFixed(2)),
      couponsEntered: couponStatuses,
      giftProductsPerContext: Number((contexts.reduce((n, c) => n + c.giftProducts.size, 0) / CARTS).toFixed(1)),
    },
    method:
      'single thread; warm-up, then each call timed with process.hrtime.bigint() (timer overhead included); throughput = calls / wall-clock of the timed loop; carts cycled round-robin',
    node: process.version,
    /** Node/V8 flags of the run besides tsx's loader (none = defaults, as the figures are meant). */
    nodeFlags: nodeFlags(),
    notes:
      'Figures with default flags. A larger young generation (--max-semi-space-size) would make scavenges rarer; it is a deployment knob, not part of these figures.',
    measuredAt: new Date().toISOString(),
    machine: `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown cpu'}`,
  };
  if (sink === 0.5) console.log(sink); // keeps the results observable
  Object.assign(result, { summary: summarizePromotions(result) });
  writeFileSync(new URL('./results/promotions.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

/** The rows this bench contributes to the one table (bench/table.ts). */
export function summarizePromotions(r: {
  cartLines: number;
  promotions: number;
  evaluationsPerSecond: number;
  p99Us: number;
  goalEvaluationsPerSecond: number;
  baselineNoPromotions: { perSecond: number; p99Us: number };
}): SummaryRow[] {
  return [
    {
      figure: `promotion engine, ${r.cartLines}-line carts × ${r.promotions} promotions`,
      value: r.evaluationsPerSecond,
      unit: 'evaluations/s',
      baseline: r.baselineNoPromotions.perSecond,
      ratio: ratioOf(r.evaluationsPerSecond, r.baselineNoPromotions.perSecond),
      goal: `≥ ${r.goalEvaluationsPerSecond.toLocaleString('en-US')} evaluations/s (baseline: no promotions)`,
      pass: r.evaluationsPerSecond >= r.goalEvaluationsPerSecond,
    },
    { figure: 'promotion engine p99 per cart', value: r.p99Us, unit: 'µs', baseline: r.baselineNoPromotions.p99Us, ratio: ratioOf(r.p99Us, r.baselineNoPromotions.p99Us), goal: null, pass: null },
  ];
}
