/**
 * What issue 8 adds to FEFO allocation, as pure functions over the order's facts: lots get their
 * effective expiry (production + shelf life when none is given), each line its minimum remaining
 * shelf life (the strictest of the day minimums on dealer and product and the configured
 * fractions for everyone, the dealer, its channel and the product), and its channel's cap on
 * the warehouse pool. After allocation each line is annotated with the tier of what it would
 * receive and, when it is short or capped, why.
 */
import { DEFAULT_INVENTORY, type InventoryConfig } from '../core/config/schema-inventory.js';
import type { AllocationRules } from '../ordering/availability.js';
import type { LineAvailability, LotFacts, WarehouseFacts } from '../ordering/types.js';
import { channelAtp, channelOf, channelsLimit, usageKey, type ChannelAtp, type ChannelUsage, type DealerIdentity } from './channels.js';
import { effectiveExpiry, meetsMinFraction, shelfLife, thresholdsFor, worstTier, type ExpiryTier } from './shelf-life.js';

/** What a line would receive and why it may be short; added to LineAvailability as `inventory`. */
export interface LineInventory {
  /** The worst tier among the allocated lots (null: none of them is in a tier, or nothing allocated). */
  expiryTier: ExpiryTier | null;
  /** Of the first-expiring allocated lot. */
  remainingDays: number | null;
  remainingFraction: number | null;
  channel: string;
  /** Present when expiry, a shelf-life minimum or the channel's cap held stock back from a short or capped line. */
  explanation?: StockExplanation;
}

export interface StockExplanation {
  warehouse: string;
  /** Unreserved units of the SKU in the warehouse, every lot. */
  inStock: number;
  expired: number;
  belowMinShelfLife: number;
  /** What is left after expiry and shelf-life rules (before safety stock and channel caps). */
  eligible: number;
  minShelfLife: { fraction: number; days: number };
  channelAtp?: ChannelAtp;
}

interface ProductInfo {
  shelfLifeDays: number | null;
  minRemainingShelfLifeDays: number | null;
  category?: string | null;
}

export interface AllocationFacts {
  dealer: DealerIdentity & { minRemainingShelfLifeDays: number | null };
  products: Map<string, ProductInfo>;
  lots: LotFacts[];
  channelUsage?: ChannelUsage | undefined;
}

export interface AllocationPlan {
  channel: string;
  /** The lots with their effective expiry. */
  lots: LotFacts[];
  rules: (line: { sku: string }) => AllocationRules;
  annotate(results: LineAvailability[], warehouses: WarehouseFacts[]): LineAvailability[];
}

export function allocationPlan(facts: AllocationFacts, today: string, config: InventoryConfig = DEFAULT_INVENTORY): AllocationPlan {
  const channel = channelOf(facts.dealer, config.channels);
  const lots = facts.lots.map((l) => {
    const expiryDate = effectiveExpiry(l, facts.products.get(l.sku)?.shelfLifeDays);
    return expiryDate === l.expiryDate ? l : { ...l, expiryDate };
  });
  const original = new Map(lots.map((l) => [l.lotId, l.reserved]));
  const limiting = channelsLimit(config.channels) && facts.channelUsage !== undefined;

  const minFor = (sku: string) => {
    const m = config.minRemainingShelfLife;
    const product = facts.products.get(sku);
    return {
      fraction: Math.max(m.default, m.dealers[facts.dealer.code] ?? 0, config.channels[channel]?.minRemainingShelfLife ?? 0, m.products[sku] ?? 0),
      days: Math.max(facts.dealer.minRemainingShelfLifeDays ?? 0, product?.minRemainingShelfLifeDays ?? 0),
    };
  };
  const atpOf = (sku: string, warehouseCode: string, offered: ReadonlyArray<{ lot: LotFacts; atp: number }>): ChannelAtp => {
    const used = new Map(facts.channelUsage?.get(usageKey(sku, warehouseCode)) ?? []);
    // Earlier lines of this order (a gift sharing the SKU) show as extra reserved units on the lots.
    const inThisOrder = offered.reduce((s, e) => s + (e.lot.reserved - (original.get(e.lot.lotId) ?? e.lot.reserved)), 0);
    if (inThisOrder > 0) used.set(channel, (used.get(channel) ?? 0) + inThisOrder);
    return channelAtp(channel, offered.reduce((s, e) => s + e.atp, 0), used, config.channels);
  };
  const lastAtp = new Map<string, ChannelAtp>();

  const rules = (line: { sku: string }): AllocationRules => {
    const min = minFor(line.sku);
    const r: AllocationRules = { today, minRemainingDays: min.days, minRemainingFraction: min.fraction, shelfLifeDays: facts.products.get(line.sku)?.shelfLifeDays ?? null };
    if (limiting) {
      r.limit = (sku, warehouseCode, offered) => {
        const atp = atpOf(sku, warehouseCode, offered);
        lastAtp.set(usageKey(sku, warehouseCode), atp);
        return atp.available;
      };
    }
    return r;
  };

  const annotate = (results: LineAvailability[]): LineAvailability[] =>
    results.map((a) => {
      const product = facts.products.get(a.sku);
      const thresholds = thresholdsFor(product?.category, config.expiry);
      const lives = a.allocations.map((al) => shelfLife({ expiryDate: al.expiryDate, productionDate: lots.find((l) => l.lotId === al.lotId)?.productionDate ?? null }, product?.shelfLifeDays, today, thresholds));
      const first = lives[0];
      const info: LineInventory = { expiryTier: worstTier(lives.map((l) => l.tier)), remainingDays: first?.remainingDays ?? null, remainingFraction: first?.remainingFraction ?? null, channel };
      const atp = a.warehouseCode !== null ? lastAtp.get(usageKey(a.sku, a.warehouseCode)) : undefined;
      const capped = atp !== undefined && atp.available < atp.pool;
      if (a.warehouseCode !== null && (a.shortfall > 0 || capped)) {
        const why = explain(a.sku, a.warehouseCode, lots, minFor(a.sku), product?.shelfLifeDays ?? null, today, capped ? atp : undefined);
        // Only when a rule held stock back: a plain shortage needs no more words than it has.
        if (capped || why.expired > 0 || why.belowMinShelfLife > 0) info.explanation = why;
      }
      return { ...a, inventory: info };
    });

  return { channel, lots, rules, annotate };
}

function explain(sku: string, warehouse: string, lots: LotFacts[], min: { fraction: number; days: number }, shelfLifeDays: number | null, today: string, atp: ChannelAtp | undefined): StockExplanation {
  let inStock = 0;
  let expired = 0;
  let below = 0;
  for (const lot of lots) {
    if (lot.sku !== sku || lot.warehouseCode !== warehouse) continue;
    const free = Math.max(0, lot.onHand - lot.reserved);
    inStock += free;
    if (lot.expiryDate === null) continue;
    if (lot.expiryDate < today) expired += free;
    else if (!meetsMinFraction(lot, shelfLifeDays, today, min.fraction) || daysFrom(today, lot.expiryDate) < min.days) below += free;
  }
  const explanation: StockExplanation = { warehouse, inStock, expired, belowMinShelfLife: below, eligible: inStock - expired - below, minShelfLife: min };
  if (atp) explanation.channelAtp = atp;
  return explanation;
}

function daysFrom(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The sentences a stock finding gains from an explanation (zh-CN and en), empty when there is nothing to add. */
export function explanationText(e: StockExplanation | undefined): { zh: string; en: string } {
  if (!e) return { zh: '', en: '' };
  const zh: string[] = [];
  const en: string[] = [];
  if (e.belowMinShelfLife === 0 && e.expired > 0) {
    en.push(`${e.inStock} in stock, ${e.expired} of it expired`);
    zh.push(`库存 ${e.inStock}，其中 ${e.expired} 已过期`);
  } else if (e.belowMinShelfLife > 0) {
    const rule = e.minShelfLife.fraction > 0 ? `≥ ${Math.round(e.minShelfLife.fraction * 100)}% shelf life` : `≥ ${e.minShelfLife.days} days of shelf life`;
    const ruleZh = e.minShelfLife.fraction > 0 ? `剩余保质期 ≥ ${Math.round(e.minShelfLife.fraction * 100)}%` : `剩余保质期 ≥ ${e.minShelfLife.days} 天`;
    en.push(`${e.inStock} in stock but only ${e.eligible} with ${rule}${e.expired > 0 ? ` (${e.expired} expired)` : ''}`);
    zh.push(`库存 ${e.inStock}，其中满足${ruleZh}的仅 ${e.eligible}${e.expired > 0 ? `（${e.expired} 已过期）` : ''}`);
  }
  const c = e.channelAtp;
  if (c && c.available < c.pool) {
    const quota = c.quota === null ? '' : `, quota ${c.quota}`;
    en.push(`channel ${c.channel} may take ${c.available} of the pool of ${c.pool}${quota}, ${c.reservedByChannel} reserved by the channel, ${c.reservedByOthers} by others, ${c.fencedForOthers} ring-fenced for other channels`);
    zh.push(`渠道 ${c.channel} 可用 ${c.available}（库存池 ${c.pool}${c.quota === null ? '' : `，配额 ${c.quota}`}，本渠道已占用 ${c.reservedByChannel}，其他渠道占用 ${c.reservedByOthers}，为其他渠道保留 ${c.fencedForOthers}）`);
  }
  return { zh: zh.length > 0 ? `；${zh.join('；')}` : '', en: en.length > 0 ? `; ${en.join('; ')}` : '' };
}
