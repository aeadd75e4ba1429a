/**
 * Prometheus series for expiry (issue 8): alerts this process raised, by tier reached; and lots
 * per tier as the alert job last saw them, read from the store at scrape time (so every replica
 * reports the same figure, whichever ran the job).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Queryable } from '../core/db/index.js';
import type { ExpiryAlert } from './expiry-alerts.js';

export function expiryMetrics(registry: Registry, store: Queryable): { observe(alerts: ExpiryAlert[]): void } {
  const alerts = new Counter({
    name: 'dealer_hub_expiry_alerts_total',
    help: 'Expiry alerts raised by this process: lots that crossed into a worse tier, by the tier reached',
    labelNames: ['tier'],
    registers: [registry],
  });
  new Gauge({
    name: 'dealer_hub_expiry_lots',
    help: 'Lots with stock per expiry tier, as the inventory.expiry-alerts job last saw them',
    labelNames: ['tier'],
    registers: [registry],
    async collect() {
      const { rows } = await store.query<{ tier: string; lots: number }>(
        `SELECT t.tier, count(*)::int AS lots FROM expiry_lot_tiers t JOIN stock_lots l ON l.id = t.stock_lot_id
          WHERE l.on_hand > 0 AND t.tier <> 'none' GROUP BY t.tier`,
      );
      this.reset();
      for (const tier of ['expired', 'red', 'yellow', 'blue']) this.set({ tier }, rows.find((r) => r.tier === tier)?.lots ?? 0);
    },
  });
  return {
    observe(raised) {
      for (const alert of raised) alerts.inc({ tier: alert.toTier });
    },
  };
}
