/**
 * Writes the demo data set (src/demo/demo-data.ts) as the files the `file` connector reads in
 * config/demo-data: CSV, one XLSX (stock) and one JSON (credit). Dates computed from `now` are
 * written relative to today (`today-120`, `today+30`), read back by the `relativeDate`
 * transform, so the files never go stale. Fixed dates (cooperation_since) stay absolute.
 * Safety stock has no canonical entity yet and is not exported.
 *
 *   npx tsx src/demo/export-demo-files.ts [folder]     (default config/demo-data)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import { buildDemoData, demoDate } from './demo-data.js';

type Row = Record<string, string | number | boolean | null>;

const DAY_MS = 86_400_000;

/** `today`, `today+30`, `today-10`: the date's distance from `now`'s calendar date. */
function relative(now: Date, date: string | null): string | null {
  if (date === null) return null;
  const days = Math.round((Date.parse(date) - Date.parse(demoDate(now, 0))) / DAY_MS);
  return days === 0 ? 'today' : `today${days > 0 ? '+' : ''}${days}`;
}

function csvCell(value: Row[string]): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function toCsv(rows: readonly Row[]): string {
  const columns = Object.keys(rows[0] ?? {});
  return `${[columns.join(','), ...rows.map((row) => columns.map((c) => csvCell(row[c] ?? null)).join(','))].join('\n')}\n`;
}

export function demoFileRows(now: Date) {
  const data = buildDemoData(now);
  const rel = (date: string | null) => relative(now, date);
  const lists = new Map(data.priceLists.map((list) => [list.code, list]));
  return {
    regions: data.regions,
    dealers: data.dealers.map((d) => ({ code: d.code, name: d.name, tier: d.tier, cooperation_since: d.cooperationSince, payment_terms_days: d.paymentTermsDays })),
    dealer_regions: data.dealerRegions.map((r) => ({ dealer_code: r.dealerCode, region_code: r.regionCode, valid_from: r.validFrom })),
    ship_tos: data.shipTos.map((s) => ({ dealer_code: s.dealerCode, code: s.code, name: s.name, address: s.address, region_code: s.regionCode, contact: s.contact, phone: s.phone })),
    products: data.products.map((p) => ({
      sku: p.sku, name: p.name, uom: p.uom, pack_size: p.packSize, round_to_pack: p.roundToPack, shelf_life_days: p.shelfLifeDays,
      min_remaining_shelf_life_days: p.minRemainingShelfLifeDays, category: p.category, brand: p.brand,
    })),
    // The price lists are flattened into their prices: each row carries its list's terms.
    prices: data.prices.map((p) => {
      const list = lists.get(p.priceListCode)!;
      return {
        price_list_code: p.priceListCode, sku: p.sku, min_qty: p.minQty, unit_price: p.unitPrice, currency: list.currency,
        tier: list.tier, dealer_code: list.dealerCode, valid_from: rel(list.validFrom), valid_to: rel(list.validTo),
      };
    }),
    warehouses: data.warehouses.map((w) => ({ code: w.code, name: w.name, region_code: w.regionCode, priority: w.priority })),
    stock_lots: data.stockLots.map((l) => ({
      sku: l.sku, warehouse_code: l.warehouseCode, lot: l.lot, production_date: rel(l.productionDate), expiry_date: rel(l.expiryDate),
      received_at: rel(l.receivedAt), on_hand: l.onHand,
    })),
    credit_accounts: data.creditAccounts.map((c) => ({
      dealer_code: c.dealerCode, credit_limit: c.creditLimit, ar_open: c.arOpen, overdue: c.overdue, oldest_overdue_days: c.oldestOverdueDays, currency: c.currency,
    })),
    ar_open_items: data.arOpenItems.map((i) => ({
      dealer_code: i.dealerCode, document_no: i.documentNo, document_date: rel(i.documentDate), due_date: rel(i.dueDate),
      amount: i.amount, open_amount: i.openAmount, currency: i.currency,
    })),
  } satisfies Record<string, Row[]>;
}

export async function exportDemoFiles(folder: string, now: Date): Promise<string[]> {
  const rows = demoFileRows(now);
  await mkdir(folder, { recursive: true });
  const written: string[] = [];
  const write = async (name: string, content: string) => {
    await writeFile(path.join(folder, name), content, 'utf8');
    written.push(name);
  };
  for (const name of ['regions', 'dealers', 'dealer_regions', 'ship_tos', 'products', 'prices', 'warehouses', 'ar_open_items'] as const) {
    await write(`${name}.csv`, toCsv(rows[name]));
  }
  await write('credit_accounts.json', `${JSON.stringify({ source: 'demo ERP credit export', accounts: rows.credit_accounts }, null, 2)}\n`);

  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Stock');
  const columns = Object.keys(rows.stock_lots[0]!);
  sheet.columns = columns.map((key) => ({ header: key, key, width: key === 'sku' ? 16 : 14 }));
  sheet.addRows(rows.stock_lots);
  sheet.getRow(1).font = { bold: true };
  await workbook.xlsx.writeFile(path.join(folder, 'stock_lots.xlsx'));
  written.push('stock_lots.xlsx');
  return written;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const folder = path.resolve(process.argv[2] ?? 'config/demo-data');
  const written = await exportDemoFiles(folder, new Date());
  console.log(`wrote ${written.join(', ')} to ${folder}`);
}
