import { describe, expect, it } from 'vitest';
import { riskSchema } from '../../src/core/config/schema-credit-risk.js';
import { review } from '../../src/ordering/review/index.js';
import type { ReviewInput } from '../../src/ordering/types.js';
import { riskFindings, scoreRisk } from '../../src/risk/score.js';
import { robustZ, strengthAbove, Z_CAP } from '../../src/risk/stats.js';
import type { RiskContext, RiskOrder } from '../../src/risk/types.js';
import { asHistory, generateHistory, SHIP_TOS, type GeneratedOrder } from './generate.js';

const now = new Date('2026-03-01T06:00:00Z');
const settings = riskSchema.parse({});
const history = generateHistory(20260301, now);

function order(over: Partial<RiskOrder> = {}): RiskOrder {
  return { at: now, net: '5000.00', shipTo: SHIP_TOS[0], paymentMethod: 'transfer', lines: [{ sku: 'SKU-1', qty: 50 }], ...over };
}
const ctx = (o: Partial<RiskOrder> = {}, h: GeneratedOrder[] = history, s = settings): RiskContext => ({ settings: s, history: asHistory(h), order: order(o) });
const points = (c: RiskContext) => {
  const r = scoreRisk(c);
  if (!r.scored) throw new Error('not scored');
  return Object.fromEntries(r.factors.map((f) => [f.factor, f.points]));
};

describe('robust statistics', () => {
  it('modified z-score on median and MAD', () => {
    // median 3, |deviations| 2 1 0 1 97 → MAD 1; z(100) = 0.6745 · 97
    expect(robustZ(100, [1, 2, 3, 4, 100]).z).toBeCloseTo(65.4265, 4);
    expect(robustZ(3, [1, 2, 3, 4, 100]).z).toBe(0);
  });
  it('MAD 0 falls back to the mean absolute deviation, all-equal to the cap', () => {
    // median 5, MAD 0, mean |dev| 0.2 → z(6) = 1 / (1.2533 · 0.2)
    expect(robustZ(6, [5, 5, 5, 5, 6]).z).toBeCloseTo(3.9894, 3);
    expect(robustZ(7, [5, 5, 5]).z).toBe(Z_CAP);
    expect(robustZ(5, [5, 5, 5]).z).toBe(0);
  });
  it.each([[3.4, 0], [3.5, 0.5], [5.25, 0.75], [7, 1], [70, 1]])('strength at z %s is %s', (z, s) => {
    expect(strengthAbove(z, 3.5)).toBe(s);
  });
});

describe('risk score over a generated history (seeded)', () => {
  it('normal orders drawn from the same behaviour score 0 and are approved with an info finding', () => {
    const next = generateHistory(777, now, 12, 0, 0);
    for (const n of next) {
      const c = ctx({ net: n.net, shipTo: SHIP_TOS.find((s) => s.code === n.shipTo)!, lines: n.lines });
      const [finding, ...rest] = riskFindings(c);
      expect(rest).toEqual([]);
      expect(finding).toMatchObject({ rule: 'risk', code: 'risk_score', severity: 'info', data: { score: 0, threshold: 50, historyOrders: 40 } });
    }
  });

  it('a 10× amount is held, the amount z-score and the SKU spike contributing', () => {
    const c = ctx({ net: '50000.00', lines: [{ sku: 'SKU-1', qty: 500 }] });
    expect(points(c)).toEqual({ amount: 60, skuQuantity: 30, shipTo: 0, region: 0, paymentMethod: 0, velocity: 0 });
    const [finding] = riskFindings(c);
    expect(finding).toMatchObject({ code: 'risk_high', severity: 'hold', data: { score: 90, threshold: 50 } });
    const amount = (finding!.data.factors as Array<Record<string, unknown>>).find((f) => f.factor === 'amount')!;
    expect(amount.z as number).toBeGreaterThan(7);
    expect(finding!.message.en).toMatch(/^Risk score 90 reaches the threshold of 50: Order amount 50000.00 is \d+(\.\d)?× the dealer's median/);
  });

  it('the amount alone, at 10× with usual quantities of a dearer mix, still holds (60 ≥ 50)', () => {
    expect(riskFindings(ctx({ net: '50000.00' }))[0]).toMatchObject({ severity: 'hold', data: { score: 60 } });
  });

  it('a new ship-to in a city the dealer never shipped to is flagged: 25 + 30 points hold', () => {
    const c = ctx({ shipTo: { code: 'ST-NEW', regionCode: '330106' } });
    expect(points(c)).toMatchObject({ shipTo: 25, region: 30, amount: 0 });
    const [finding] = riskFindings(c);
    expect(finding).toMatchObject({ code: 'risk_high', severity: 'hold', data: { score: 55 } });
    expect(finding!.message.en).toContain('Ship-to ST-NEW was never used before');
    expect(finding!.message.en).toContain('outside the regions the dealer shipped to (4401, 4403)');
  });

  it('a new ship-to in a known city is only noted (25 < 50)', () => {
    expect(riskFindings(ctx({ shipTo: { code: 'ST-C', regionCode: '440306' } }))[0]).toMatchObject({ severity: 'info', data: { score: 25 } });
  });

  it('a velocity burst is flagged: 9 orders in the last 12 hours plus this one', () => {
    const burst = generateHistory(99, now, 9).map((o, i) => ({ ...o, at: new Date(now.getTime() - (i + 1) * 3_600_000).toISOString(), shipTo: SHIP_TOS[0].code, regionCode: SHIP_TOS[0].regionCode }));
    const c = ctx({}, [...history, ...burst]);
    const p = points(c);
    expect(p.velocity).toBe(50);
    const [finding] = riskFindings(c);
    expect(finding).toMatchObject({ code: 'risk_high', severity: 'hold' });
    const velocity = (finding!.data.factors as Array<Record<string, unknown>>).find((f) => f.factor === 'velocity')!;
    expect(velocity).toMatchObject({ count: 10, countLimit: 4 });
  });

  it('three orders in a day is not a burst', () => {
    const two = generateHistory(5, now, 2).map((o, i) => ({ ...o, at: new Date(now.getTime() - (i + 1) * 4 * 3_600_000).toISOString(), shipTo: SHIP_TOS[0].code, regionCode: SHIP_TOS[0].regionCode }));
    expect(points(ctx({}, [...history, ...two])).velocity).toBe(0);
  });

  it('a payment method never used adds its weight; without methods in the history it is not judged', () => {
    expect(points(ctx({ paymentMethod: 'cash' })).paymentMethod).toBe(20);
    expect(points(ctx({ paymentMethod: 'cash' }, generateHistory(20260301, now, 40, 3, 2, null)))).not.toHaveProperty('paymentMethod');
  });

  it('too little history is not scored, and then has no finding', () => {
    const short = history.slice(-7);
    expect(scoreRisk(ctx({}, short))).toMatchObject({ scored: false, historyOrders: 7 });
    expect(riskFindings(ctx({ net: '50000.00' }, short))).toEqual([]);
    // 40 orders all within the last day: no "usual" yet either (minHistoryDays)
    const recent = generateHistory(1, now, 40, 0.01, 0.01);
    expect(scoreRisk(ctx({}, recent))).toMatchObject({ scored: false });
  });

  it('risk.enabled false and a threshold from config are honoured', () => {
    expect(riskFindings(ctx({ net: '50000.00' }, history, riskSchema.parse({ enabled: false })))).toEqual([]);
    expect(riskFindings(ctx({ shipTo: { code: 'ST-C', regionCode: '440306' } }, history, riskSchema.parse({ holdThreshold: 20 })))[0]!.severity).toBe('hold');
  });

  it('the review holds on the risk rule and still approves without a risk context', () => {
    const input: ReviewInput = {
      lines: [], availability: [], orderNet: '50000.00', currency: 'CNY', shipTo: SHIP_TOS[0], authorisations: [{ regionCode: '44', validFrom: '2020-01-01', validTo: null }],
      credit: { currency: 'CNY', creditLimit: '1000000.00', arOpen: '0', openOrders: '0', overdue: '0', oldestOverdueDays: 0 },
      policy: { stockPolicy: 'hold', overdueToleranceDays: 30 },
    };
    expect(review(input, '2026-03-01')).toEqual({ decision: 'approve', findings: [] });
    const held = review({ ...input, risk: ctx({ net: '50000.00', lines: [{ sku: 'SKU-1', qty: 500 }] }) }, '2026-03-01');
    expect(held.decision).toBe('hold');
    expect(held.findings.map((f) => f.code)).toEqual(['risk_high']);
  });
});
