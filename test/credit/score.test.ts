import { describe, expect, it } from 'vitest';
import { creditSchema } from '../../src/core/config/schema-credit-risk.js';
import { normalise, paymentRecord, salesTrend, scoreCredit } from '../../src/credit/score.js';
import type { ArItem, CreditInputs } from '../../src/credit/types.js';

const today = '2026-06-30';
const settings = creditSchema.parse({});
const paid = (documentNo: string, dueDate: string, paidAt: string, amount: string): ArItem => ({ documentNo, documentDate: '2026-01-01', dueDate, amount, openAmount: '0.00', paidAt });
const open = (documentNo: string, dueDate: string, amount: string, openAmount = amount): ArItem => ({ documentNo, documentDate: '2026-01-01', dueDate, amount, openAmount, paidAt: null });

/**
 * A hand-built history: 2 of 4 judged invoices on time; 20,000 paid 10 days late and 5,000 open
 * 20 days past due → (20000·10 + 5000·20) / 45000 = 6.67 days; an invoice not yet due is not
 * judged. Ten years a dealer. Sales 330,000 over 12 buckets, the last 3 up a third on the 3 before.
 */
const inputs = (over: Partial<CreditInputs> = {}): CreditInputs => ({
  dealerCode: 'D9',
  currency: 'CNY',
  cooperationSince: '2016-06-30',
  currentLimit: '50000.00',
  arItems: [
    paid('A1', '2026-01-31', '2026-01-31', '10000.00'),
    paid('A2', '2026-02-28', '2026-03-10', '20000.00'),
    paid('A3', '2026-03-31', '2026-03-30', '10000.00'),
    open('A4', '2026-06-10', '5000.00'),
    open('A5', '2026-07-15', '8000.00'),
  ],
  salesBuckets: ['40000.00', '40000.00', '40000.00', '30000.00', '30000.00', '30000.00', ...Array(6).fill('20000.00')],
  ...over,
});

describe('credit factors', () => {
  it('normalises either direction and clamps', () => {
    expect(normalise(0.75, 0.5, 1)).toBe(0.5);
    expect(normalise(15, 60, 0)).toBe(0.75);
    expect(normalise(-3, 0, 10)).toBe(0);
    expect(normalise(12, 0, 10)).toBe(1);
  });
  it('payment record: settled and past-due items are judged, items not yet due are not', () => {
    expect(paymentRecord(inputs().arItems, today)).toEqual({ judged: 4, onTime: 2, weightedDays: 300000, weight: 45000 });
  });
  it('trend: last 3 buckets against the 3 before', () => {
    expect(salesTrend(inputs().salesBuckets)).toEqual({ value: 0.3333, recent: '120000.00', prior: '90000.00' });
    expect(salesTrend(Array(12).fill('0')).value).toBe(0);
    expect(salesTrend(['1', ...Array(11).fill('0')]).value).toBe(1);
  });
});

describe('credit score and suggested limit', () => {
  it('known factors, contributions, band and limit for the hand-built history', () => {
    const s = scoreCredit(inputs(), settings, today);
    const byName = Object.fromEntries(s.factors.map((f) => [f.factor, f]));
    expect(byName.onTimeRatio).toMatchObject({ value: 0.5, subScore: 0, weight: 0.3, contribution: 0 });
    expect(byName.daysBeyondTerms).toMatchObject({ value: 6.67, subScore: 0.8888, weight: 0.25, contribution: 0.2222 });
    expect(byName.cooperationYears).toMatchObject({ value: 10, subScore: 1, contribution: 0.15 });
    expect(byName.salesVolume).toMatchObject({ value: 330000, subScore: 0.33, contribution: 0.0495, detail: { monthlyAverage: '27500.00' } });
    expect(byName.salesTrend).toMatchObject({ value: 0.3333, subScore: 0.8333, contribution: 0.125 });
    expect(s).toMatchObject({ score: 0.5467, band: 'C', months: 1.5, base: '41250.00', suggestedLimit: '41250.00', bounded: [], changePercent: -17.5, decision: 'propose' });
  });

  it('the change per review is capped at maxChangePercent', () => {
    expect(scoreCredit(inputs({ currentLimit: '100000.00' }), settings, today)).toMatchObject({ suggestedLimit: '80000.00', bounded: ['maxChange'], changePercent: -20 });
  });

  it('small changes in an auto-apply band are applied, others proposed', () => {
    expect(scoreCredit(inputs({ currentLimit: '45000.00' }), settings, today)).toMatchObject({ changePercent: -8.33, decision: 'propose' });
    expect(scoreCredit(inputs({ currentLimit: '45000.00' }), creditSchema.parse({ autoApplyBands: ['C'] }), today)).toMatchObject({ decision: 'apply' });
    expect(scoreCredit(inputs({ currentLimit: '41250.00' }), settings, today)).toMatchObject({ changePercent: 0, decision: 'none' });
  });

  it('a model dealer: band A lends 3 months of sales', () => {
    const s = scoreCredit(
      inputs({ arItems: [paid('B1', '2026-05-31', '2026-05-20', '100000.00')], salesBuckets: Array(12).fill('100000.00'), currentLimit: '280000.00', cooperationSince: '2010-01-01' }),
      settings,
      today,
    );
    // on time 1 → 0.3, 0 days → 0.25, 16 years → 0.15, 1.2M → 0.15, flat trend → 0.075
    expect(s).toMatchObject({ score: 0.925, band: 'A', base: '300000.00', suggestedLimit: '300000.00', changePercent: 7.14, decision: 'apply' });
  });

  it('no data is neutral, and the minimum limit is a hard floor', () => {
    const s = scoreCredit(inputs({ arItems: [], salesBuckets: Array(12).fill('0.00'), cooperationSince: null, currentLimit: '0.00' }), settings, today);
    expect(s.factors.map((f) => f.subScore)).toEqual([0.5, 0.5, 0.5, 0, 0.5]);
    expect(s).toMatchObject({ score: 0.425, band: 'C', base: '0.00', suggestedLimit: '10000.00', bounded: ['minLimit'], changePercent: null, decision: 'propose' });
  });

  it('weights and bands come from the config', () => {
    const only = creditSchema.parse({
      factors: { onTimeRatio: { weight: 1 }, daysBeyondTerms: { weight: 0 }, cooperationYears: { weight: 0 }, salesVolume: { weight: 0 }, salesTrend: { weight: 0 } },
      bands: [{ name: 'X', minScore: 0, months: 6 }],
    });
    expect(scoreCredit(inputs(), only, today)).toMatchObject({ score: 0, band: 'X', base: '165000.00', suggestedLimit: '60000.00', bounded: ['maxChange'] });
  });

  it('writeBack refuses the order and shipment targets (the relay would hand limit rows to them)', () => {
    const bad = creditSchema.safeParse({ writeBack: { target: 'erp' } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.message).toContain('name a target for credit limits');
    expect(creditSchema.parse({ writeBack: { target: 'erp-credit' } }).writeBack).toEqual({ target: 'erp-credit' });
  });
});
