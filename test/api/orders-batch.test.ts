import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/core/auth/tokens.js';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { loadDemoInto } from '../support/demo.js';
import { storeDrivers } from '../support/store.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function workbook(rows: unknown[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.addWorksheet('订单').addRows(rows);
  book.addWorksheet('说明').addRow(['not read']);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe.each(storeDrivers())('batch orders through the API on %s', (driver) => {
  let t: TestApp;
  let token = '';
  beforeAll(async () => {
    t = await createTestApp(driver);
    await loadDemoInto(t.store);
    token = (await issueToken(t.store, { kind: 'dealer', dealerCode: 'D001' })).token;
  });
  afterAll(async () => t?.close());

  const batch = (payload: unknown, contentType: string, key?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/orders/batch',
      headers: { ...bearer(token), 'content-type': contentType, ...(key ? { 'idempotency-key': key } : {}) },
      payload: typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload),
    });
  const orderCount = async () => (await t.store.query<{ n: number }>('SELECT count(*)::int AS n FROM orders')).rows[0]!.n;

  it('places the valid orders of a JSON batch and reports the one that fails with its line', async () => {
    const orders = [
      { externalRef: 'J-1', shipTo: 'D001-NS', lines: [{ sku: 'MLK-250-24', qty: 24 }] },
      { externalRef: 'J-2', shipTo: 'D001-GZ', lines: [{ sku: 'MLK-250-24', qty: 24 }, { sku: 'NOPE', qty: 1 }] },
      { externalRef: 'J-3', shipTo: 'D001-GZ', lines: [{ sku: 'WTR-550-24', qty: 48 }] },
    ];
    const response = await batch({ orders }, 'application/json', 'json-1');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.summary).toEqual({ orders: 3, created: 2, replayed: 0, failed: 1, invalid: 0, invalidRows: 0 });
    expect(body.results).toEqual([
      expect.objectContaining({ index: 0, externalRef: 'J-1', status: 'created', order: expect.objectContaining({ number: expect.stringMatching(/^DH/), review: { decision: 'approve' } }) }),
      { index: 1, externalRef: 'J-2', status: 'failed', error: expect.objectContaining({ code: 'invalid_lines', message: 'line 2 (NOPE): unknown SKU NOPE' }) },
      expect.objectContaining({ index: 2, externalRef: 'J-3', status: 'created' }),
    ]);
    const placed = await t.store.query<{ channel: string; idempotency_key: string }>(`SELECT channel, idempotency_key FROM orders WHERE external_ref = 'J-1'`);
    expect(placed.rows).toEqual([{ channel: 'batch', idempotency_key: 'json-1:J-1' }]);
  });

  it('reports malformed JSON orders by index and still places the others', async () => {
    const orders = [
      { shipTo: 'D001-NS', lines: [{ sku: 'MLK-250-24', qty: 0 }] },
      { shipTo: 'D001-NS', lines: [{ sku: 'MLK-250-24', qty: 24 }] },
      { externalRef: 'J-DUP', shipTo: 'D001-NS', lines: [{ sku: 'MLK-250-24', qty: 24 }] },
      { externalRef: 'J-DUP', shipTo: 'D001-NS', lines: [{ sku: 'MLK-250-24', qty: 48 }] },
    ];
    const body = (await batch({ orders }, 'application/json', 'json-2')).json();
    expect(body.summary).toMatchObject({ orders: 4, created: 2, invalid: 2 });
    expect(body.results[0]).toMatchObject({ status: 'invalid', index: 0, field: 'lines.0.qty', message: expect.stringMatching(/qty must be at least 1/) });
    expect(body.results[3]).toMatchObject({ status: 'invalid', index: 3, field: 'externalRef', message: expect.stringMatching(/J-DUP is also order 2/) });
  });

  it('reads a CSV with Chinese headers, names the bad rows, and places the other orders', async () => {
    const csv = [
      '\ufeff采购单号,收货地址,物料编码,数量,备注',
      'CSV-1,D001-NS,MLK-250-24,24,首批',
      'CSV-2,D001-GZ,MLK-250-24,48,',
      'CSV-2,D001-GZ,WTR-550-24,1.5,',
      'CSV-1,D001-NS,WTR-550-24,24,',
      'CSV-3,D001-GZ,TEA-OL500-15,15',
      'CSV-4,D001-NS,MLK-250-24,24,',
      'CSV-4,D001-GZ,WTR-550-24,24,',
    ].join('\r\n');
    const response = await batch(csv, 'text/csv; charset=utf-8', 'csv-1');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.summary).toEqual({ orders: 4, created: 1, replayed: 0, failed: 0, invalid: 3, invalidRows: 3 });
    expect(body.results).toEqual([
      expect.objectContaining({ status: 'created', index: 0, externalRef: 'CSV-1', rows: [2, 5] }),
      { status: 'skipped', externalRef: 'CSV-2', row: 3, skipped: 'order CSV-2 has invalid rows' },
      { status: 'invalid', externalRef: 'CSV-2', row: 4, field: 'qty', message: 'row 4: qty "1.5" is not a whole number from 1 to 1000000' },
      { status: 'invalid', externalRef: 'CSV-3', row: 6, field: 'row', message: 'row 6: expected 5 columns, found 4' },
      { status: 'skipped', externalRef: 'CSV-4', row: 7, skipped: 'order CSV-4 has invalid rows' },
      { status: 'invalid', externalRef: 'CSV-4', row: 8, field: 'shipTo', message: expect.stringMatching(/ships to D001-NS on row 7 but to D001-GZ/) },
    ]);
    const created = await t.store.query<{ note: string; lines: number }>(
      `SELECT o.note, (SELECT count(*)::int FROM order_lines l WHERE l.order_id = o.id) AS lines FROM orders o WHERE o.external_ref = 'CSV-1'`,
    );
    expect(created.rows).toEqual([{ note: '首批', lines: 2 }]);
    expect((await t.store.query(`SELECT 1 FROM orders WHERE external_ref IN ('CSV-2', 'CSV-3', 'CSV-4')`)).rows).toEqual([]);
  });

  it('maps a failed file order’s line back to its spreadsheet row', async () => {
    const csv = 'externalRef,shipTo,sku,qty\nCSV-P,D001-NS,MLK-250-24,24\n\nCSV-P,D001-NS,MLK-200-24,7\n';
    const body = (await batch(csv, 'text/csv', 'csv-2')).json();
    expect(body.results).toEqual([
      { index: 0, externalRef: 'CSV-P', rows: [2, 4], status: 'failed', error: expect.objectContaining({ code: 'invalid_lines', message: expect.stringMatching(/^row 4: line 2 \(MLK-200-24\).*pack size 24/) }) },
    ]);
  });

  it('reads the first sheet of an XLSX workbook, and a replay returns the same orders without placing any twice', async () => {
    const file = await workbook([
      ['externalRef', 'shipTo', 'sku', 'qty', 'note'],
      ['X-1', 'D001-NS', 'MLK-250-24', 24, 'from excel'],
      ['X-2', 'D001-GZ', 'MLK-1000-12', 12],
      ['X-1', 'D001-NS', 'WTR-550-24', 48],
    ]);
    const first = (await batch(file, XLSX, 'xlsx-1')).json();
    expect(first.summary).toMatchObject({ orders: 2, created: 2, failed: 0, invalid: 0 });
    expect(first.results.map((r: { rows: number[] }) => r.rows)).toEqual([[2, 4], [3]]);
    const count = await orderCount();
    const replay = await batch(file, XLSX, 'xlsx-1');
    expect(replay.statusCode).toBe(200);
    const again = replay.json();
    expect(again.summary).toMatchObject({ orders: 2, created: 0, replayed: 2 });
    expect(again.results.map((r: { status: string; order: { id: string } }) => [r.status, r.order.id])).toEqual(
      first.results.map((r: { order: { id: string } }) => ['replayed', r.order.id]),
    );
    expect(await orderCount()).toBe(count);
  });

  it('fails an order whose purchase order number was already used, naming the first order', async () => {
    const single = await t.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: bearer(token),
      payload: { externalRef: 'PO-USED', shipTo: 'D001-NS', lines: [{ sku: 'MLK-250-24', qty: 24 }] },
    });
    const number = single.json().number as string;
    const body = (await batch('externalRef,shipTo,sku,qty\nPO-USED,D001-GZ,MLK-250-24,24\nPO-NEW,D001-GZ,MLK-250-24,24\n', 'text/csv', 'dup-1')).json();
    expect(body.summary).toMatchObject({ created: 1, failed: 1 });
    expect(body.results[0]).toMatchObject({
      externalRef: 'PO-USED',
      status: 'failed',
      error: { code: 'conflict', message: expect.stringContaining(`already placed as order ${number}`), details: { code: 'duplicate_po', order: number } },
    });
  });

  it('refuses a batch it cannot take as a whole, writing nothing', async () => {
    const before = await orderCount();
    const one = { orders: [{ shipTo: 'D001-NS', lines: [{ sku: 'MLK-250-24', qty: 24 }] }] };
    const noKey = await batch(one, 'application/json');
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().error.message).toMatch(/Idempotency-Key header is required/);
    const text = await batch('hello', 'text/plain', 'bad-1');
    expect(text.statusCode).toBe(415);
    expect(text.json().error).toMatchObject({ code: 'unsupported_media_type', message: expect.stringContaining(`application/json, text/csv, ${XLSX}`) });
    const empty = await batch('', 'text/csv', 'bad-2');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.message).toMatch(/empty/);
    const headerOnly = await batch('\ufeffexternalRef,shipTo,sku,qty\n', 'text/csv', 'bad-3');
    expect(headerOnly.json().error.message).toMatch(/no order rows/);
    const wrongHeader = await batch('po_number,sku,qty\nA,B,1\n', 'text/csv', 'bad-4');
    expect(wrongHeader.json().error.message).toMatch(/lacks externalRef, shipTo/);
    const notBook = await batch(Buffer.from('not a zip at all'), XLSX, 'bad-5');
    expect(notBook.statusCode).toBe(400);
    expect(notBook.json().error.message).toMatch(/not an XLSX workbook/);
    const tooMany = await batch({ orders: Array.from({ length: 1001 }, () => one.orders[0]) }, 'application/json', 'bad-6');
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.message).toMatch(/at most 1000 orders per batch/);
    const huge = await batch(`externalRef,shipTo,sku,qty\n${'H,D001-NS,MLK-250-24,24\n'.repeat(460_000)}`, 'text/csv', 'bad-7');
    expect(huge.statusCode).toBe(413);
    expect(await orderCount()).toBe(before);
  });
});
