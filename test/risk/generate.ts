/**
 * Seeded order histories for the risk tests: a dealer ordering every ~3 days for months, with
 * amounts and quantities drawn around known centres, from two ship-tos in two cities. Anomalies
 * are added by the tests themselves, so each test knows exactly what is unusual.
 */
import type { RiskHistory, RiskHistoryOrder } from '../../src/risk/types.js';
import { mulberry32 } from '../../src/core/seeded-random.js';

export const SHIP_TOS = [
  { code: 'ST-A', regionCode: '440305' },
  { code: 'ST-B', regionCode: '440106' },
] as const;

export interface GeneratedOrder extends RiskHistoryOrder {
  lines: Array<{ sku: string; qty: number }>;
}

/**
 * `count` orders ending `endDaysAgo` days before `now`, one every `everyDays` days (± half a day),
 * amounts uniform in centre ± 10 %, quantities of SKU-1 uniform in 40..60 (price 100.00 each).
 */
export function generateHistory(seed: number, now: Date, count = 40, everyDays = 3, endDaysAgo = 2, paymentMethod: string | null = 'transfer'): GeneratedOrder[] {
  const random = mulberry32(seed);
  const orders: GeneratedOrder[] = [];
  for (let i = 0; i < count; i += 1) {
    const daysAgo = endDaysAgo + (count - 1 - i) * everyDays + (random() - 0.5);
    const qty = 40 + Math.floor(random() * 21);
    const shipTo = random() < 0.6 ? SHIP_TOS[0] : SHIP_TOS[1];
    orders.push({
      at: new Date(now.getTime() - daysAgo * 86_400_000).toISOString(),
      net: (qty * 100).toFixed(2),
      shipTo: shipTo.code,
      regionCode: shipTo.regionCode,
      paymentMethod,
      lines: [{ sku: 'SKU-1', qty }],
    });
  }
  return orders;
}

export function asHistory(orders: GeneratedOrder[]): RiskHistory {
  const skuQuantities: Record<string, number[]> = {};
  for (const o of orders) for (const l of o.lines) (skuQuantities[l.sku] ??= []).push(l.qty);
  return { orders: orders.map(({ lines: _lines, ...o }) => o), skuQuantities };
}
