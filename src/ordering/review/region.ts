import { authorisationValidOn, isAuthorised } from '../region.js';
import type { ReviewRule } from './rule.js';

/**
 * Anti-diversion (窜货): the ship-to must lie inside a region the dealer is authorised for today.
 * `authorised` lists only the grants in force today, which is what the dealer could have used.
 */
export const regionRule: ReviewRule = (input, today) => {
  const { shipTo } = input;
  if (isAuthorised(shipTo.regionCode, input.authorisations, today).authorised) return [];
  const authorised = input.authorisations.filter((a) => authorisationValidOn(a, today)).map((a) => a.regionCode);
  const listZh = authorised.length > 0 ? `授权区域：${authorised.join('、')}` : '当前无有效授权区域';
  const listEn = authorised.length > 0 ? `authorised: ${authorised.join(', ')}` : 'no authorisation in force';
  return [
    {
      rule: 'region',
      code: 'region_mismatch',
      severity: 'hold',
      data: { shipTo: shipTo.code, regionCode: shipTo.regionCode, authorised },
      message: {
        'zh-CN': `收货地址 ${shipTo.code}（区域 ${shipTo.regionCode}）不在经销商授权区域内（${listZh}），疑似窜货`,
        en: `Ship-to ${shipTo.code} (region ${shipTo.regionCode}) is outside the dealer's authorised regions (${listEn}); possible diversion`,
      },
    },
  ];
};
