/** The line-level evaluators (README §3 "Line-level"); see rules.ts. */
import { formatCents, mulDivRound, toBasisPoints, toCents, toPrice4 } from './cents.js';
import type { PromotionRule } from './definition.js';
import { reason } from './explain.js';
import { appliedAmount, byPriceDescending, discounted, gifted, notApplied, quantityOver, sortAscending, splitParts, splitWeights, type Evaluator, type GiftOut } from './rules-shared.js';

export function lineDiscount(rule: Extract<PromotionRule, { type: 'line_discount' }>): Evaluator {
  const bp = rule.percentOff === undefined ? null : toBasisPoints(rule.percentOff);
  const amount = rule.amountOff === undefined ? 0 : toCents(rule.amountOff);
  const perUnit = rule.per === 'unit';
  const maxQty = rule.maxQty ?? Number.POSITIVE_INFINITY;
  const what = bp !== null ? `${rule.percentOff}% off` : `${rule.amountOff} off per ${rule.per}`;
  return (view) => {
    const { lines, remaining, eligible } = view;
    if (eligible.length === 0) return notApplied(reason('no_eligible_lines'));
    const parts: number[] | null = view.detail ? [] : null;
    let total = 0;
    for (let k = 0; k < eligible.length; k += 1) {
      const i = eligible[k]!;
      const line = lines[i]!;
      const n = Math.min(line.qty, maxQty);
      let d = bp !== null ? mulDivRound(line.price4, n, bp, 1_000_000) : perUnit ? amount * n : amount;
      d = Math.min(d, remaining[i]!);
      if (d > 0) {
        parts?.push(i, d);
        total += d;
      }
    }
    return discounted(view, parts, total, what);
  };
}

export function quantityBreak(rule: Extract<PromotionRule, { type: 'quantity_break' }>): Evaluator {
  const breaks = rule.breaks.map((b) => ({ minQty: b.minQty, price4: toPrice4(b.unitPrice) }));
  const first = breaks[0]!.minQty;
  const what = `quantity price from ${first} units`;
  return (view) => {
    const { lines, remaining, eligible } = view;
    if (eligible.length === 0) return notApplied(reason('no_eligible_lines'));
    const parts: number[] | null = view.detail ? [] : null;
    let total = 0;
    let most = 0;
    for (let k = 0; k < eligible.length; k += 1) {
      const i = eligible[k]!;
      const line = lines[i]!;
      most = Math.max(most, line.qty);
      let chosen: (typeof breaks)[number] | undefined;
      for (const b of breaks) if (b.minQty <= line.qty) chosen = b;
      if (!chosen) continue;
      const d = Math.min(Math.max(0, line.gross - mulDivRound(chosen.price4, line.qty, 1, 100)), remaining[i]!);
      if (d > 0) {
        parts?.push(i, d);
        total += d;
      }
    }
    if (most < first) return notApplied(reason('break_not_reached', { most, minQty: first }));
    if (total === 0) return notApplied(reason('price_not_lower'));
    return discounted(view, parts, total, what);
  };
}

export function buyXGetY(rule: Extract<PromotionRule, { type: 'buy_x_get_y' }>): Evaluator {
  const maxFree = rule.maxFreeQty ?? Number.POSITIVE_INFINITY;
  return (view) => {
    const { lines, eligible } = view;
    if (eligible.length === 0) return notApplied(reason('no_eligible_lines'));
    const gifts: GiftOut[] | null = view.detail ? [] : null;
    let giftLines = 0;
    let given = 0;
    let value = 0;
    let most = 0;
    let mostSku = '';
    for (let k = 0; k < eligible.length; k += 1) {
      const line = lines[eligible[k]!]!;
      if (line.qty > most) {
        most = line.qty;
        mostSku = line.sku;
      }
      const free = Math.min(Math.floor(line.qty / rule.buy) * rule.get, maxFree - given);
      if (free <= 0) continue;
      gifts?.push({ sku: line.sku, qty: free });
      giftLines += 1;
      given += free;
      value += mulDivRound(line.price4, free, 1, 100);
    }
    if (giftLines === 0) {
      const why = given >= maxFree ? reason('nothing_left') : reason('buy_not_reached', { buy: rule.buy, get: rule.get, most });
      return notApplied(why, most < rule.buy ? reason('buy_more', { more: rule.buy - most, sku: mostSku }) : null);
    }
    return gifts === null ? appliedAmount(0, value) : gifted(gifts, value);
  };
}

export function bundle(rule: Extract<PromotionRule, { type: 'bundle' }>): Evaluator {
  const components = rule.components.map((c) => ({ sku: c.sku, qty: c.qty }));
  const need = new Map(components.map((c) => [c.sku, c.qty]));
  const price = toCents(rule.price);
  return (view) => {
    const { lines, remaining, bySku } = view;
    const indices: number[] = [];
    let sets = rule.maxSets ?? Number.POSITIVE_INFINITY;
    let shortest: { sku: string; have: number; need: number } | null = null;
    for (const c of components) {
      const i = bySku.get(c.sku);
      const have = i === undefined ? 0 : lines[i]!.qty;
      const possible = Math.floor(have / c.qty);
      if (possible === 0 && shortest === null) shortest = { sku: c.sku, have, need: c.qty };
      sets = Math.min(sets, possible);
      if (i !== undefined) indices.push(i);
    }
    if (sets === 0 || shortest !== null) return notApplied(reason('bundle_incomplete', shortest ?? { sku: components[0]!.sku, have: 0, need: components[0]!.qty }));
    // g_i and w_i in SKU order (the split's order).
    sortAscending(indices, indices.length);
    const weights = splitWeights(indices.length);
    let list = 0;
    let capacity = 0;
    for (let k = 0; k < indices.length; k += 1) {
      const line = lines[indices[k]!]!;
      const g = mulDivRound(line.price4, need.get(line.sku)! * sets, 1, 100);
      const w = Math.min(g, remaining[indices[k]!]!);
      list += g;
      capacity += w;
      weights[k] = w;
    }
    const d = list - price * sets;
    if (d <= 0) return notApplied(reason('bundle_not_cheaper', { price: formatCents(price * sets), list: formatCents(list) }));
    const total = Math.min(d, capacity);
    if (!view.detail) return discounted(view, null, total, '');
    return discounted(view, splitParts(indices, indices.length, total), total, `${sets} bundle set(s) at ${rule.price}`);
  };
}

export function mixMatch(rule: Extract<PromotionRule, { type: 'mix_match' }>): Evaluator {
  const price = rule.price === undefined ? null : toCents(rule.price);
  const bp = rule.percentOff === undefined ? 0 : toBasisPoints(rule.percentOff);
  const maxSets = rule.maxSets ?? Number.POSITIVE_INFINITY;
  return (view) => {
    const { lines, remaining, eligible } = view;
    if (eligible.length === 0) return notApplied(reason('no_eligible_lines'));
    const have = quantityOver(eligible, lines);
    const sets = Math.min(Math.floor(have / rule.quantity), maxSets);
    if (sets === 0) return notApplied(reason('mix_not_reached', { have, need: rule.quantity }), reason('buy_more_items', { more: rule.quantity - (have % rule.quantity) }));
    // Most expensive units first (best for the dealer), ties in SKU order (= index order).
    const taken = byPriceDescending(eligible, lines);
    // Whole lines are taken until the last one, which may give only part of its units.
    let left = sets * rule.quantity;
    let count = 0;
    let last = -1;
    let lastUnits = 0;
    while (count < taken.length && left > 0) {
      last = taken[count]!;
      lastUnits = Math.min(lines[last]!.qty, left);
      left -= lastUnits;
      count += 1;
    }
    // taken[0 … count) are the lines units are taken from.
    if (view.detail) sortAscending(taken, count); // parts and the split go in SKU order

    if (price === null) {
      const parts: number[] | null = view.detail ? [] : null;
      let total = 0;
      for (let k = 0; k < count; k += 1) {
        const i = taken[k]!;
        const t = i === last ? lastUnits : lines[i]!.qty;
        const d = Math.min(mulDivRound(lines[i]!.price4, t, bp, 1_000_000), remaining[i]!);
        if (d > 0) {
          parts?.push(i, d);
          total += d;
        }
      }
      return discounted(view, parts, total, view.detail ? `${rule.percentOff}% off ${sets} set(s) of ${rule.quantity}` : '');
    }
    const weights = splitWeights(count);
    let list = 0;
    let capacity = 0;
    for (let k = 0; k < count; k += 1) {
      const i = taken[k]!;
      const p = mulDivRound(lines[i]!.price4, i === last ? lastUnits : lines[i]!.qty, 1, 100);
      const w = Math.min(p, remaining[i]!);
      list += p;
      capacity += w;
      weights[k] = w;
    }
    const d = list - price * sets;
    if (d <= 0) return notApplied(reason('mix_not_cheaper', { price: formatCents(price * sets), list: formatCents(list) }));
    const total = Math.min(d, capacity);
    if (!view.detail) return discounted(view, null, total, '');
    return discounted(view, splitParts(taken, count, total), total, `${sets} set(s) of any ${rule.quantity} at ${rule.price}`);
  };
}
