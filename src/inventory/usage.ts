/**
 * Channel usage: units each sales channel holds in active reservations, per SKU and warehouse,
 * in one grouped statement. The channel of a reservation is its dealer's channel under the
 * current config (mapped in SQL from a JSON of dealer codes, groups and tiers), so moving a
 * dealer to another channel moves its open reservations with it.
 */
import type { ChannelConfig } from '../core/config/schema-inventory.js';
import type { Queryable } from '../core/db/index.js';
import { channelsLimit, DEFAULT_CHANNEL, usageKey, type ChannelUsage } from './channels.js';

/** code/group/tier → channel, first channel listed wins, as channelOf() decides. */
export function channelMaps(channels: Record<string, ChannelConfig>): { dealers: Record<string, string>; groups: Record<string, string>; tiers: Record<string, string> } {
  const maps = { dealers: {} as Record<string, string>, groups: {} as Record<string, string>, tiers: {} as Record<string, string> };
  for (const [name, c] of Object.entries(channels)) {
    for (const code of c.dealers) maps.dealers[code] ??= name;
    for (const group of c.groups) maps.groups[group] ??= name;
    for (const tier of c.tiers) maps.tiers[tier] ??= name;
  }
  return maps;
}

/** Undefined when no channel has a quota or safety stock: then nothing is capped and nothing is read. */
export async function loadChannelUsage(q: Queryable, skus: string[], channels: Record<string, ChannelConfig>): Promise<ChannelUsage | undefined> {
  if (!channelsLimit(channels) || skus.length === 0) return undefined;
  const { rows } = await q.query<{ sku: string; warehouse: string; channel: string; qty: number }>(
    `SELECT p.sku, w.code AS warehouse,
            coalesce($2::jsonb->'dealers'->>d.code, $2::jsonb->'groups'->>d.dealer_group, $2::jsonb->'tiers'->>d.tier, $3) AS channel,
            sum(r.qty)::int AS qty
       FROM reservations r
       JOIN stock_lots l ON l.id = r.stock_lot_id
       JOIN products p ON p.id = l.product_id
       JOIN warehouses w ON w.id = l.warehouse_id
       JOIN order_lines ol ON ol.id = r.order_line_id
       JOIN orders o ON o.id = ol.order_id
       JOIN dealers d ON d.id = o.dealer_id
      WHERE r.status = 'active' AND p.sku = ANY($1::text[])
      GROUP BY 1, 2, 3`,
    [skus, JSON.stringify(channelMaps(channels)), DEFAULT_CHANNEL],
  );
  const usage: ChannelUsage = new Map();
  for (const row of rows) {
    const key = usageKey(row.sku, row.warehouse);
    let perChannel = usage.get(key);
    if (!perChannel) usage.set(key, (perChannel = new Map()));
    perChannel.set(row.channel, (perChannel.get(row.channel) ?? 0) + Number(row.qty));
  }
  return usage;
}
