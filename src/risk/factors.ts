/**
 * The risk factors, each a pure function of the order, the dealer's history and its settings.
 * A factor that cannot judge (too little of the history it needs) returns null: it neither adds
 * points nor claims the order looks normal.
 */
import { median, robustZ, round, strengthAbove } from './stats.js';
import type { RiskContext, RiskFactor, RiskHistoryOrder } from './types.js';

const HOUR_MS = 3_600_000;

function factor(name: RiskFactor['factor'], weight: number, strength: number, data: Record<string, unknown>, zh: string, en: string): RiskFactor {
  return { factor: name, points: round(weight * strength, 1), strength: round(strength, 3), data, message: { 'zh-CN': zh, en } };
}

/** Order amount against the dealer's own amounts (robust z-score). */
export function amountFactor({ order, history, settings }: RiskContext): RiskFactor | null {
  const { weight, zThreshold } = settings.factors.amount;
  const amounts = history.orders.map((o) => Number(o.net));
  if (amounts.length < settings.minHistoryOrders) return null;
  const x = Number(order.net);
  const { z, median } = robustZ(x, amounts);
  const strength = strengthAbove(z, zThreshold);
  const data = { amount: order.net, median: median.toFixed(2), z: round(z), zThreshold, historyOrders: amounts.length };
  const times = median > 0 ? round(x / median, 1) : null;
  return factor('amount', weight, strength, data,
    `订单金额 ${order.net} 是该经销商历史中位数 ${data.median} 的 ${times ?? '—'} 倍（稳健 z 值 ${data.z}，阈值 ${zThreshold}）`,
    `Order amount ${order.net} is ${times ?? '—'}× the dealer's median of ${data.median} (robust z ${data.z}, threshold ${zThreshold})`);
}

/** Each SKU's quantity against the dealer's earlier quantities of that SKU; the worst SKU counts. */
export function skuQuantityFactor({ order, history, settings }: RiskContext): RiskFactor | null {
  const { weight, zThreshold } = settings.factors.skuQuantity;
  const judged = order.lines
    .map((line) => ({ line, past: history.skuQuantities[line.sku] ?? [] }))
    .filter(({ past }) => past.length >= settings.minHistoryOrders)
    .map(({ line, past }) => {
      const { z, median } = robustZ(line.qty, past);
      return { sku: line.sku, qty: line.qty, median, z: round(z), strength: strengthAbove(z, zThreshold) };
    });
  if (judged.length === 0) return null;
  const spikes = judged.filter((j) => j.strength > 0).sort((a, b) => b.strength - a.strength || a.sku.localeCompare(b.sku));
  const worst = spikes[0];
  const data = { zThreshold, skus: judged.map(({ strength: _s, ...rest }) => rest) };
  if (!worst) return factor('skuQuantity', weight, 0, data, '各商品数量与历史相符', 'Every SKU quantity is in line with the dealer\'s history');
  const list = spikes.map((s) => `${s.sku} ${s.qty} (median ${s.median}, z ${s.z})`).join(', ');
  const listZh = spikes.map((s) => `${s.sku} ${s.qty}（中位数 ${s.median}，z ${s.z}）`).join('，');
  return factor('skuQuantity', weight, worst.strength, data, `商品数量异常：${listZh}`, `Quantity spike: ${list}`);
}

/** A ship-to never (or rarely) used by the dealer's earlier orders. */
export function shipToFactor({ order, history, settings }: RiskContext): RiskFactor | null {
  const { weight, rareUses } = settings.factors.shipTo;
  const uses = history.orders.filter((o) => o.shipTo === order.shipTo.code).length;
  const strength = uses === 0 ? 1 : uses < rareUses ? 0.5 : 0;
  const data = { shipTo: order.shipTo.code, uses, historyOrders: history.orders.length };
  return factor('shipTo', weight, strength, data,
    uses === 0 ? `收货地址 ${order.shipTo.code} 从未使用过` : `收货地址 ${order.shipTo.code} 此前使用 ${uses} 次`,
    uses === 0 ? `Ship-to ${order.shipTo.code} was never used before` : `Ship-to ${order.shipTo.code} was used ${uses} time(s) before`);
}

const LEVEL_DIGITS = { province: 2, city: 4, district: 6 } as const;

/** A ship-to region (at the configured level) outside every region the dealer shipped to. */
export function regionFactor({ order, history, settings }: RiskContext): RiskFactor | null {
  const { weight, level } = settings.factors.region;
  const digits = LEVEL_DIGITS[level];
  const known = [...new Set(history.orders.map((o) => o.regionCode.slice(0, digits)))].sort();
  const region = order.shipTo.regionCode.slice(0, digits);
  const outside = !known.includes(region);
  const data = { regionCode: order.shipTo.regionCode, level, knownRegions: known };
  return factor('region', weight, outside ? 1 : 0, data,
    outside ? `收货区域 ${region} 不在该经销商历史发货区域（${known.join('、')}）内` : `收货区域 ${region} 为历史发货区域`,
    outside ? `Ship-to region ${region} is outside the regions the dealer shipped to (${known.join(', ')})` : `Ship-to region ${region} is one the dealer ships to`);
}

/** A payment method the dealer never or rarely uses. Not judged without methods on both sides. */
export function paymentMethodFactor({ order, history, settings }: RiskContext): RiskFactor | null {
  const { weight, rareShare } = settings.factors.paymentMethod;
  const method = order.paymentMethod;
  const withMethod = history.orders.filter((o) => o.paymentMethod !== null);
  if (method === null || withMethod.length < settings.minHistoryOrders) return null;
  const counts = new Map<string, number>();
  for (const o of withMethod) counts.set(o.paymentMethod!, (counts.get(o.paymentMethod!) ?? 0) + 1);
  const usual = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
  const share = (counts.get(method) ?? 0) / withMethod.length;
  const strength = share === 0 ? 1 : share < rareShare ? 0.5 : 0;
  const data = { paymentMethod: method, usual, share: round(share, 3), rareShare };
  return factor('paymentMethod', weight, strength, data,
    strength > 0 ? `付款方式 ${method} 不同于惯用的 ${usual}（占比 ${round(share * 100, 1)}%）` : `付款方式 ${method} 为常用方式`,
    strength > 0 ? `Payment method ${method} differs from the usual ${usual} (${round(share * 100, 1)} % of orders)` : `Payment method ${method} is a usual one`);
}

/**
 * Orders (count and amount) in the sliding window ending now, this one included, against the
 * dealer's typical rate before the window. Needs history before the window to know "typical".
 */
export function velocityFactor({ order, history, settings }: RiskContext): RiskFactor | null {
  const { weight, windowHours, ratio, minCount } = settings.factors.velocity;
  const now = order.at.getTime();
  const windowStart = now - windowHours * HOUR_MS;
  const times = (o: RiskHistoryOrder) => new Date(o.at).getTime();
  const inWindow = history.orders.filter((o) => times(o) >= windowStart && times(o) <= now);
  const before = history.orders.filter((o) => times(o) < windowStart);
  if (before.length < settings.minHistoryOrders) return null;
  const oldest = Math.min(...before.map(times));
  const windows = (windowStart - oldest) / (windowHours * HOUR_MS);
  // The oldest order starts the span, so it is not part of the rate (n orders span n − 1 gaps).
  const typicalCount = windows > 0 ? (before.length - 1) / windows : before.length;
  const typicalAmount = windows > 0 ? before.reduce((s, o) => s + Number(o.net), 0) / Math.max(1, windows) : 0;
  const count = inWindow.length + 1;
  const amount = inWindow.reduce((s, o) => s + Number(o.net), 0) + Number(order.net);
  const countLimit = Math.max(minCount, ratio * typicalCount);
  // A single large order is the amount factor's business: the window's amount counts only with
  // several orders, and never below minCount orders of the dealer's median size.
  const medianAmount = median(before.map((o) => Number(o.net)));
  const amountLimit = Math.max(ratio * typicalAmount, minCount * medianAmount, 0.01);
  const countStrength = strengthAbove(count, countLimit);
  const amountStrength = count >= 2 ? strengthAbove(amount, amountLimit) : 0;
  const strength = Math.max(countStrength, amountStrength);
  const data = {
    windowHours, count, countLimit: round(countLimit), typicalCount: round(typicalCount, 3),
    amount: amount.toFixed(2), amountLimit: amountLimit.toFixed(2), typicalAmount: typicalAmount.toFixed(2),
  };
  return factor('velocity', weight, strength, data,
    strength > 0
      ? `${windowHours} 小时内第 ${count} 单、合计 ${data.amount}，通常约 ${round(typicalCount, 2)} 单、${data.typicalAmount}`
      : `${windowHours} 小时内下单频率正常（${count} 单）`,
    strength > 0
      ? `${count} orders for ${data.amount} within ${windowHours} h; typically ${round(typicalCount, 2)} orders for ${data.typicalAmount}`
      : `Order rate normal (${count} within ${windowHours} h)`);
}

export const FACTORS = [amountFactor, skuQuantityFactor, shipToFactor, regionFactor, paymentMethodFactor, velocityFactor] as const;
