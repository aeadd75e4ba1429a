import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { csvRows, linesFromRows, xlsxRows } from '../../src/portal/cart-file.js';
import { offersFor, type OfferRow } from '../../src/portal/offers.js';
import { DEFAULT_SCRYPT, hashPassword, verifyPassword } from '../../src/portal/passwords.js';

describe('portal passwords', () => {
  it('hashes with scrypt at the default cost (N = 32768) and a fresh salt, and verifies only the same password', async () => {
    const a = await hashPassword('demo-D001-pass');
    const b = await hashPassword('demo-D001-pass');
    expect(a.params).toEqual(DEFAULT_SCRYPT);
    expect(a.params.N).toBe(32_768);
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
    await expect(verifyPassword('demo-D001-pass', a)).resolves.toBe(true);
    await expect(verifyPassword('demo-D001-pasS', a)).resolves.toBe(false);
  });

  it('checks an old hash with the parameters stored beside it', async () => {
    const cheap = await hashPassword('same words', 1024);
    expect(cheap.params.N).toBe(1024);
    await expect(verifyPassword('same words', cheap)).resolves.toBe(true);
  });
});

describe('cart files', () => {
  const cases: Array<{ name: string; rows: string[][]; lines: Array<{ sku: string; qty: number }>; problems: number }> = [
    { name: 'header sku,qty', rows: [['sku', 'qty'], ['MLK-250-24', '48']], lines: [{ sku: 'MLK-250-24', qty: 48 }], problems: 0 },
    { name: 'Chinese header in another order, extra columns', rows: [['备注', '数量', '物料编码'], ['x', '6', 'nut-750-6']], lines: [{ sku: 'NUT-750-6', qty: 6 }], problems: 0 },
    { name: 'no header: first two columns', rows: [['MLK-250-24', '24'], ['MLK-250-24', '24'], ['', '']], lines: [{ sku: 'MLK-250-24', qty: 48 }], problems: 0 },
    { name: 'bad quantities are reported with their row', rows: [['sku', 'qty'], ['A', '0'], ['B', '1.5'], ['C', '2']], lines: [{ sku: 'C', qty: 2 }], problems: 2 },
  ];
  it.each(cases)('$name', ({ rows, lines, problems }) => {
    const result = linesFromRows(rows);
    expect(result.lines).toEqual(lines);
    expect(result.problems).toHaveLength(problems);
  });

  it('refuses a header with only one of the two columns, and an empty file', () => {
    expect(() => linesFromRows([['sku', 'price'], ['A', '1']])).toThrow(/quantity column/);
    expect(() => linesFromRows([])).toThrow(/no rows/);
    expect(() => csvRows(Buffer.from([0xc4, 0xe3, 0xba, 0xc3]))).toThrow(/UTF-8/);
  });

  it('reads the first sheet of an XLSX workbook, numbers as numbers', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('订单');
    sheet.addRow(['物料编码', '数量']);
    sheet.addRow(['WTR-550-24', 48]);
    sheet.addRow(['SDA-330-24', { formula: '24*2', result: 48 }]);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    expect(linesFromRows(await xlsxRows(bytes)).lines).toEqual([{ sku: 'WTR-550-24', qty: 48 }, { sku: 'SDA-330-24', qty: 48 }]);
    await expect(xlsxRows(Buffer.from('not a zip'))).rejects.toThrow(/not an XLSX/);
  });
});

describe('offers for a dealer', () => {
  const row = (code: string, eligibility: OfferRow['eligibility'], rule: OfferRow['rule'] = { type: 'threshold', threshold: '100.00', amountOff: '5.00' }): OfferRow => ({
    code, name: code, rule, eligibility, requiresCoupon: false, validTo: null,
  });
  const rows = [
    row('ALL', {}),
    row('TIER-A', { tiers: ['A'] }),
    row('TIER-B', { tiers: ['B'] }),
    row('ONLY-D002', { dealers: ['D002'] }),
    row('GROUP', { groups: ['south'] }),
    row('DAIRY', { categories: ['低温乳品'] }, { type: 'line_discount', percentOff: '8', per: 'unit' }),
    row('BUNDLE', {}, { type: 'bundle', components: [{ sku: 'TEA-GR500-15', qty: 15 }, { sku: 'BSC-250-20', qty: 20 }], price: '159.00' }),
  ];

  it('keeps what the dealer, its tier and its group may have, with the products and categories each reaches', () => {
    const offers = offersFor({ code: 'D001', tier: 'A', group: null }, rows);
    expect(offers.map((o) => o.code)).toEqual(['ALL', 'TIER-A', 'DAIRY', 'BUNDLE']);
    expect(offers.find((o) => o.code === 'ALL')).toMatchObject({ products: null, categories: null, level: 'order' });
    expect(offers.find((o) => o.code === 'DAIRY')).toMatchObject({ products: [], categories: ['低温乳品'], level: 'line' });
    expect(offers.find((o) => o.code === 'BUNDLE')?.products).toEqual(['TEA-GR500-15', 'BSC-250-20']);
    expect(offersFor({ code: 'D002', tier: 'B', group: 'south' }, rows).map((o) => o.code)).toEqual(['ALL', 'TIER-B', 'ONLY-D002', 'GROUP', 'DAIRY', 'BUNDLE']);
  });
});
