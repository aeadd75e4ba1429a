/**
 * The risk score of one order (issue 8): the sum of its factors' points, judged against the
 * dealer's own history. A dealer with too little history is not scored — "unusual" means
 * nothing without a usual — so new dealers and bursts of a brand-new account are left to the
 * credit and region rules.
 */
import type { Finding } from '../ordering/types.js';
import { FACTORS } from './factors.js';
import { round } from './stats.js';
import type { RiskContext, RiskFactor, RiskScore } from './types.js';

const DAY_MS = 86_400_000;

export function scoreRisk(ctx: RiskContext): RiskScore {
  const { settings, history, order } = ctx;
  const times = history.orders.map((o) => new Date(o.at).getTime());
  const historyOrders = times.length;
  const historyDays = historyOrders === 0 ? 0 : round((order.at.getTime() - Math.min(...times)) / DAY_MS, 1);
  if (historyOrders < settings.minHistoryOrders || historyDays < settings.minHistoryDays) {
    return {
      scored: false,
      historyOrders,
      historyDays,
      reason: {
        'zh-CN': `历史订单不足（${historyOrders} 单，跨 ${historyDays} 天；需要 ${settings.minHistoryOrders} 单、${settings.minHistoryDays} 天），未评分`,
        en: `Too little history to score (${historyOrders} orders over ${historyDays} days; needs ${settings.minHistoryOrders} over ${settings.minHistoryDays})`,
      },
    };
  }
  const factors = FACTORS.map((f) => f(ctx)).filter((f): f is RiskFactor => f !== null);
  const score = round(factors.reduce((s, f) => s + f.points, 0), 1);
  return { scored: true, score, threshold: settings.holdThreshold, factors, historyOrders, historyDays };
}

/**
 * The review finding: 'hold' at or above the threshold, listing the contributing factors;
 * 'info' below it, with the score and every factor, so an approval is explained too. An
 * unscored order has no finding (nothing was judged).
 */
export function riskFindings(ctx: RiskContext): Finding[] {
  if (!ctx.settings.enabled) return [];
  const result = scoreRisk(ctx);
  if (!result.scored) return [];
  const contributing = result.factors.filter((f) => f.points > 0).sort((a, b) => b.points - a.points);
  const factors = result.factors.map((f) => ({ factor: f.factor, points: f.points, strength: f.strength, ...f.data, message: f.message }));
  const data = { score: result.score, threshold: result.threshold, historyOrders: result.historyOrders, historyDays: result.historyDays, factors };
  const zh = contributing.map((f) => `${f.message['zh-CN']}（${f.points} 分）`).join('；');
  const en = contributing.map((f) => `${f.message.en} (${f.points} pts)`).join('; ');
  if (result.score >= result.threshold) {
    return [{
      rule: 'risk', code: 'risk_high', severity: 'hold', data,
      message: {
        'zh-CN': `风险评分 ${result.score} 达到阈值 ${result.threshold}：${zh}`,
        en: `Risk score ${result.score} reaches the threshold of ${result.threshold}: ${en}`,
      },
    }];
  }
  return [{
    rule: 'risk', code: 'risk_score', severity: 'info', data,
    message: {
      'zh-CN': `风险评分 ${result.score}，低于阈值 ${result.threshold}${zh ? `：${zh}` : ''}`,
      en: `Risk score ${result.score}, below the threshold of ${result.threshold}${en ? `: ${en}` : ''}`,
    },
  }];
}
