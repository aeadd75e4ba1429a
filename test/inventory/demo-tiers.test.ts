import { describe, expect, it } from 'vitest';
import { inventorySchema } from '../../src/core/config/schema-inventory.js';
import { buildDemoData, demoDate } from '../../src/demo/demo-data.js';
import { shelfLife, thresholdsFor } from '../../src/inventory/shelf-life.js';

describe('demo lots and expiry tiers', () => {
  it('has lots in every tier on any day, and the known ones where expected', () => {
    const now = new Date();
    const today = demoDate(now, 0);
    const data = buildDemoData(now);
    const expiry = inventorySchema.parse({}).expiry;
    const products = new Map(data.products.map((p) => [p.sku, p]));
    const tierOf = (sku: string, warehouse: string, lot: (typeof data.stockLots)[number]) =>
      shelfLife(lot, products.get(sku)!.shelfLifeDays, today, thresholdsFor(products.get(sku)!.category, expiry)).tier;
    const counts = new Map<string, number>();
    for (const lot of data.stockLots) {
      const tier = tierOf(lot.sku, lot.warehouseCode, lot) ?? 'none';
      counts.set(tier, (counts.get(tier) ?? 0) + 1);
    }
    for (const tier of ['none', 'blue', 'yellow', 'red', 'expired']) expect([tier, (counts.get(tier) ?? 0) > 0]).toEqual([tier, true]);
    // The clearance lot of MLK-250-24 in Chengdu: 30 of 180 days left → red; the FMK-950-6 lot in Shenzhen expired 2 days ago.
    const special = (sku: string, warehouse: string) => data.stockLots.filter((l) => l.sku === sku && l.warehouseCode === warehouse && l.lot.endsWith('B'));
    expect(special('MLK-250-24', 'WH-CD').map((l) => tierOf(l.sku, l.warehouseCode, l))).toEqual(['red']);
    expect(special('FMK-950-6', 'WH-SZ').map((l) => tierOf(l.sku, l.warehouseCode, l))).toEqual(['expired']);
  });
});
