import type { RiskContext, RiskHistory, RiskSettings } from './types.js';

/**
 * What the risk rule needs of an order being evaluated (src/orders/evaluate.ts). Undefined —
 * no risk finding — when risk is off or no history was read (quotes and orders read it; an
 * admin's approval does not re-score).
 */
export function riskContext(
  settings: RiskSettings | undefined,
  history: RiskHistory | null | undefined,
  order: { at: Date; net: string; shipTo: { code: string; regionCode: string }; paymentMethod?: string | undefined; lines: Array<{ sku: string; qty: number; isGift: boolean }> },
): RiskContext | undefined {
  if (!settings?.enabled || !history) return undefined;
  return {
    settings,
    history,
    order: {
      at: order.at,
      net: order.net,
      shipTo: { code: order.shipTo.code, regionCode: order.shipTo.regionCode },
      paymentMethod: order.paymentMethod ?? null,
      lines: order.lines.filter((l) => !l.isGift).map((l) => ({ sku: l.sku, qty: l.qty })),
    },
  };
}
