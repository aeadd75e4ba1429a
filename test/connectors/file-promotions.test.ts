/**
 * Promotions and coupons from YAML and CSV through the real `file` connector and the sync
 * runner into the store: validated by the promotion definition, windows read in the
 * promotion's time zone, bad records reported by field, re-syncs writing nothing and never
 * touching what orders have used.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '../../src/connectors/contract.js';
import { fileConnector } from '../../src/connectors/file/index.js';
import { createConnectorHub, type ConnectorHub } from '../../src/connectors/hub.js';
import { CONNECTORS } from '../../src/connectors/registry.js';
import { configSchema } from '../../src/core/config/schema.js';
import { createLogger } from '../../src/core/logger.js';
import { canonicalSchemas } from '../../src/core/sync/canonical.js';
import { runSync, type SyncReport } from '../../src/core/sync/index.js';
import { PROMOTION_COLUMNS, toPromotion, type PromotionRow } from '../../src/promotions/rows.js';
import { createTestStore, storeDrivers, type TestStore } from '../support/store.js';

const logger = createLogger({ level: 'silent', pretty: false });
const T0 = 1_770_000_000;

const PROMOTIONS_YAML = `# 双十一
- code: P-A
  name: 双十一满1000减50
  rule: { type: threshold, threshold: "1000.00", amountOff: "50.00" }
  validFrom: "2026-11-11"
  validTo: "2026-11-12T00:00"
  timeZone: Asia/Shanghai
  budgetUses: 10
- code: P-B
  name: 阶梯满减
  rule:
    type: tiered
    tiers:
      - { threshold: 500, amountOff: 10 }
      - { threshold: 1500, amountOff: 40.5 }
  eligibility: { tiers: [A], channels: [portal, api] }
  exclusiveGroup: 满减
  stackable: false
  priority: 20
  validFrom: "2026-11-11T00:00:00+08:00"
  validTo: "2026-12-01T00:00:00Z"
  budgetAmount: 5000
- code: P-BAD-RULE
  name: 坏规则
  rule: { type: threshold, threshold: abc, amountOff: "5.00" }
- code: P-BAD-WINDOW
  name: 坏窗口
  rule: { type: threshold, threshold: "100.00", amountOff: "5.00" }
  validFrom: "2026-13-01"
- code: P-C
  name: Sommer-Aktion (Berlin)
  rule: { type: line_discount, percentOff: "8" }
  eligibility: { categories: [低温乳品] }
  timeZone: Europe/Berlin
  validFrom: "2026-07-01"
  requiresCoupon: true
`;

const csvCell = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
const csvRow = (cells: string[]) => cells.map(csvCell).join(',');

const PROMOTIONS_CSV = [
  'code,name,rule,eligibility,priority,stackable,validFrom,validTo,timeZone,requiresCoupon,budgetAmount,perDealerLimit',
  csvRow(['CSV-1', '首单95折', '{"type":"order_percent","percentOff":"5"}', '{"firstOrder":true}', '10', 'false', '2026-01-01', '2027-01-01', '', 'no', '', '1']),
  csvRow(['CSV-2', '买二送一', '{"type":"buy_x_get_y","buy":2,"get":1}', '', '', '', '', '', '', '', '800.00', '']),
  csvRow(['CSV-3', '坏JSON', '{"type":"threshold",', '', '', '', '', '', '', '', '', '']),
  csvRow(['CSV-4', '未知类型', '{"type":"cashback","amountOff":"5"}', '', '', '', '', '', '', '', '', '']),
  csvRow(['CSV-5', '坏时区', '{"type":"threshold","threshold":"100","amountOff":"5"}', '', '', '', '', '', 'Mars/Olympus', '', '', '']),
].join('\n');

const NESTED_YAML = `exportedAt: 2026-03-15
data:
  promotions:
    - { code: N-1, name: 嵌套, rule: { type: order_percent, percentOff: "2" } }
`;

const COUPONS_CSV = [
  'code,promotion_code,max_uses,per_dealer_limit,dealer_code,valid_from,valid_to,status',
  'WELCOME-D001,P-A,1,,D001,,,',
  'vip-88,P-A,unlimited,2,,2026-11-11,2026-11-12,active',
  'SUMMER-26,P-C,100,,,2026-07-01,2026-09-01T00:00:00+02:00,',
  'PLAIN,P-C,,,,,,disabled',
  'NO-PROMO,P-NOPE,1,,,,,',
  'NO-DEALER,P-A,1,,D999,,,',
  'BACKWARDS,P-A,1,,,2026-12-01,2026-11-01,',
  'ZERO,P-A,0,,,,,',
].join('\n');

describe.each(storeDrivers())('promotions and coupons through the file connector on %s', (driver) => {
  let t: TestStore;
  let folder: string;
  let hub: ConnectorHub;
  let mtime = T0;
  const put = (name: string, content: string) => {
    writeFileSync(join(folder, name), content);
    mtime += 60;
    utimesSync(join(folder, name), mtime, mtime);
  };
  const sync = (stream: string): Promise<SyncReport> => runSync({ store: t.store, target: hub.stream('files', stream), trigger: 'test', logger });
  const promotion = async (code: string) =>
    (await t.store.query<Record<string, unknown>>(`SELECT *, budget_amount::text AS budget_text, used_amount::text AS used_text FROM promotions WHERE code = $1`, [code])).rows[0];
  const coupons = async () =>
    (
      await t.store.query<{ code: string; promotion: string; max_uses: number | null; per_dealer_limit: number | null; dealer: string | null; valid_from: Date | null; valid_to: Date | null; status: string; used: number }>(
        `SELECT c.code, p.code AS promotion, c.max_uses, c.per_dealer_limit, d.code AS dealer, c.valid_from, c.valid_to, c.status, c.used
           FROM coupons c JOIN promotions p ON p.id = c.promotion_id LEFT JOIN dealers d ON d.id = c.dealer_id ORDER BY c.code`,
      )
    ).rows;

  beforeAll(async () => {
    t = await createTestStore(driver);
    await t.store.query(`INSERT INTO dealers (code, name, tier) VALUES ('D001', '深圳鹏程', 'A')`);
    folder = mkdtempSync(join(tmpdir(), 'dh-promo-'));
    const config = configSchema.parse({
      connectors: {
        files: {
          kind: 'file',
          folder,
          pageSize: 3,
          streams: {
            promotions: { pattern: 'promotions.yaml', entity: 'promotions' },
            promotions_csv: { pattern: 'promotions.csv', entity: 'promotions' },
            nested: { pattern: 'nested.yml', entity: 'promotions', jsonPath: 'data.promotions' },
            coupons: { pattern: 'coupons.csv', entity: 'coupons' },
          },
        },
      },
    });
    hub = createConnectorHub(config.connectors, CONNECTORS, { logger, now: () => new Date('2026-03-15T02:00:00Z') });
  });
  afterAll(async () => {
    await hub?.close();
    await t?.drop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('loads valid YAML promotions with their windows as Asia/Shanghai instants, and reports the bad ones by field', async () => {
    put('promotions.yaml', PROMOTIONS_YAML);
    const report = await sync('promotions');
    expect(report).toMatchObject({ status: 'succeeded', counts: { read: 5, inserted: 3, updated: 0, rejected: 2, pages: 2 } });
    expect(report.issues).toEqual([
      expect.objectContaining({ file: 'promotions.yaml', row: 3, field: 'rule.threshold', message: expect.stringMatching(/amount/) }),
      expect.objectContaining({ file: 'promotions.yaml', row: 3, field: 'rule.threshold', message: 'must be greater than 0' }),
      expect.objectContaining({ file: 'promotions.yaml', row: 4, field: 'validFrom', message: expect.stringMatching(/validFrom "2026-13-01" is not a date/), value: '2026-13-01' }),
    ]);

    const a = await promotion('P-A');
    expect(a).toMatchObject({
      name: '双十一满1000减50', type: 'threshold', rules: { type: 'threshold', threshold: '1000.00', amountOff: '50.00' }, eligibility: {},
      priority: 100, stackable: true, exclusive_group: null, time_zone: 'Asia/Shanghai', requires_coupon: false, budget_uses: 10,
      budget_text: null, used_uses: 0, used_text: '0.00', status: 'active', source: 'file:promotions.yaml',
    });
    // Midnight in Shanghai is 16:00 UTC the day before.
    expect((a!.valid_from as Date).toISOString()).toBe('2026-11-10T16:00:00.000Z');
    expect((a!.valid_to as Date).toISOString()).toBe('2026-11-11T16:00:00.000Z');

    const b = await promotion('P-B');
    // YAML numbers in amounts are taken as the decimal text they spell.
    expect(b).toMatchObject({
      rules: { type: 'tiered', tiers: [{ threshold: '500', amountOff: '10' }, { threshold: '1500', amountOff: '40.5' }] },
      eligibility: { tiers: ['A'], channels: ['portal', 'api'] }, exclusive_group: '满减', stackable: false, priority: 20, budget_text: '5000.00',
    });
    expect((b!.valid_from as Date).toISOString()).toBe('2026-11-10T16:00:00.000Z');
    expect((b!.valid_to as Date).toISOString()).toBe('2026-12-01T00:00:00.000Z');

    const c = await promotion('P-C');
    expect(c).toMatchObject({ time_zone: 'Europe/Berlin', requires_coupon: true, valid_to: null, rules: { type: 'line_discount', percentOff: '8', per: 'unit' } });
    expect((c!.valid_from as Date).toISOString()).toBe('2026-06-30T22:00:00.000Z');
    expect(await promotion('P-BAD-RULE')).toBeUndefined();

    // The rows read back as the engine takes them.
    const { rows } = await t.store.query<{ p: PromotionRow }>(`SELECT ${PROMOTION_COLUMNS} AS p FROM promotions promo WHERE promo.code = 'P-B'`);
    expect(toPromotion(rows[0]!.p)).toMatchObject({ code: 'P-B', rule: { type: 'tiered' }, budgetAmount: '5000.00', usedAmount: '0.00', stackable: false });
  });

  it('reads CSV promotions with rule and eligibility as JSON text, yes/no and numbers as text', async () => {
    put('promotions.csv', PROMOTIONS_CSV);
    const report = await sync('promotions_csv');
    expect(report.counts).toMatchObject({ read: 5, inserted: 2, rejected: 3 });
    expect(report.issues).toEqual([
      expect.objectContaining({ row: 4, field: 'rule', message: expect.stringMatching(/^not valid JSON/) }),
      expect.objectContaining({ row: 5, field: 'rule.type', message: expect.stringMatching(/^expected one of threshold, tiered, repeating/) }),
      expect.objectContaining({ row: 6, field: 'timeZone', message: 'unknown time zone "Mars/Olympus" (an IANA name such as Asia/Shanghai)' }),
    ]);
    expect(await promotion('CSV-1')).toMatchObject({
      type: 'order_percent', eligibility: { firstOrder: true }, priority: 10, stackable: false, requires_coupon: false, per_dealer_limit: 1,
      time_zone: 'Asia/Shanghai', source: 'file:promotions.csv',
    });
    expect(((await promotion('CSV-1'))!.valid_from as Date).toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect(await promotion('CSV-2')).toMatchObject({ rules: { type: 'buy_x_get_y', buy: 2, get: 1 }, budget_text: '800.00', valid_from: null, valid_to: null });
  });

  it('reads a YAML list nested in the document at jsonPath', async () => {
    put('nested.yml', NESTED_YAML);
    expect((await sync('nested')).counts).toMatchObject({ read: 1, inserted: 1, rejected: 0 });
    expect(await promotion('N-1')).toMatchObject({ type: 'order_percent', source: 'file:nested.yml' });
  });

  it('writes nothing when the same promotions are synced again', async () => {
    const before = await t.store.query<{ code: string; updated_at: Date }>('SELECT code, updated_at FROM promotions ORDER BY code');
    put('promotions.yaml', PROMOTIONS_YAML); // same content, new version: read again from the start
    put('promotions.csv', PROMOTIONS_CSV);
    expect((await sync('promotions')).counts).toMatchObject({ read: 5, inserted: 0, updated: 0, unchanged: 3, rejected: 2 });
    expect((await sync('promotions_csv')).counts).toMatchObject({ read: 5, inserted: 0, updated: 0, unchanged: 2, rejected: 3 });
    expect((await t.store.query('SELECT code, updated_at FROM promotions ORDER BY code')).rows).toEqual(before.rows);
  });

  it('never resets what orders have used, and keeps a lowered limit at least at the usage', async () => {
    await t.store.query(`UPDATE promotions SET used_uses = 3, used_amount = 150 WHERE code = 'P-A'`);
    await t.store.query(`UPDATE promotions SET used_uses = 2, used_amount = 4800 WHERE code = 'P-B'`);
    put('promotions.yaml', PROMOTIONS_YAML.replace('name: 双十一满1000减50', 'name: 双十一满1000减60').replace('budgetUses: 10', 'budgetUses: 2').replace('budgetAmount: 5000', 'budgetAmount: 4000'));
    expect((await sync('promotions')).counts).toMatchObject({ inserted: 0, updated: 2, unchanged: 1 });
    expect(await promotion('P-A')).toMatchObject({ name: '双十一满1000减60', used_uses: 3, used_text: '150.00', budget_uses: 3 });
    expect(await promotion('P-B')).toMatchObject({ used_uses: 2, used_text: '4800.00', budget_text: '4800.00' });
    // The same file again: the clamped limits count as unchanged.
    put('promotions.yaml', PROMOTIONS_YAML.replace('name: 双十一满1000减50', 'name: 双十一满1000减60').replace('budgetUses: 10', 'budgetUses: 2').replace('budgetAmount: 5000', 'budgetAmount: 4000'));
    expect((await sync('promotions')).counts).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
  });

  it('loads coupons resolved to their promotion and dealer, windows in the promotion’s time zone', async () => {
    put('coupons.csv', COUPONS_CSV);
    const report = await sync('coupons');
    expect(report.counts).toMatchObject({ read: 8, inserted: 4, rejected: 4 });
    expect(report.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 6, field: 'promotion_code', message: 'unknown promotion_code "P-NOPE"' }),
        expect.objectContaining({ row: 7, field: 'dealer_code', message: 'unknown dealer_code "D999"' }),
        expect.objectContaining({ row: 8, field: 'valid_to', message: expect.stringMatching(/must be after valid_from/) }),
        expect.objectContaining({ row: 9, field: 'max_uses' }),
      ]),
    );
    expect(report.issues).toHaveLength(4);
    const rows = await coupons();
    expect(rows.map(({ valid_from, valid_to, ...rest }) => ({ ...rest, valid_from: valid_from?.toISOString() ?? null, valid_to: valid_to?.toISOString() ?? null }))).toEqual([
      { code: 'PLAIN', promotion: 'P-C', max_uses: 1, per_dealer_limit: null, dealer: null, valid_from: null, valid_to: null, status: 'disabled', used: 0 },
      { code: 'SUMMER-26', promotion: 'P-C', max_uses: 100, per_dealer_limit: null, dealer: null, valid_from: '2026-06-30T22:00:00.000Z', valid_to: '2026-08-31T22:00:00.000Z', status: 'active', used: 0 },
      { code: 'VIP-88', promotion: 'P-A', max_uses: null, per_dealer_limit: 2, dealer: null, valid_from: '2026-11-10T16:00:00.000Z', valid_to: '2026-11-11T16:00:00.000Z', status: 'active', used: 0 },
      { code: 'WELCOME-D001', promotion: 'P-A', max_uses: 1, per_dealer_limit: null, dealer: 'D001', valid_from: null, valid_to: null, status: 'active', used: 0 },
    ]);
  });

  it('re-syncs coupons without writing, and never touches their uses', async () => {
    put('coupons.csv', COUPONS_CSV);
    expect((await sync('coupons')).counts).toMatchObject({ read: 8, inserted: 0, updated: 0, unchanged: 4, rejected: 4 });

    await t.store.query(`UPDATE coupons SET used = 1 WHERE code IN ('WELCOME-D001', 'VIP-88')`);
    // An admin-made code in another case is the same coupon; the file's status and limit win, `used` stays.
    await t.store.query(`UPDATE coupons SET code = 'Vip-88' WHERE code = 'VIP-88'`);
    put('coupons.csv', COUPONS_CSV.replace('vip-88,P-A,unlimited,2', 'vip-88,P-A,5,2').replace('WELCOME-D001,P-A,1,,D001,,,', 'WELCOME-D001,P-A,1,,D001,,,disabled'));
    expect((await sync('coupons')).counts).toMatchObject({ inserted: 0, updated: 2, unchanged: 2 });
    const rows = await coupons();
    expect(rows.find((c) => c.code === 'VIP-88')).toMatchObject({ max_uses: 5, used: 1 });
    expect(rows.find((c) => c.code === 'WELCOME-D001')).toMatchObject({ status: 'disabled', used: 1 });
    expect(rows).toHaveLength(4);
  });
});

describe('YAML files in the file connector', () => {
  const folder = mkdtempSync(join(tmpdir(), 'dh-yaml-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const files: Record<string, string> = {
    'list.yml': '- 1\n- { code: X, when: 2026-11-11, ok: yes, n: 5 }\n',
    'bad.yaml': 'a: [1, 2\nb: 3\n',
    'dup.yaml': '- { a: 1, a: 2 }\n',
    'scalar.yaml': 'hello\n',
    'empty.yaml': '# nothing yet\n',
    'nested.yaml': 'data: { x: 1 }\n',
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(folder, name), content);
  const instance = fileConnector.create(
    fileConnector.optionsSchema.parse({
      folder,
      streams: Object.fromEntries(Object.keys(files).map((name) => [name.replace('.', '-'), { pattern: name, entity: 'promotions', ...(name === 'nested.yaml' ? { jsonPath: 'data.list' } : {}) }])),
    }),
    { logger, now: () => new Date() },
  );
  const read = async (stream: string): Promise<Page[]> => {
    const pages: Page[] = [];
    for await (const page of instance.read(stream, null, new AbortController().signal)) pages.push(page);
    return pages;
  };

  it('infers the format from .yaml/.yml and reads the core schema: dates and yes/no stay text, non-objects are row errors', async () => {
    expect(fileConnector.streams(fileConnector.optionsSchema.parse({ folder, streams: { p: { pattern: 'p*.yml', entity: 'promotions' } } }))[0]).toMatchObject({
      entity: 'promotions', mode: 'incremental', primaryKey: ['code'],
    });
    const [page] = await read('list-yml');
    expect(page!.records).toEqual([{ code: 'X', when: '2026-11-11', ok: 'yes', n: 5 }]);
    expect(page!.origins).toEqual([{ file: 'list.yml', row: 2 }]);
    expect(page!.rejected).toEqual([{ file: 'list.yml', row: 1, message: 'expected an object, found 1' }]);
  });

  it('fails with a UserError naming the file and the position when a file is not a YAML list', async () => {
    const failure = (stream: string) => read(stream).then(() => null, (error: Error) => error.message);
    expect(await failure('bad-yaml')).toMatch(/bad\.yaml: not valid YAML \(line 2, column 1\): Flow sequence/);
    expect(await failure('dup-yaml')).toMatch(/dup\.yaml: not valid YAML \(line 1, column \d+\): Map keys must be unique$/);
    expect(await failure('scalar-yaml')).toMatch(/scalar\.yaml: the top level is not a list; set jsonPath/);
    expect(await failure('empty-yaml')).toMatch(/empty\.yaml: the YAML document is empty/);
    expect(await failure('nested-yaml')).toMatch(/nested\.yaml: no "data\.list" in the YAML \(jsonPath data\.list\)/);
    expect(fileConnector.optionsSchema.safeParse({ folder, streams: { a: { pattern: 'a.csv', entity: 'promotions', jsonPath: 'x' } } }).error?.issues[0]?.message).toBe(
      'jsonPath applies to json and yaml streams; this one is csv',
    );
  });

  it('reads an XLSX date cell (its wall time, built in UTC) as a local date-time in the promotion’s time zone', () => {
    const parsed = canonicalSchemas.promotions.safeParse({
      code: 'X1', name: 'xlsx', rule: { type: 'order_percent', percentOff: 5 }, validFrom: new Date(Date.UTC(2026, 10, 11, 20, 0)), timeZone: 'Asia/Shanghai', stackable: 'yes', priority: '7',
    });
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data).toMatchObject({ valid_from: '2026-11-11T12:00:00.000Z', rules: { percentOff: '5' }, stackable: true, priority: 7, source: null });
  });
});
