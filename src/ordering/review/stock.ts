import { explanationText } from '../../inventory/allocation.js';
import type { Finding, LineAvailability } from '../types.js';
import type { ReviewRule } from './rule.js';

function shortFinding(a: LineAvailability, backorder: boolean): Finding {
  const wh = a.warehouseCode;
  const whZh = wh === null ? '无可用仓库' : `仓库 ${wh}`;
  const whEn = wh === null ? 'no warehouse' : `warehouse ${wh}`;
  const available = a.requested - a.shortfall;
  // Why the stock is short when rules held some back (shelf life, channel quotas): issue 8.
  const why = explanationText(a.inventory?.explanation);
  const finding: Finding = {
    rule: 'stock',
    code: 'stock_short',
    severity: backorder ? 'info' : 'hold',
    data: { lineNo: a.lineNo, sku: a.sku, requested: a.requested, available, shortfall: a.shortfall, warehouse: wh },
    message: backorder
      ? {
          'zh-CN': `第 ${a.lineNo} 行 ${a.sku} 库存不足：需要 ${a.requested}，可用 ${available}，缺 ${a.shortfall} 转为欠货待发（${whZh}）`,
          en: `Line ${a.lineNo} ${a.sku} is short: ${a.requested} requested, ${available} available, ${a.shortfall} back-ordered (${whEn})`,
        }
      : {
          'zh-CN': `第 ${a.lineNo} 行 ${a.sku} 库存不足：需要 ${a.requested}，可用 ${available}，缺 ${a.shortfall}（${whZh}）`,
          en: `Line ${a.lineNo} ${a.sku} is short: ${a.requested} requested, ${available} available, ${a.shortfall} missing (${whEn})`,
        },
  };
  if (a.inventory?.explanation) {
    finding.data.stock = a.inventory.explanation;
    finding.message = { 'zh-CN': finding.message['zh-CN'] + why.zh, en: finding.message.en + why.en };
  }
  return finding;
}

/**
 * Every line must be covered by ATP. Policy 'hold' holds the order on any short line;
 * 'backorder' lets it proceed with the available quantities and records the rest as info.
 * A priced line without an availability result always holds: approving it could oversell.
 */
export const stockRule: ReviewRule = (input) => {
  const backorder = input.policy.stockPolicy === 'backorder';
  const findings: Finding[] = [];
  for (const a of input.availability) {
    if (a.shortfall > 0) findings.push(shortFinding(a, backorder));
  }
  const covered = new Set(input.availability.map((a) => a.lineNo));
  for (const line of input.lines) {
    if (covered.has(line.lineNo)) continue;
    findings.push({
      rule: 'stock',
      code: 'stock_unknown',
      severity: 'hold',
      data: { lineNo: line.lineNo, sku: line.sku, requested: line.qty },
      message: {
        'zh-CN': `第 ${line.lineNo} 行 ${line.sku} 未能确认库存`,
        en: `Line ${line.lineNo} ${line.sku} has no availability result`,
      },
    });
  }
  return findings;
};
