import { Decimal } from 'decimal.js';
import type { Finding } from '../types.js';
import { moneyString, type ReviewRule } from './rule.js';

/**
 * Order amount must fit in the headroom (limit − open AR − approved-not-invoiced orders), and
 * overdue balances older than the tolerance hold the order whatever the headroom. Exact decimals.
 */
export const creditRule: ReviewRule = (input) => {
  const credit = input.credit;
  if (credit === null) {
    return [
      {
        rule: 'credit',
        code: 'no_credit_account',
        severity: 'hold',
        data: { orderAmount: moneyString(new Decimal(input.orderNet)), currency: input.currency },
        message: { 'zh-CN': '经销商没有信用账户', en: 'The dealer has no credit account' },
      },
    ];
  }
  const findings: Finding[] = [];
  if (credit.currency !== input.currency) {
    // Comparing amounts across currencies would be meaningless; a person has to look.
    findings.push({
      rule: 'credit',
      code: 'credit_currency_mismatch',
      severity: 'hold',
      data: { creditCurrency: credit.currency, orderCurrency: input.currency },
      message: {
        'zh-CN': `信用账户币种 ${credit.currency} 与订单币种 ${input.currency} 不一致`,
        en: `Credit account currency ${credit.currency} differs from order currency ${input.currency}`,
      },
    });
  } else {
    const limit = new Decimal(credit.creditLimit);
    const arOpen = new Decimal(credit.arOpen);
    const openOrders = new Decimal(credit.openOrders);
    const amount = new Decimal(input.orderNet);
    const headroom = limit.minus(arOpen).minus(openOrders);
    if (amount.greaterThan(headroom)) {
      const d = {
        limit: moneyString(limit),
        arOpen: moneyString(arOpen),
        openOrders: moneyString(openOrders),
        orderAmount: moneyString(amount),
        headroom: moneyString(headroom),
        shortBy: moneyString(amount.minus(headroom)),
      };
      const c = input.currency;
      findings.push({
        rule: 'credit',
        code: 'credit_exceeded',
        severity: 'hold',
        data: { ...d, currency: c },
        message: {
          'zh-CN': `订单金额 ${d.orderAmount} ${c} 超出可用信用额度 ${d.headroom} ${c}（额度 ${d.limit}，应收未清 ${d.arOpen}，在途订单 ${d.openOrders}），超出 ${d.shortBy} ${c}`,
          en: `Order amount ${d.orderAmount} ${c} exceeds the credit headroom of ${d.headroom} ${c} (limit ${d.limit}, open AR ${d.arOpen}, open orders ${d.openOrders}) by ${d.shortBy} ${c}`,
        },
      });
    }
  }
  const overdue = new Decimal(credit.overdue);
  const tolerance = input.policy.overdueToleranceDays;
  if (overdue.greaterThan(0) && credit.oldestOverdueDays > tolerance) {
    const o = moneyString(overdue);
    findings.push({
      rule: 'credit',
      code: 'overdue_beyond_tolerance',
      severity: 'hold',
      data: { overdue: o, currency: credit.currency, oldestOverdueDays: credit.oldestOverdueDays, toleranceDays: tolerance },
      message: {
        'zh-CN': `存在逾期欠款 ${o} ${credit.currency}，最长逾期 ${credit.oldestOverdueDays} 天，超过容忍期 ${tolerance} 天`,
        en: `Overdue balance of ${o} ${credit.currency}, oldest ${credit.oldestOverdueDays} days overdue, beyond the ${tolerance}-day tolerance`,
      },
    });
  }
  return findings;
};
