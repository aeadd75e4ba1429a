/**
 * Demo sell-through for the embedded demo (`npm start`): 30 weeks of what D001's two stores
 * sold of five products, and their stock today, so GET /v1/replenishment has something to
 * show. Kept out of orders on purpose: orders would change the demo's credit exposure and
 * first-order promotions, and with them the README's quote figures. Deterministic (a fixed
 * pseudo-random sequence) and dated relative to `now`, like the rest of the demo data.
 */
import type { Store } from '../core/db/index.js';
import { storeSellThrough, type SellThroughRow } from './sell-through.js';

const WEEKS = 30;
/** SKU, weekly units per store, pattern. */
const LINES: Array<[string, number, 'steady' | 'growing' | 'seasonal' | 'intermittent']> = [
  ['MLK-250-24', 60, 'steady'],
  ['WTR-550-24', 90, 'seasonal'],
  ['TEA-OL500-15', 20, 'growing'],
  ['YGT-135-12', 18, 'steady'],
  ['JCE-AP1000-6', 9, 'intermittent'],
];
const STORES = ['GZ-TH-01', 'GZ-YX-02'];

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function demoSellThroughRows(today: string): SellThroughRow[] {
  let seed = 20_260_808;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const rows: SellThroughRow[] = [];
  for (const store of STORES) {
    for (const [sku, base, pattern] of LINES) {
      for (let week = WEEKS; week >= 1; week--) {
        const t = WEEKS - week;
        let mean = base;
        if (pattern === 'growing') mean = base * (1 + t / WEEKS);
        if (pattern === 'seasonal') mean = base * (1 + 0.3 * Math.sin((2 * Math.PI * t) / 26));
        const sold = pattern === 'intermittent' ? (rand() < 0.35 ? Math.round(base * (0.5 + rand())) : 0) : Math.max(0, Math.round(mean * (0.85 + 0.3 * rand())));
        // Weekly totals, dated mid-week so each falls inside one bucket; stock only on the latest report.
        rows.push({ ref: `${store} ${sku} week -${week}`, date: addDays(today, -7 * week + 3), store, sku, quantitySold: sold, onHand: week === 1 ? Math.round(base * 0.8) : null });
      }
    }
  }
  return rows;
}

/**
 * Only when the demo data was just loaded into an empty store and D001 exists; SKUs a trimmed
 * demo configuration did not load are left out rather than refused.
 */
export async function seedDemoSellThrough(store: Store, today: string): Promise<number> {
  const { rows } = await store.query<{ id: number }>(`SELECT id FROM dealers WHERE code = 'D001'`);
  if (!rows[0]) return 0;
  const known = await store.query<{ sku: string }>(`SELECT sku FROM products WHERE sku = ANY($1::text[])`, [LINES.map(([sku]) => sku)]);
  const loaded = new Set(known.rows.map((r) => r.sku));
  const demoRows = demoSellThroughRows(today).filter((row) => loaded.has(row.sku));
  if (demoRows.length === 0) return 0;
  const result = await storeSellThrough(store, rows[0].id, demoRows, 'demo', today);
  return result.rows;
}
