/**
 * Every reason the engine gives, in both languages, from a code and its numbers. Passes record
 * only the code and data; the sentences are built once, for the promotions in the result.
 */
import type { Explanation } from './types.js';

export type ReasonData = Record<string, string | number>;
export interface Reason {
  code: string;
  data: ReasonData;
}

type Template = (d: ReasonData) => [zh: string, en: string];

const TEMPLATES: Record<string, Template> = {
  // screening
  not_active: (d) => [`促销状态为 ${d.status}`, `promotion is ${d.status}`],
  not_started: (d) => [`促销尚未开始（${d.from} 起）`, `not started yet: starts ${d.from}`],
  ended: (d) => [`促销已结束（${d.to} 止）`, `ended at ${d.to}`],
  channel_not_eligible: (d) => [`不适用于 ${d.channel} 渠道`, `not offered on the ${d.channel} channel`],
  dealer_not_eligible: (d) => [`经销商 ${d.dealer} 不在适用范围`, `dealer ${d.dealer} is not eligible`],
  tier_not_eligible: (d) => [`经销商等级 ${d.tier} 不适用`, `dealer tier ${d.tier} is not eligible`],
  group_not_eligible: (d) => [`经销商分组 ${d.group} 不适用`, `dealer group ${d.group} is not eligible`],
  region_not_eligible: (d) => [`收货地区 ${d.region} 不在活动区域`, `ship-to region ${d.region} is outside the promotion's regions`],
  not_first_order: (d) => [`仅限首单（已有 ${d.priorOrders} 张订单）`, `first order only: ${d.priorOrders} earlier order(s)`],
  not_new_dealer: (d) => [`仅限合作 ${d.limit} 天内的新经销商`, `new dealers only: cooperation started ${d.days} days ago, limit ${d.limit}`],
  coupon_required: () => ['需要有效的优惠码', 'needs a valid coupon code'],
  dealer_limit_reached: (d) => [`每个经销商限用 ${d.limit} 次，已用完`, `per-dealer limit reached: ${d.used} of ${d.limit} uses`],
  budget_uses_exhausted: (d) => [`活动名额已用完（${d.uses} 次）`, `budget used up: ${d.uses} of ${d.uses} uses`],
  budget_spent: (d) => [`活动预算 ${d.budget} 已用完`, `budget of ${d.budget} used up`],
  budget_exhausted: (d) => [`活动预算不足：剩余 ${d.left}，需 ${d.discount}`, `budget exhausted: ${d.left} left < discount ${d.discount}`],
  // rules
  no_eligible_lines: () => ['订单中没有适用商品', 'no eligible product in the order'],
  nothing_left: () => ['适用商品已无可优惠金额', 'nothing left to discount on the eligible lines'],
  break_not_reached: (d) => [`数量未达阶梯：最多 ${d.most} < ${d.minQty}`, `quantity break not reached: at most ${d.most} < ${d.minQty}`],
  price_not_lower: () => ['阶梯价不低于当前价格', 'the break price is not below the current price'],
  buy_not_reached: (d) => [`买 ${d.buy} 赠 ${d.get}：单品最多 ${d.most} 件`, `buy ${d.buy} get ${d.get}: the most of one eligible product is ${d.most}`],
  bundle_incomplete: (d) => [`套餐不完整：${d.sku} 需 ${d.need}，有 ${d.have}`, `bundle incomplete: ${d.sku} needs ${d.need}, the order has ${d.have}`],
  bundle_not_cheaper: (d) => [`套餐价 ${d.price} 不低于原价 ${d.list}`, `bundle price ${d.price} is not below the list amount ${d.list}`],
  mix_not_reached: (d) => [`任选 ${d.need} 件：仅有 ${d.have} 件`, `any ${d.need} items: the order has ${d.have} eligible`],
  mix_not_cheaper: (d) => [`组合价 ${d.price} 不低于原价 ${d.list}`, `set price ${d.price} is not below the list amount ${d.list}`],
  threshold_not_reached: (d) => [`未达门槛：${d.subtotal} < ${d.threshold}`, `threshold not reached: ${d.subtotal} < ${d.threshold}`],
  minimum_not_reached: (d) => [`未达最低金额：${d.subtotal} < ${d.minimum}`, `minimum not reached: ${d.subtotal} < ${d.minimum}`],
  no_eligible_amount: () => ['没有适用金额', 'no eligible amount in the order'],
  gift_condition_not_met: (d) => [`未满足赠品条件：${d.condition}`, `gift condition not met: ${d.condition}`],
  gift_not_orderable: (d) => [`赠品 ${d.sku} 不可订购`, `gift ${d.sku} cannot be ordered`],
  exclusive_group_lost: (d) => [
    `互斥组 ${d.group}：${d.winner} 更优惠（${d.winnerBenefit} ≥ ${d.benefit}）`,
    `exclusive group ${d.group}: ${d.winner} gives more (${d.winnerBenefit} ≥ ${d.benefit})`,
  ],
  not_combined: (d) => [`不可叠加：${d.winner} 更优惠（${d.winnerBenefit} ≥ ${d.benefit}）`, `not combined: ${d.winner} gives more (${d.winnerBenefit} ≥ ${d.benefit})`],
  // applied
  applied_amount: (d) => [`${d.what}，优惠 ${d.discount}`, `${d.what}: ${d.discount} off`],
  applied_gift: (d) => [`赠送 ${d.gifts}`, `gift: ${d.gifts}`],
  // hints
  spend_more: (d) => [`再买 ${d.more} 可减 ${d.reward}`, `spend ${d.more} more for ${d.reward} off`],
  spend_more_gift: (d) => [`再买 ${d.more} 可获赠品`, `spend ${d.more} more for the gift`],
  buy_more: (d) => [`再买 ${d.more} 件 ${d.sku} 可获优惠`, `buy ${d.more} more ${d.sku} to qualify`],
  buy_more_items: (d) => [`再买 ${d.more} 件可享优惠`, `add ${d.more} more eligible item(s) to qualify`],
  // coupons
  coupon_unknown: (d) => [`优惠码 ${d.code} 不存在`, `coupon ${d.code} does not exist`],
  coupon_disabled: (d) => [`优惠码 ${d.code} 已停用`, `coupon ${d.code} is disabled`],
  coupon_not_started: (d) => [`优惠码 ${d.code} 尚未生效`, `coupon ${d.code} is not valid yet`],
  coupon_expired: (d) => [`优惠码 ${d.code} 已过期`, `coupon ${d.code} has expired`],
  coupon_other_dealer: (d) => [`优惠码 ${d.code} 不属于本经销商`, `coupon ${d.code} belongs to another dealer`],
  coupon_used_up: (d) => [`优惠码 ${d.code} 已用完`, `coupon ${d.code} is used up`],
  coupon_dealer_limit: (d) => [`优惠码 ${d.code} 已达本经销商使用上限`, `coupon ${d.code}: this dealer's limit is reached`],
  coupon_promotion_unavailable: (d) => [`优惠码 ${d.code} 对应的活动不可用`, `coupon ${d.code}: its promotion is not available`],
  coupon_redundant: (d) => [`活动已由优惠码 ${d.other} 启用`, `its promotion is already unlocked by ${d.other}`],
  coupon_not_needed: (d) => [`活动 ${d.promotion} 无需优惠码`, `promotion ${d.promotion} applies without a code`],
  coupon_applied: (d) => [`优惠码 ${d.code} 已使用：${d.promotion}`, `coupon ${d.code} applied: ${d.promotion}`],
  coupon_promotion_not_applied: (d) => [`活动 ${d.promotion} 未生效：${d.why}`, `promotion ${d.promotion} did not apply: ${d.why}`],
};

/**
 * Explanations go into results: they are class instances, and `data` a spread copy of the
 * reason's, rather than object literals (see output.ts for why).
 */
class ExplanationRecord implements Explanation {
  constructor(
    public code: string,
    public data: ReasonData,
    public message: MessageRecord,
  ) {}
}

class MessageRecord {
  'zh-CN': string;
  en: string;
  constructor(zh: string, en: string) {
    this['zh-CN'] = zh;
    this.en = en;
  }
}

/** The templates by code (a Map: a reason's code is looked up on every explanation). */
const templates = new Map(Object.entries(TEMPLATES));

export function explain(reason: Reason): Explanation {
  const template = templates.get(reason.code);
  if (template === undefined) throw new Error(`no explanation for reason ${reason.code}`);
  const texts = template(reason.data);
  return new ExplanationRecord(reason.code, { ...reason.data }, new MessageRecord(texts[0], texts[1]));
}

export function reason(code: string, data: ReasonData = {}): Reason {
  return { code, data };
}
