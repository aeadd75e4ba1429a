/**
 * The CSV/XLSX batch readers and the row grouping behind POST /v1/orders/batch, fed mutated
 * order files and random bytes: a file is read into rows or refused with a 400 UserError
 * (unreadable_file), and grouping never throws — every order is placeable or lists its problems.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { groupRows } from '../../src/orders/batch/group-rows.js';
import { readCsv } from '../../src/orders/batch/read-csv.js';
import { readXlsx } from '../../src/orders/batch/read-xlsx.js';
import type { SheetRow } from '../../src/orders/batch/sheet.js';
import { mutatedDocument, RUNS } from './mutate.js';

const CSV = [
  'externalRef,shipTo,sku,qty,note\nPO-1,T001-01,MLK-250-24,48,first\nPO-1,T001-01,NUT-750-6,6,\nPO-2,T001-01,MLK-250-24,24,"a, quoted ""note"""\n',
  '\ufeff采购单号,收货地址,物料编码,数量,备注\r\nPO-9,T001-01,SKU-1,1,备注一\r\n\r\nPO-9,T001-01,SKU-2,2,\r\n',
  'qty;sku;shipTo;externalRef\n1;A;B;C\n',
].map((text) => Buffer.from(text, 'utf8'));

function checkGrouping(rows: SheetRow[]): void {
  for (const order of groupRows(rows)) {
    if (order.request) expect(order.problems).toEqual([]);
    else expect(order.problems.length).toBeGreaterThan(0);
  }
}

function refusedOrRead(error: unknown): void {
  if (!(error instanceof UserError)) throw error;
  expect(error.status).toBe(400);
  expect(error.code).toBe('unreadable_file');
}

describe('batch order files under fuzzing', () => {
  it(`CSV: ${RUNS} mutated files and ${RUNS / 5} random texts → rows or unreadable_file; grouping never throws`, () => {
    let read = 0;
    const check = (bytes: Buffer) => {
      let rows: SheetRow[];
      try {
        rows = readCsv(bytes);
      } catch (error) {
        return refusedOrRead(error);
      }
      read++;
      checkGrouping(rows);
    };
    fc.assert(fc.property(mutatedDocument(CSV), check), { numRuns: RUNS });
    const csvish = fc.array(fc.array(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('externalRef', 'shipTo', 'sku', 'qty', '"', '""', '1', '-3', '1e3')), { maxLength: 6 }), { maxLength: 8 });
    fc.assert(fc.property(csvish, (table) => check(Buffer.from(table.map((r) => r.join(',')).join('\n'), 'utf8'))), { numRuns: RUNS / 5 });
    expect(read).toBeGreaterThan(RUNS / 10);
  });

  describe('XLSX', () => {
    let workbooks: Buffer[] = [];
    beforeAll(async () => {
      const build = async (rows: unknown[][]) => {
        const book = new ExcelJS.Workbook();
        const sheet = book.addWorksheet('orders');
        for (const row of rows) sheet.addRow(row);
        return Buffer.from(await book.xlsx.writeBuffer());
      };
      workbooks = [
        await build([['externalRef', 'shipTo', 'sku', 'qty', 'note'], ['PO-1', 'T001-01', 'MLK-250-24', 48, 'x'], ['PO-2', 'T001-01', 'NUT-750-6', 6]]),
        await build([['采购单号', '收货地址', '物料编码', '数量'], ['PO-9', 'T001-01', 'SKU-1', new Date('2026-01-02')], [null, null, null, null], ['PO-9', 'T001-01', { formula: '1+1', result: 2 }, 2]]),
      ];
    });

    // Every case unzips and streams a workbook, and a stalled one waits out STALL_MS: fewer cases
    // than the text readers, with a short stall limit (a step of a good workbook takes < 10 ms).
    const XLSX_RUNS = Math.max(1, Math.round(RUNS / 20));
    const STALL_MS = 100;

    it('refuses, instead of waiting forever, a zip that exceljs never finishes (found by this fuzzer)', async () => {
      const bytes = readFileSync(resolve(import.meta.dirname, 'fixtures/stalling-zip.xlsx'));
      const started = Date.now();
      await expect(readXlsx(bytes, { stallMs: STALL_MS })).rejects.toMatchObject({ code: 'unreadable_file', status: 400 });
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it(`${XLSX_RUNS} mutated workbooks and random zips → rows or unreadable_file`, async () => {
      let read = 0;
      await fc.assert(
        fc.asyncProperty(fc.oneof({ weight: 9, arbitrary: mutatedDocument(workbooks) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.concat([Buffer.from('PK\u0003\u0004', 'latin1'), Buffer.from(a)])) }), async (bytes) => {
          let rows: SheetRow[];
          try {
            rows = await readXlsx(bytes, { stallMs: STALL_MS });
          } catch (error) {
            return refusedOrRead(error);
          }
          read++;
          checkGrouping(rows);
        }),
        { numRuns: XLSX_RUNS },
      );
      expect(read).toBeGreaterThan(0);
    }, 120_000);
  });
});
