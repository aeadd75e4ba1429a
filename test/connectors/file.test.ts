import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { CanonicalEntity, ConnectorInstance, Cursor, Page } from '../../src/connectors/contract.js';
import { FIELD_KINDS, fileConnector, type FileOptions } from '../../src/connectors/file/index.js';
import { UserError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/logger.js';
import { canonicalSchemas, canonicalShape } from '../../src/core/sync/canonical.js';
import { buildDemoData } from '../../src/demo/demo-data.js';
import { applyMapping, mergeMappings, validateMappingSpec } from '../../src/mappings/index.js';
import type { MappingSpec } from '../../src/mappings/types.js';
import { connectorContract } from './contract-suite.js';

// 10:00 in Shanghai, the same calendar day in UTC.
const NOW = new Date('2026-03-15T02:00:00Z');
const deps = { logger: createLogger({ level: 'silent', pretty: false }), now: () => NOW };
/** A fixed base mtime (seconds): files get explicit, increasing mtimes so their order is known. */
const T0 = 1_770_000_000;

const created: string[] = [];
afterAll(() => created.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

function folderWith(files: Record<string, string | Buffer> = {}): string {
  const folder = mkdtempSync(join(tmpdir(), 'dh-file-'));
  created.push(folder);
  Object.entries(files).forEach(([name, content], index) => put(folder, name, content, T0 + index * 60));
  return folder;
}

function put(folder: string, name: string, content: string | Buffer, mtimeSeconds: number): void {
  writeFileSync(join(folder, name), content);
  utimesSync(join(folder, name), mtimeSeconds, mtimeSeconds);
}

function open(folder: string, streams: Record<string, unknown>, pageSize = 10): ConnectorInstance {
  return fileConnector.create(fileConnector.optionsSchema.parse({ folder, pageSize, streams }), deps);
}

async function readAll(instance: ConnectorInstance, stream: string, cursor: Cursor | null = null): Promise<Page[]> {
  const pages: Page[] = [];
  for await (const page of instance.read(stream, cursor, new AbortController().signal)) pages.push(page);
  return pages;
}

const records = (pages: Page[]) => pages.flatMap((page) => page.records);
const lastCursor = (pages: Page[]) => pages.at(-1)!.cursor;

const productRows = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `P${from + i},产品 ${from + i},${6 * (1 + (i % 4))},${i % 2 ? 'true' : 'false'},180,饮料`);
const productsCsv = (from: number, count: number) => ['sku,name,pack_size,round_to_pack,shelf_life_days,category', ...productRows(from, count)].join('\n');

describe('file connector: CSV stream contract', () => {
  const folder = folderWith({ 'products-a.csv': productsCsv(1, 15), 'products-b.csv': `${productsCsv(16, 10)}\n` });
  connectorContract<FileOptions>({
    definition: fileConnector,
    options: { folder, pageSize: 10, streams: { products: { pattern: 'products-*.csv', entity: 'products' } } },
    create: (options) => fileConnector.create(options, deps),
    stream: 'products',
    minRecords: 25,
    invalidOptions: { options: { folder, streams: { products: { pattern: 'products.dat', entity: 'products' } } }, message: /cannot tell the format/ },
  });
});

describe('file connector: XLSX stream contract', () => {
  const folder = folderWith();
  beforeAll(async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('说明').addRow(['库存快照 — 每日 06:00 导出']);
    const sheet = workbook.addWorksheet('Stock');
    sheet.addRow(['库存快照 2026-03-15']); // a title row above the header
    sheet.addRow(['sku', 'warehouse_code', 'lot', 'on_hand', 'production_date', 'expiry_date']);
    for (let i = 0; i < 25; i++) {
      sheet.addRow([`SKU${i % 5}`, i % 2 ? 'WH-SZ' : 'WH-CD', `L${String(i).padStart(3, '0')}`, 10 * i, new Date(Date.UTC(2026, 0, 1 + i)), new Date(Date.UTC(2026, 6, 1 + i))]);
    }
    for (const column of [5, 6]) sheet.getColumn(column).numFmt = 'yyyy-mm-dd';
    await workbook.xlsx.writeFile(join(folder, 'stock-20260315.xlsx'));
  });
  connectorContract<FileOptions>({
    definition: fileConnector,
    options: { folder, pageSize: 10, streams: { stock: { pattern: 'stock-*.xlsx', entity: 'stock_lots', sheet: 'Stock', headerRow: 2 } } },
    create: (options) => fileConnector.create(options, deps),
    stream: 'stock',
    minRecords: 25,
    invalidOptions: { options: { folder, streams: { stock: { pattern: 'stock.csv', entity: 'stock_lots', sheet: 'Stock' } } }, message: /sheet applies to xlsx/ },
  });
});

describe('file connector: JSON stream contract', () => {
  const accounts = Array.from({ length: 25 }, (_, i) => ({ dealer_code: `D${100 + i}`, credit_limit: `${(i + 1) * 10000}.00`, ar_open: '1250.50', oldest_overdue_days: i % 3, currency: 'CNY' }));
  const folder = folderWith({ 'credit.json': JSON.stringify({ exportedAt: '2026-03-15', data: { accounts } }) });
  connectorContract<FileOptions>({
    definition: fileConnector,
    options: { folder, pageSize: 10, streams: { credit: { pattern: 'credit.json', entity: 'credit_accounts', jsonPath: 'data.accounts' } } },
    create: (options) => fileConnector.create(options, deps),
    stream: 'credit',
    minRecords: 25,
    invalidOptions: { options: { folder, pageSize: 0, streams: {} }, message: /pageSize/ },
  });
});

describe('file connector: the demo data files', () => {
  const entry = parseYaml(readFileSync('config/demo-data/connector.yaml', 'utf8')).connectors['demo-files'];
  const { kind, mappings, ...raw } = entry as { kind: string; mappings: Record<string, Partial<MappingSpec>> } & Record<string, unknown>;
  const options = fileConnector.optionsSchema.parse(raw);
  const streams = fileConnector.streams(options);
  const demo = buildDemoData(NOW);
  const expected: Record<CanonicalEntity, number> = {
    regions: demo.regions.length,
    dealers: demo.dealers.length,
    dealer_regions: demo.dealerRegions.length,
    ship_tos: demo.shipTos.length,
    products: demo.products.length,
    prices: demo.prices.length,
    warehouses: demo.warehouses.length,
    stock_lots: demo.stockLots.length,
    credit_accounts: demo.creditAccounts.length,
    ar_open_items: demo.arOpenItems.length,
    // Hand-written files, not part of buildDemoData.
    promotions: (parseYaml(readFileSync('config/demo-data/promotions.yaml', 'utf8')) as unknown[]).length,
    coupons: readFileSync('config/demo-data/coupons.csv', 'utf8').trim().split('\n').length - 1,
  };

  async function mapped(name: string): Promise<Record<string, unknown>[]> {
    const spec = streams.find((s) => s.name === name)!;
    const mapping = mergeMappings(spec.defaultMapping, mappings[name]);
    const instance = fileConnector.create(options, deps);
    const pages = await readAll(instance, name);
    expect(pages.flatMap((page) => page.rejected ?? [])).toEqual([]);
    return records(pages).map((record, index) => {
      const result = applyMapping(mapping, record, { now: NOW });
      expect(result.issues, `${name} row ${pages.flatMap((p) => p.origins ?? [])[index]?.row}`).toEqual([]);
      const parsed = canonicalSchemas[spec.entity].safeParse(result.value);
      expect(parsed.error?.issues ?? [], JSON.stringify(result.value)).toEqual([]);
      return parsed.data as Record<string, unknown>;
    });
  }

  it('is a file connector entry with one stream per canonical entity, stock as a snapshot', () => {
    expect(kind).toBe('file');
    expect(streams.map((s) => s.entity).sort()).toEqual(Object.keys(canonicalSchemas).sort());
    expect(streams.find((s) => s.entity === 'stock_lots')?.mode).toBe('snapshot');
    for (const [name, override] of Object.entries(mappings)) {
      expect(streams.map((s) => s.name)).toContain(name);
      expect(validateMappingSpec(override, { partial: true }).errors, name).toEqual([]);
    }
  });

  it.each(Object.keys(expected))('%s: every record maps to a valid canonical record, as many as buildDemoData has', async (name) => {
    const rows = await mapped(name);
    expect(rows).toHaveLength(expected[name as CanonicalEntity]);
  });

  it('carries dates relative to now, as buildDemoData computes them', async () => {
    const lots = await mapped('stock_lots');
    expect(new Set(lots.map((l) => `${l.sku}|${l.warehouse_code}|${l.lot}`)).size).toBe(lots.length);
    const key = (r: { sku: unknown; warehouse_code: unknown; production_date: unknown; expiry_date: unknown; received_at: unknown; on_hand: unknown }) =>
      [r.sku, r.warehouse_code, r.production_date, r.expiry_date, r.received_at, r.on_hand].join('|');
    expect(lots.map((r) => key(r as never)).sort()).toEqual(
      demo.stockLots.map((l) => key({ sku: l.sku, warehouse_code: l.warehouseCode, production_date: l.productionDate, expiry_date: l.expiryDate, received_at: l.receivedAt, on_hand: l.onHand })).sort(),
    );
    const items = await mapped('ar_open_items');
    expect(items.map((r) => [r.document_no, r.document_date, r.due_date])).toEqual(demo.arOpenItems.map((i) => [i.documentNo, i.documentDate, i.dueDate]));
    const prices = await mapped('prices');
    expect(prices.find((p) => p.price_list_code === 'D001-KA')).toMatchObject({ dealer_code: 'D001', valid_from: demo.priceLists[2]!.validFrom, valid_to: demo.priceLists[2]!.validTo });
    const products = await mapped('products');
    expect(products.find((p) => p.sku === 'MLK-250-24')).toMatchObject({ name: '鲜牧纯牛奶 250ml×24盒', pack_size: 24, round_to_pack: true, shelf_life_days: 180, min_remaining_shelf_life_days: null });
  });
});

describe('file connector: options and default mappings', () => {
  it('infers format and mode, and builds the default mapping from the canonical field names', () => {
    const options = fileConnector.optionsSchema.parse({
      folder: './imports',
      streams: {
        stock: { pattern: 'stock-*.xlsx', entity: 'stock_lots' },
        prices: { pattern: 'prices.csv', entity: 'prices', csv: { delimiter: ';', encoding: 'gbk' } },
      },
    });
    expect(options.pageSize).toBe(5000);
    const [stock, prices] = fileConnector.streams(options);
    expect(stock).toMatchObject({ mode: 'snapshot', primaryKey: ['sku', 'warehouse_code', 'lot'] });
    expect(prices).toMatchObject({ mode: 'incremental' });
    expect(stock!.defaultMapping.fields.expiry_date).toMatchObject({ from: 'expiry_date', transforms: expect.arrayContaining(['excelDate']) });
    expect(prices!.defaultMapping.fields.valid_from).toMatchObject({ transforms: expect.arrayContaining([{ date: 'YYYY-MM-DD' }]) });
    expect(prices!.defaultMapping.fields.sku).toMatchObject({ from: 'sku', required: true });
  });

  it('has a field kind for every canonical field', () => {
    for (const entity of Object.keys(canonicalSchemas) as CanonicalEntity[]) {
      expect(Object.keys(FIELD_KINDS[entity]).sort(), entity).toEqual(Object.keys(canonicalShape(entity)).sort());
    }
  });

  it('rejects unknown keys, unknown encodings and options of another format', () => {
    const result = fileConnector.optionsSchema.safeParse({
      folder: 'x',
      streams: { a: { pattern: 'a.csv', entity: 'products', csv: { encoding: 'klingon' } }, b: { pattern: 'b.json', entity: 'products', sheet: 1, jsonPath: 'rows' } },
    });
    const messages = JSON.stringify(result.error?.issues);
    expect(messages).toMatch(/unknown encoding/);
    expect(messages).toMatch(/sheet applies to xlsx streams/);
    expect(fileConnector.optionsSchema.safeParse({ folder: 'x', streams: {}, folders: 'y' }).success).toBe(false);
  });
});

describe('file connector: reading files', () => {
  it('rejects a malformed CSV row with its file and row and reads the others', async () => {
    const folder = folderWith({
      'products.csv': ['sku,name,pack_size', 'A1,苹果汁,6', 'A2,橙汁,6,extra', '', 'A3,"乌龙茶 ""无糖""",12', 'A4,绿"茶,12', ',,', 'A5,"多行\n名称",24'].join('\n'),
    });
    const pages = await readAll(open(folder, { products: { pattern: 'products.csv', entity: 'products' } }), 'products');
    expect(records(pages).map((r) => r.sku)).toEqual(['A1', 'A3', 'A5']);
    expect(records(pages)[1]).toEqual({ sku: 'A3', name: '乌龙茶 "无糖"', pack_size: '12' });
    expect(pages.flatMap((p) => p.origins)).toEqual([{ file: 'products.csv', row: 2 }, { file: 'products.csv', row: 5 }, { file: 'products.csv', row: 8 }]);
    expect(pages.flatMap((p) => p.rejected ?? [])).toEqual([
      { file: 'products.csv', row: 3, message: 'expected 3 columns, found 4' },
      { file: 'products.csv', row: 6, message: expect.stringMatching(/quote/i) },
    ]);
  });

  it('removes a BOM, trims header names, reads ; and GBK when told, and leaves empty cells out', async () => {
    const gbk = Buffer.concat([Buffer.from('sku;name;uom\n'), Buffer.from([0x41, 0x31, 0x3b, 0xc5, 0xa3, 0xc4, 0xcc, 0x3b, 0x0a])]); // A1;牛奶;
    const folder = folderWith({ 'bom.csv': '\uFEFF sku , name \nB1,纯牛奶\n', 'gbk.csv': gbk });
    const instance = open(folder, { bom: { pattern: 'bom.csv', entity: 'products' }, gbk: { pattern: 'gbk.csv', entity: 'products', csv: { delimiter: ';', encoding: 'gbk' } }, utf8: { pattern: 'gbk.csv', entity: 'products', csv: { delimiter: ';' } } });
    expect(records(await readAll(instance, 'bom'))).toEqual([{ sku: 'B1', name: '纯牛奶' }]);
    expect(records(await readAll(instance, 'gbk'))).toEqual([{ sku: 'A1', name: '牛奶' }]);
    await expect(readAll(instance, 'utf8')).rejects.toThrow(/gbk\.csv: not valid utf-8 text; set csv\.encoding/);
  });

  it('maps Chinese headers through a mapping override', async () => {
    const folder = folderWith({ 'wl.csv': '物料编码,物料名称,箱规,保质期(天)\n 000123 ,鲜牧纯牛奶,24,180\n' });
    const instance = open(folder, { products: { pattern: 'wl.csv', entity: 'products' } });
    const spec = fileConnector.streams(fileConnector.optionsSchema.parse({ folder, streams: { products: { pattern: 'wl.csv', entity: 'products' } } }))[0]!;
    const mapping = mergeMappings(spec.defaultMapping, {
      fields: { sku: { from: '物料编码', transforms: ['trim'], required: true }, name: { from: '物料名称', required: true }, pack_size: { from: '箱规', transforms: ['toInt'] }, shelf_life_days: { from: '保质期(天)', transforms: ['toInt'] } },
    });
    const [record] = records(await readAll(instance, 'products'));
    const result = applyMapping(mapping, record!, { now: NOW });
    expect(result.issues).toEqual([]);
    expect(result.value).toMatchObject({ sku: '000123', name: '鲜牧纯牛奶', pack_size: 24, shelf_life_days: 180 });
    expect(canonicalSchemas.products.safeParse(result.value).success).toBe(true);
  });

  it('fails with a UserError naming the file when a file cannot be read as its format', async () => {
    const folder = folderWith({ 'stock.xlsx': 'sku,lot\nA,1\n', 'credit.json': '{"accounts": [', 'list.json': '{"accounts": {}}', 'empty.csv': '', 'dup.csv': 'sku,sku\n1,2\n' });
    const instance = open(folder, {
      stock: { pattern: 'stock.xlsx', entity: 'stock_lots' },
      credit: { pattern: 'credit.json', entity: 'credit_accounts', jsonPath: 'accounts' },
      list: { pattern: 'list.json', entity: 'credit_accounts', jsonPath: 'accounts' },
      empty: { pattern: 'empty.csv', entity: 'products' },
      dup: { pattern: 'dup.csv', entity: 'products' },
    });
    const failure = (stream: string) => readAll(instance, stream).then(() => null, (error: unknown) => error);
    for (const [stream, message] of [
      ['stock', /stock\.xlsx: not an XLSX workbook/],
      ['credit', /credit\.json: not valid JSON/],
      ['list', /list\.json: "accounts" is not an array/],
      ['empty', /empty\.csv: no header row/],
      ['dup', /dup\.csv: column "sku" appears twice/],
    ] as const) {
      const error = await failure(stream);
      expect(error, stream).toBeInstanceOf(UserError);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('reads the first sheet by default and names the sheets when the wanted one is missing', async () => {
    const folder = folderWith();
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Lots').addRows([['sku', 'warehouse_code', 'lot', 'on_hand'], ['S1', 'WH-SZ', 'L1', 5], ['S2', 'WH-SZ', { richText: [{ text: 'L' }, { text: '2' }] }, { formula: '2*3', result: 6 }]]);
    workbook.addWorksheet('Other').addRows([['x'], [1]]);
    await workbook.xlsx.writeFile(join(folder, 'stock.xlsx'));
    const instance = open(folder, { first: { pattern: 'stock.xlsx', entity: 'stock_lots' }, missing: { pattern: 'stock.xlsx', entity: 'stock_lots', sheet: 'Stock' } });
    expect(records(await readAll(instance, 'first'))).toEqual([
      { sku: 'S1', warehouse_code: 'WH-SZ', lot: 'L1', on_hand: 5 },
      { sku: 'S2', warehouse_code: 'WH-SZ', lot: 'L2', on_hand: 6 },
    ]);
    await expect(readAll(instance, 'missing')).rejects.toThrow(/stock\.xlsx: no sheet "Stock"; it has "Lots", "Other"/);
  });

  it('reads only new or changed files after the last cursor', async () => {
    const folder = folderWith({ 'products-1.csv': productsCsv(1, 3), 'products-2.csv': productsCsv(4, 3) });
    const instance = open(folder, { products: { pattern: 'products-*.csv', entity: 'products' } });
    const first = await readAll(instance, 'products');
    expect(records(first).map((r) => r.sku)).toEqual(['P1', 'P2', 'P3', 'P4', 'P5', 'P6']);
    expect(lastCursor(first)).toMatchObject({ file: 'products-2.csv', row: 4, eof: true });

    expect(await readAll(instance, 'products', lastCursor(first))).toEqual([]);

    put(folder, 'products-3.csv', productsCsv(7, 2), T0 + 600);
    const second = await readAll(instance, 'products', lastCursor(first));
    expect(records(second).map((r) => r.sku)).toEqual(['P7', 'P8']);

    put(folder, 'products-1.csv', productsCsv(1, 4), T0 + 900); // changed: one more row
    const third = await readAll(instance, 'products', lastCursor(second));
    expect(records(third).map((r) => r.sku)).toEqual(['P1', 'P2', 'P3', 'P4']);
    expect(await readAll(instance, 'products', lastCursor(third))).toEqual([]);
  });

  it('re-reads the cursor file from the start when it changed in place', async () => {
    const folder = folderWith({ 'prices.csv': 'price_list_code,sku,unit_price\nL,A,1.00\nL,B,2.00\nL,C,3.00\n' });
    const instance = open(folder, { prices: { pattern: 'prices.csv', entity: 'prices' } }, 2);
    const [firstPage] = await readAll(instance, 'prices');
    expect(firstPage!.cursor).toMatchObject({ row: 3, eof: false });
    put(folder, 'prices.csv', 'price_list_code,sku,unit_price\nL,A,11.00\nL,B,2.00\nL,C,3.00\n', T0); // same mtime, other size
    expect(records(await readAll(instance, 'prices', firstPage!.cursor)).map((r) => r.unit_price)).toEqual(['11.00', '2.00', '3.00']);
  });

  it('reads only the newest file of a snapshot stream', async () => {
    const stock = (lot: string) => `sku,warehouse_code,lot,on_hand\nS1,WH-SZ,${lot},1\n`;
    const folder = folderWith({ 'stock-0314.csv': stock('OLD'), 'stock-0315.csv': stock('NEW') });
    const instance = open(folder, { stock: { pattern: 'stock-*.csv', entity: 'stock_lots' } });
    const pages = await readAll(instance, 'stock');
    expect(records(pages).map((r) => r.lot)).toEqual(['NEW']);
    expect(await readAll(instance, 'stock', lastCursor(pages))).toEqual([]);
  });

  it('yields one empty page for a file with a header and no rows, so its cursor records it', async () => {
    const folder = folderWith({ 'products.csv': 'sku,name\n\n' });
    const pages = await readAll(open(folder, { products: { pattern: 'products.csv', entity: 'products' } }), 'products');
    expect(pages).toEqual([{ records: [], origins: [], cursor: expect.objectContaining({ file: 'products.csv', eof: true }) }]);
  });

  it('check() counts the files of each stream, and fails on a missing folder', async () => {
    const folder = folderWith({ 'products-1.csv': productsCsv(1, 1), 'products-2.csv': productsCsv(2, 1), '~$stock.xlsx': '', 'stock.xlsx': '' });
    const streams = { products: { pattern: 'products*.csv', entity: 'products' }, stock: { pattern: '*.xlsx', entity: 'stock_lots' }, credit: { pattern: 'credit.json', entity: 'credit_accounts' } };
    expect(await open(folder, streams).check()).toEqual({ ok: true, detail: expect.stringContaining('3 streams; products: 2 files, stock: 1 file, credit: 0 files') });
    rmSync(folder, { recursive: true });
    expect(await open(folder, streams).check()).toEqual({ ok: false, detail: expect.stringMatching(/does not exist/) });
  });
});
