import { describe, expect, it } from 'vitest';
import type { CreditFacts, Finding, LineAvailability, PricedLine, ReviewInput, ReviewPolicy } from '../types.js';
import { creditRule, DEFAULT_RULES, regionRule, review, riskRule, stockRule } from './index.js';

const today = '2025-06-15';

const priced = (lineNo: number, sku: string, qty: number): PricedLine => ({
  lineNo, sku, qty, requestedQty: qty, unitPrice: '10.00', gross: '0.00', discount: '0.00', net: '0.00', priceListCode: 'STD',
});
const avail = (lineNo: number, sku: string, requested: number, available: number, warehouseCode: string | null = 'WH-SZ'): LineAvailability => ({
  lineNo, sku, requested, available, warehouseCode, allocations: [], shortfall: Math.max(0, requested - available),
});
const credit = (over: Partial<CreditFacts> = {}): CreditFacts => ({
  currency: 'CNY', creditLimit: '10000.00', arOpen: '3000.00', openOrders: '2000.10', overdue: '0.00', oldestOverdueDays: 0, ...over,
});
const policy: ReviewPolicy = { stockPolicy: 'hold', overdueToleranceDays: 30 };

function input(over: Partial<ReviewInput> = {}): ReviewInput {
  return {
    lines: [priced(1, 'MLK-250-24', 10), priced(2, 'YGT-100-12', 5)],
    availability: [avail(1, 'MLK-250-24', 10, 50), avail(2, 'YGT-100-12', 5, 5)],
    orderNet: '1000.00',
    currency: 'CNY',
    credit: credit(),
    shipTo: { code: 'ST-01', regionCode: '440305' },
    authorisations: [{ regionCode: '4403', validFrom: '2024-01-01', validTo: null }],
    policy,
    ...over,
  };
}

const codes = (fs: Finding[]) => fs.map((f) => `${f.code}:${f.severity}`);

describe('stock rule', () => {
  const short = [avail(1, 'MLK-250-24', 10, 50), avail(2, 'MLK-250-24', 120, 80)];

  it('lines fully available produce nothing', () => {
    expect(stockRule(input(), today)).toEqual([]);
  });

  it('hold policy: a short line holds, with its numbers and both sentences', () => {
    const [f, ...rest] = stockRule(input({ availability: short }), today);
    expect(rest).toEqual([]);
    expect(f).toEqual({
      rule: 'stock',
      code: 'stock_short',
      severity: 'hold',
      data: { lineNo: 2, sku: 'MLK-250-24', requested: 120, available: 80, shortfall: 40, warehouse: 'WH-SZ' },
      message: {
        'zh-CN': '第 2 行 MLK-250-24 库存不足：需要 120，可用 80，缺 40（仓库 WH-SZ）',
        en: 'Line 2 MLK-250-24 is short: 120 requested, 80 available, 40 missing (warehouse WH-SZ)',
      },
    });
  });

  it('backorder policy: info, not hold, and says back-ordered', () => {
    const result = review(input({ availability: short, policy: { ...policy, stockPolicy: 'backorder' } }), today);
    expect(result.decision).toBe('approve');
    expect(codes(result.findings)).toEqual(['stock_short:info']);
    expect(result.findings[0]!.message.en).toContain('40 back-ordered');
  });

  it('a priced line without an availability result holds', () => {
    expect(codes(stockRule(input({ availability: [avail(1, 'MLK-250-24', 10, 50)] }), today))).toEqual(['stock_unknown:hold']);
  });
});

describe('credit rule', () => {
  // headroom = 10000.00 − 3000.00 − 2000.10 = 4999.90
  it.each([
    ['well inside headroom', '100.00', []],
    ['exactly the headroom approves', '4999.90', []],
    ['one cent more holds', '4999.91', ['credit_exceeded:hold']],
  ])('%s', (_name, orderNet, expected) => {
    expect(codes(creditRule(input({ orderNet }), today))).toEqual(expected);
  });

  it('reports the numbers as exact decimal strings', () => {
    const [f] = creditRule(input({ orderNet: '4999.91' }), today);
    expect(f!.data).toMatchObject({
      limit: '10000.00', arOpen: '3000.00', openOrders: '2000.10', orderAmount: '4999.91', headroom: '4999.90', shortBy: '0.01',
    });
    expect(f!.message.en).toContain('by 0.01 CNY');
  });

  it('avoids float error (0.1 + 0.2 style amounts)', () => {
    const c = credit({ creditLimit: '0.30', arOpen: '0.10', openOrders: '0.00' });
    expect(creditRule(input({ credit: c, orderNet: '0.20' }), today)).toEqual([]);
  });

  it.each([
    ['at the tolerance passes', '500.00', 30, []],
    ['one day beyond holds', '500.00', 31, ['overdue_beyond_tolerance:hold']],
    ['old but nothing overdue passes', '0.00', 90, []],
  ])('overdue %s', (_name, overdue, oldestOverdueDays, expected) => {
    expect(codes(creditRule(input({ credit: credit({ overdue, oldestOverdueDays }) }), today))).toEqual(expected);
  });

  it('overdue data names the tolerance', () => {
    const [f] = creditRule(input({ credit: credit({ overdue: '500', oldestOverdueDays: 31 }) }), today);
    expect(f!.data).toEqual({ overdue: '500.00', currency: 'CNY', oldestOverdueDays: 31, toleranceDays: 30 });
  });

  it('overdue holds even with headroom exceeded too: both findings', () => {
    const fs = creditRule(input({ orderNet: '9000.00', credit: credit({ overdue: '1.00', oldestOverdueDays: 60 }) }), today);
    expect(codes(fs)).toEqual(['credit_exceeded:hold', 'overdue_beyond_tolerance:hold']);
  });

  it('no credit account holds', () => {
    expect(codes(creditRule(input({ credit: null }), today))).toEqual(['no_credit_account:hold']);
  });

  it('a currency mismatch holds instead of comparing', () => {
    expect(codes(creditRule(input({ credit: credit({ currency: 'USD' }) }), today))).toEqual(['credit_currency_mismatch:hold']);
  });
});

describe('region rule', () => {
  const auth = (regionCode: string, validTo: string | null = null) => ({ regionCode, validFrom: '2024-01-01', validTo });
  it.each([
    ['city authorisation covers the district', [auth('4403')], '440305', []],
    ['province authorisation covers the district', [auth('440000')], '440305', []],
    ['another city is diversion', [auth('4401')], '440305', ['region_mismatch:hold']],
    ['expired authorisation', [auth('4403', '2025-06-14')], '440305', ['region_mismatch:hold']],
    ['authorisation ending today still counts', [auth('4403', '2025-06-15')], '440305', []],
  ])('%s', (_name, authorisations, regionCode, expected) => {
    expect(codes(regionRule(input({ authorisations, shipTo: { code: 'ST-9', regionCode } }), today))).toEqual(expected);
  });

  it('lists only the authorisations in force', () => {
    const [f] = regionRule(input({ authorisations: [auth('4401'), auth('4403', '2025-01-01')], shipTo: { code: 'ST-9', regionCode: '440305' } }), today);
    expect(f!.data).toEqual({ shipTo: 'ST-9', regionCode: '440305', authorised: ['4401'] });
    expect(f!.message['zh-CN']).toContain('窜货');
  });
});

describe('review', () => {
  it('a clean order is approved with no findings', () => {
    expect(review(input(), today)).toEqual({ decision: 'approve', findings: [] });
  });

  it('holds iff a hold finding exists, reporting every rule in order', () => {
    const result = review(input({ credit: null, authorisations: [] }), today);
    expect(result.decision).toBe('hold');
    expect(codes(result.findings)).toEqual(['no_credit_account:hold', 'region_mismatch:hold']);
  });

  it('risk is a no-op hook and custom rules plug in', () => {
    expect(riskRule(input(), today)).toEqual([]);
    const scorer = (): Finding[] => [{ rule: 'risk', code: 'risk_high', severity: 'hold', data: { score: 0.9 }, message: { 'zh-CN': '风险高', en: 'High risk' } }];
    const rules = [...DEFAULT_RULES.filter((r) => r !== riskRule), scorer];
    expect(review(input(), today, rules).decision).toBe('hold');
  });
});
