/**
 * Sales channels sharing one stock pool per warehouse (pure). A dealer's channel comes from the
 * config (dealer code beats group beats tier; else "default"). A channel may be capped by a
 * quota (share of the pool and/or units) and may ring-fence a safety stock that the other
 * channels cannot take. Usage is what each channel holds reserved now, per SKU and warehouse.
 */
import type { ChannelConfig } from '../core/config/schema-inventory.js';

export const DEFAULT_CHANNEL = 'default';

/** `${sku}|${warehouseCode}` → channel → units reserved by that channel's open orders. */
export type ChannelUsage = Map<string, Map<string, number>>;

export const usageKey = (sku: string, warehouseCode: string): string => `${sku}|${warehouseCode}`;

export interface DealerIdentity {
  code: string;
  tier: string;
  group: string | null;
}

export function channelOf(dealer: DealerIdentity, channels: Record<string, ChannelConfig>): string {
  const entries = Object.entries(channels);
  return (
    entries.find(([, c]) => c.dealers.includes(dealer.code))?.[0] ??
    (dealer.group !== null ? entries.find(([, c]) => c.groups.includes(dealer.group!))?.[0] : undefined) ??
    entries.find(([, c]) => c.tiers.includes(dealer.tier))?.[0] ??
    DEFAULT_CHANNEL
  );
}

export interface ChannelAtp {
  channel: string;
  /** Units free in the warehouse for this SKU (allocatable lots, after safety stock and all reservations). */
  pool: number;
  /** pool + everything reserved by any channel: what the quota's share is taken of. */
  poolTotal: number;
  /** The channel's cap in units (null: no quota). */
  quota: number | null;
  /** Units this channel holds reserved (including earlier lines of the order being decided). */
  reservedByChannel: number;
  reservedByOthers: number;
  /** Units ring-fenced for other channels' safety stock, not yet used by them. */
  fencedForOthers: number;
  /** What this channel may still take. */
  available: number;
}

/**
 * ATP of one channel for one SKU in one warehouse. `pool` is the free ATP after the warehouse's
 * safety stock; `used` is each channel's reservations (the order being decided counted in its
 * channel). available = min(pool − others' unused ring-fences, quota − reserved by the channel).
 */
export function channelAtp(channel: string, pool: number, used: ReadonlyMap<string, number>, channels: Record<string, ChannelConfig>): ChannelAtp {
  let reservedByChannel = 0;
  let reservedByOthers = 0;
  for (const [name, qty] of used) {
    if (name === channel) reservedByChannel += qty;
    else reservedByOthers += qty;
  }
  const poolTotal = pool + reservedByChannel + reservedByOthers;
  let fencedForOthers = 0;
  for (const [name, config] of Object.entries(channels)) {
    if (name === channel || !config.safetyStock) continue;
    fencedForOthers += Math.max(0, config.safetyStock - (used.get(name) ?? 0));
  }
  const own = channels[channel]?.quota;
  let quota: number | null = null;
  if (own?.maxQty !== undefined) quota = own.maxQty;
  if (own?.maxShare !== undefined) {
    // A share is floored to whole units so the cap is never exceeded by rounding.
    const byShare = Math.floor(own.maxShare * poolTotal + 1e-9);
    quota = quota === null ? byShare : Math.min(quota, byShare);
  }
  let available = Math.max(0, pool - fencedForOthers);
  if (quota !== null) available = Math.min(available, Math.max(0, quota - reservedByChannel));
  return { channel, pool, poolTotal, quota, reservedByChannel, reservedByOthers, fencedForOthers, available };
}

/** true when channels could limit anyone: some channel has a quota or a safety stock. */
export function channelsLimit(channels: Record<string, ChannelConfig>): boolean {
  return Object.values(channels).some((c) => c.quota !== undefined || (c.safetyStock ?? 0) > 0);
}
