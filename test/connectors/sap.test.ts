import { existsSync, readdirSync, readFileSync } from 'node:fs';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../src/connectors/contract.js';
import { createSapConnector, SAP_STREAMS, sapConnector, sapOptionsSchema, type SapOptions } from '../../src/connectors/sap/index.js';
import { ConfigError, TransientError, UpstreamRejectedError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/logger.js';
import { canonicalSchemas } from '../../src/core/sync/canonical.js';
import { applyMapping } from '../../src/mappings/index.js';
import { connectorContract } from './contract-suite.js';
import { failure, readAll } from '../support/read.js';

const ORIGIN = 'https://s4.example.com';
const ROOT = '/sap/opu/odata/sap';
const PASSWORD = 'S3cret-Passw0rd!';
const BASIC = Buffer.from(`DH_COMM:${PASSWORD}`).toString('base64');
const deps = { logger: createLogger({ level: 'silent', pretty: false }), now: () => new Date('2024-05-02T00:00:00Z') };
const fixture = (name: string): any => JSON.parse(readFileSync(new URL(`../fixtures/sap/${name}`, import.meta.url), 'utf8'));
const METADATA = fixture('metadata-properties.json') as { services: Record<string, Record<string, { entityType: string; properties: Record<string, string>; navigation: string[] }>> };

const raw = {
  baseUrl: `${ORIGIN}${ROOT}`,
  client: '100',
  auth: { type: 'basic', username: 'DH_COMM', password: PASSWORD },
  pageSize: 4,
  timeoutMs: 1_000,
  retry: { retries: 2, minDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 5_000 },
  plants: { '1010': 'WH-SZ' },
  tiers: { '01': 'A', '02': 'B' },
  salesArea: { salesOrganization: '1710', distributionChannel: '10', division: '00' },
};
const options = (overrides: Record<string, unknown> = {}): SapOptions => sapOptionsSchema.parse({ ...raw, ...overrides });


const serviceDocument = { d: { EntitySets: ['A_Product', 'A_MatlStkInAcctMod', 'A_BusinessPartner'] } };
const stockPath = `${ROOT}/API_MATERIAL_STOCK_SRV/A_MatlStkInAcctMod`;
const productPath = `${ROOT}/API_PRODUCT_SRV/A_Product`;
const bpPath = `${ROOT}/API_BUSINESS_PARTNER/A_BusinessPartner`;

/** Requests seen by nock, with their decoded query (for $filter assertions). */
const seen: Array<{ path: string; query: Record<string, string> }> = [];
function record(this: unknown, uri: string) {
  const url = new URL(uri, ORIGIN);
  seen.push({ path: url.pathname, query: Object.fromEntries(url.searchParams) });
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  seen.length = 0;
});
afterAll(() => nock.enableNetConnect());

function serveStock() {
  nock(ORIGIN, { reqheaders: { authorization: `Basic ${BASIC}` } })
    .persist()
    .get(/\/(API_PRODUCT_SRV|API_MATERIAL_STOCK_SRV|API_BUSINESS_PARTNER)\/$/)
    .query(true)
    .reply(200, serviceDocument)
    .get(stockPath)
    .query((q) => q.$skiptoken === undefined)
    .reply(200, function (uri) {
      record(uri);
      return fixture('stock-page-1.json');
    })
    .get(stockPath)
    .query((q) => q.$skiptoken === '4')
    .reply(200, function (uri) {
      record(uri);
      return fixture('stock-page-2.json');
    });
}

describe('fixtures follow SAP metadata', () => {
  it('every property in a fixture record exists in its entity type', () => {
    const types = new Map(Object.values(METADATA.services).flatMap((sets) => Object.values(sets).map((t) => [t.entityType, t] as const)));
    const check = (value: unknown, file: string): void => {
      if (Array.isArray(value)) return value.forEach((v) => check(v, file));
      if (!value || typeof value !== 'object') return;
      const object = value as Record<string, unknown>;
      const typeName = (object.__metadata as { type?: string } | undefined)?.type?.split('.').pop();
      if (typeName) {
        const type = types.get(typeName);
        expect(type, `${file}: ${typeName} is not in the metadata`).toBeDefined();
        for (const key of Object.keys(object).filter((k) => k !== '__metadata')) {
          expect(key in type!.properties || type!.navigation.includes(key), `${file}: ${typeName}.${key}`).toBe(true);
        }
      }
      Object.values(object).forEach((v) => check(v, file));
    };
    const files = readdirSync(new URL('../fixtures/sap/', import.meta.url)).filter((f) => /page-\d+\.json$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) check(fixture(file), file);
  });

  it('every field a stream selects, filters, orders or expands exists in its entity set', () => {
    const services = { product: 'API_PRODUCT_SRV', materialStock: 'API_MATERIAL_STOCK_SRV', businessPartner: 'API_BUSINESS_PARTNER' } as const;
    for (const stream of SAP_STREAMS) {
      const set = METADATA.services[services[stream.service]]![stream.entitySet]!;
      expect(set, stream.entitySet).toBeDefined();
      const stamp = stream.stamp ? [stream.stamp.primary, stream.stamp.fallback].flatMap((p) => (!p ? [] : p.kind === 'datetimeoffset' ? [p.field] : [p.date, ...(p.time ? [p.time] : [])])) : [];
      const filterFields = [...(stream.filter?.(options({ productTypes: ['FERT'] })) ?? '').matchAll(/([A-Za-z]+) (?:eq|ne|ge|gt)/g)].map((m) => m[1]!);
      for (const field of [...stream.key, ...(stream.select ?? []), ...stream.orderBy, ...stamp, ...filterFields, ...(stream.aggregate?.sum ?? [])]) {
        expect(set.properties, `${stream.name}: ${field}`).toHaveProperty(field);
      }
      for (const path of stream.expand ?? []) expect(set.navigation, `${stream.name}: ${path}`).toContain(path.split('/')[0]);
    }
  });

  it('the extracted metadata matches the EDMX files when they are at hand', () => {
    const dir = new URL('../../../shared/fixtures/sap-odata/', import.meta.url);
    if (!existsSync(dir)) return;
    const files = { API_PRODUCT_SRV: 'API_PRODUCT_SRV_metadata.edmx', API_MATERIAL_STOCK_SRV: 'API_MATERIAL_STOCK_SRV_metadata.edmx', API_BUSINESS_PARTNER: 'API_BUSINESS_PARTNER_metadata.edmx' };
    for (const [service, file] of Object.entries(files)) {
      const edmx = readFileSync(new URL(file, dir), 'utf8');
      for (const [set, type] of Object.entries(METADATA.services[service]!)) {
        expect(edmx).toContain(`<EntitySet Name="${set}" EntityType="${service}.${type.entityType}"`);
        const body = edmx.slice(edmx.indexOf(`<EntityType Name="${type.entityType}"`), edmx.indexOf('</EntityType>', edmx.indexOf(`<EntityType Name="${type.entityType}"`)));
        for (const property of Object.keys(type.properties)) expect(body).toContain(`<Property Name="${property}"`);
      }
    }
  });
});

describe('sap connector: contract on stock', () => {
  beforeEach(serveStock);
  connectorContract<SapOptions>({
    definition: sapConnector,
    options: raw,
    create: (o) => createSapConnector(o, deps),
    stream: 'stock',
    minRecords: 4,
    invalidOptions: { options: { ...raw, client: '1000' }, message: /3-digit SAP client/ },
  });
});

describe('sap connector: stock', () => {
  beforeEach(serveStock);

  it('asks for unrestricted own stock in the configured plants, ordered so storage locations can be summed', async () => {
    const pages = await readAll(createSapConnector(options(), deps), 'stock');
    expect(seen[0]).toEqual({
      path: stockPath,
      query: {
        $format: 'json',
        'sap-client': '100',
        $top: '4',
        $filter: "InventoryStockType eq '01' and InventorySpecialStockType eq '' and Plant eq '1010'",
        $orderby: 'Material,Plant,Batch,StorageLocation',
        $select: 'Material,Plant,StorageLocation,Batch,InventoryStockType,InventorySpecialStockType,MaterialBaseUnit,MatlWrhsStkQtyInMatlBaseUnit',
      },
    });
    // __next dropped $format; the connector puts it back (and keeps sap-client).
    expect(seen[1]?.query).toEqual({ 'sap-client': '100', $skiptoken: '4', $format: 'json' });
    expect(pages).toHaveLength(2);
    const rows = pages.flatMap((p) => p.records).map((r) => [r.Material, r.Plant, r.Batch, r.MatlWrhsStkQtyInMatlBaseUnit, r.StorageLocations]);
    expect(rows).toEqual([
      ['000000000000001501', '1010', 'B2024-01', '150.000', ['101A', '101B']],
      ['000000000000001501', '1010', 'B2024-02', '20.000', ['101A']],
      // TG11 is split across the two OData pages: its first row travels in the cursor.
      ['TG11', '1010', '', '10.000', ['101A', '101B']],
      ['TG12', '1010', '', '12.000', ['101A']],
    ]);
    expect(pages[0]!.cursor).toMatchObject({ next: expect.stringContaining('$skiptoken=4'), carry: { Material: 'TG11', MatlWrhsStkQtyInMatlBaseUnit: '7.000' } });
    expect(pages[1]!.cursor).toEqual({ done: true });
  });

  it('maps to stock lots: leading zeros stripped, plant looked up, empty batch as NOLOT, "150.000" as 150', async () => {
    const o = options();
    const spec = sapConnector.streams(o).find((s) => s.name === 'stock')!;
    const pages = await readAll(createSapConnector(o, deps), 'stock');
    const lots = pages.flatMap((p) => p.records).map((r) => applyMapping(spec.defaultMapping, r).value);
    expect(lots).toEqual([
      { sku: '1501', warehouse_code: 'WH-SZ', lot: 'B2024-01', on_hand: 150 },
      { sku: '1501', warehouse_code: 'WH-SZ', lot: 'B2024-02', on_hand: 20 },
      { sku: 'TG11', warehouse_code: 'WH-SZ', lot: 'NOLOT', on_hand: 10 },
      { sku: 'TG12', warehouse_code: 'WH-SZ', lot: 'NOLOT', on_hand: 12 },
    ]);
    for (const lot of lots) expect(canonicalSchemas.stock_lots.safeParse(lot).success).toBe(true);
  });
});

describe('sap connector: client-driven paging', () => {
  it('pages with $top/$skip when the server sends no __next', async () => {
    const rows = fixture('stock-page-1.json').d.results.slice(0, 3).map((r: SourceRecord) => ({ ...r, StorageLocation: '101A', Batch: `B${r.MatlWrhsStkQtyInMatlBaseUnit}` }));
    nock(ORIGIN)
      .persist()
      .get(stockPath)
      .query(true)
      .reply(200, function (uri) {
        record(uri);
        const skip = Number(new URL(uri, ORIGIN).searchParams.get('$skip') ?? 0);
        return { d: { results: rows.slice(skip, skip + 2) } };
      });
    const pages = await readAll(createSapConnector(options({ pageSize: 2 }), deps), 'stock');
    expect(seen.map((r) => [r.query.$top, r.query.$skip])).toEqual([['2', undefined], ['2', '2']]);
    expect(pages.map((p) => p.records.length)).toEqual([1, 2]); // the second group waits in the carry
    expect(seen[1]!.query.$filter).toBe(seen[0]!.query.$filter);
  });
});

describe('sap connector: products (incremental on LastChangeDateTime)', () => {
  function serveProducts(secondRun?: SourceRecord) {
    nock(ORIGIN)
      .persist()
      .get(productPath)
      .query((q) => q.$skiptoken === undefined)
      .reply(200, function (uri) {
        record(uri);
        return secondRun ? { d: { results: [secondRun] } } : fixture('products-page-1.json');
      })
      .get(productPath)
      .query((q) => q.$skiptoken === '2')
      .reply(200, function (uri) {
        record(uri);
        return fixture('products-page-2.json');
      });
  }

  it('reads every product over __next pages, then resumes strictly from the change stamp', async () => {
    serveProducts();
    const instance = createSapConnector(options(), deps);
    const pages = await readAll(instance, 'products');
    expect(seen[0]!.query).toEqual({ $format: 'json', 'sap-client': '100', $top: '4', $orderby: 'LastChangeDateTime,Product', $expand: 'to_Description,to_ProductStorage' });
    expect(pages.map((p) => p.records.map((r) => r.Product))).toEqual([['TG11', '000000000000001501'], ['TG12']]);
    const final = pages.at(-1)!.cursor;
    expect(final).toEqual({ from: { at: '2024-05-01T10:00:00.000Z', keys: ['["TG12"]'] } });

    // The next run asks for "≥ the mark" and drops what it already delivered at exactly the mark.
    nock.cleanAll();
    seen.length = 0;
    serveProducts(fixture('products-page-2.json').d.results[0]);
    expect(await readAll(instance, 'products', final)).toEqual([]);
    expect(seen[0]!.query.$filter).toBe("LastChangeDateTime ge datetimeoffset'2024-05-01T10:00:00.000Z'");
    expect(seen[0]!.query.$orderby).toBe('LastChangeDateTime,Product');
  });

  it('picks the description in the configured language and maps to canonical products', async () => {
    serveProducts();
    const o = options({ language: 'ZH', productTypes: ['HAWA', 'FERT'] });
    const spec = sapConnector.streams(o).find((s) => s.name === 'products')!;
    const records = (await readAll(createSapConnector(o, deps), 'products')).flatMap((p) => p.records);
    expect(seen[0]!.query.$filter).toBe("(ProductType eq 'HAWA' or ProductType eq 'FERT')");
    const products = records.map((r) => applyMapping(spec.defaultMapping, r));
    expect(products.map((p) => p.issues)).toEqual([[], [], []]);
    expect(products.map((p) => p.value)).toEqual([
      expect.objectContaining({ sku: 'TG11', name: '贸易商品 11', uom: 'PC', shelf_life_days: 730, min_remaining_shelf_life_days: 90, category: 'L001', status: 'active' }),
      expect.objectContaining({ sku: '1501', name: 'Hand cream 50 ml', shelf_life_days: null, brand: 'BR01', status: 'active' }),
      expect.objectContaining({ sku: 'TG12', name: 'Trading Good 12', uom: 'KAR', status: 'discontinued' }),
    ]);
    for (const product of products) expect(canonicalSchemas.products.safeParse(product.value).error).toBeUndefined();
  });
});

describe('sap connector: business partners → dealers', () => {
  it('filters on change date + time, falling back to creation for never-changed partners, and maps tier from the sales area', async () => {
    nock(ORIGIN)
      .get(bpPath)
      .query(true)
      .reply(200, function (uri) {
        record(uri);
        return fixture('business-partners-page-1.json');
      });
    const o = options();
    const mark = { at: '2024-05-01T10:30:00.000Z', keys: ['["17100001"]'] };
    const pages = await readAll(createSapConnector(o, deps), 'business_partners', { from: mark });
    expect(seen[0]!.query.$filter).toBe(
      "Customer ne '' and ((LastChangeDate gt datetime'2024-05-01T00:00:00' or (LastChangeDate eq datetime'2024-05-01T00:00:00' and LastChangeTime ge time'PT10H30M00S'))" +
        " or (LastChangeDate eq null and (CreationDate gt datetime'2024-05-01T00:00:00' or (CreationDate eq datetime'2024-05-01T00:00:00' and CreationTime ge time'PT10H30M00S'))))",
    );
    expect(seen[0]!.query.$orderby).toBe('LastChangeDate,LastChangeTime,BusinessPartner');
    expect(seen[0]!.query.$expand).toBe('to_Customer,to_Customer/to_CustomerSalesArea');
    // 17100001 was delivered at exactly the mark: dropped. 17100002 (created 11:00, never changed) is new.
    expect(pages.flatMap((p) => p.records.map((r) => r.BusinessPartner))).toEqual(['17100002']);
    expect(pages.at(-1)!.cursor).toEqual({ from: { at: '2024-05-01T11:00:00.000Z', keys: ['["17100002"]'] } });

    const spec = sapConnector.streams(o).find((s) => s.name === 'business_partners')!;
    const first = fixture('business-partners-page-1.json').d.results as SourceRecord[];
    nock(ORIGIN).get(bpPath).query(true).reply(200, { d: { results: first } });
    const all = (await readAll(createSapConnector(o, deps), 'business_partners')).flatMap((p) => p.records);
    expect(all.map((r) => applyMapping(spec.defaultMapping, r).value)).toEqual([
      expect.objectContaining({ code: '17100001', name: 'Shenzhen Nanshan Trading Co., Ltd.', tier: 'A', status: 'active', currency: 'CNY', cooperation_since: '2020-01-01' }),
      expect.objectContaining({ code: '17100002', name: 'Hangzhou Xihu Distribution', tier: 'standard', status: 'suspended' }),
    ]);
  });
});

describe('sap connector: failures', () => {
  const waits: number[] = [];
  const sleepy = () => createSapConnector(options(), deps, { sleep: async (ms) => void waits.push(ms) });
  beforeEach(() => {
    waits.length = 0;
  });

  it('waits for Retry-After on 503 and then succeeds', async () => {
    const scope = nock(ORIGIN)
      .get(stockPath)
      .query(true)
      .reply(503, 'Service Unavailable', { 'Retry-After': '2' })
      .get(stockPath)
      .query(true)
      .reply(200, fixture('stock-page-2.json'));
    const pages = await readAll(sleepy(), 'stock');
    expect(scope.isDone()).toBe(true);
    expect(waits).toEqual([2_000]);
    expect(pages.flatMap((p) => p.records)).toHaveLength(2);
  });

  it('turns a 400 with an OData error body into UpstreamRejectedError with SAP\'s message, without retrying', async () => {
    let calls = 0;
    nock(ORIGIN)
      .persist()
      .get(productPath)
      .query(true)
      .reply(() => {
        calls++;
        return [400, fixture('error-400.json')];
      });
    const error = await failure(readAll(sleepy(), 'products'));
    expect(error).toBeInstanceOf(UpstreamRejectedError);
    expect(error.message).toContain("Invalid filter expression: 'LastChangeDateTime ge datetimeoffset'; Literal 'datetimeoffset' has no closing quote [/IWBEP/CM_MGW_RT/022]");
    expect(calls).toBe(1);
  });

  it('reports 401 as ConfigError, and check() as not ok with the reason', async () => {
    nock(ORIGIN).persist().get(/.*/).query(true).reply(401, '<html><body>Logon failed</body></html>', { 'content-type': 'text/html' });
    const instance = sleepy();
    const error = await failure(readAll(instance, 'stock'));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/answered 401: credentials rejected: Logon failed/);
    const check = await instance.check();
    expect(check).toEqual({ ok: false, detail: expect.stringMatching(/API_PRODUCT_SRV.*401: credentials rejected/) });
  });

  it('reports an unknown service (404) as ConfigError', async () => {
    nock(ORIGIN).get(/.*/).query(true).reply(404, { error: { code: '/IWFND/MED/170', message: { lang: 'en', value: "No service found for namespace '', name 'API_PRODUCT_SRV', version '0001'" } } });
    const check = await sleepy().check();
    expect(check.ok).toBe(false);
    expect(check.detail).toMatch(/404: service or path not found.*No service found/);
  });

  it('retries a timeout and then gives up with TransientError', async () => {
    let calls = 0;
    nock(ORIGIN)
      .persist()
      .get(stockPath)
      .query(true)
      .delay(300)
      .reply(() => {
        calls++;
        return [200, fixture('stock-page-2.json')];
      });
    const error = await failure(readAll(createSapConnector(options({ timeoutMs: 50 }), deps), 'stock'));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toMatch(/timed out after 50 ms/);
    expect(calls).toBe(3); // 1 + retries: 2
  });

  it('never puts credentials in an error message', async () => {
    const echo = { error: { code: 'X', message: { lang: 'en', value: `bad header Authorization: Basic ${BASIC} for ${PASSWORD}` } } };
    nock(ORIGIN).get(stockPath).query(true).reply(400, echo);
    nock(ORIGIN).get(productPath).query(true).replyWithError(Object.assign(new Error(`connect ECONNREFUSED with ${PASSWORD}`), { code: 'ECONNREFUSED' }));
    const leaky = createSapConnector(options({ baseUrl: `https://DH_COMM:${encodeURIComponent(PASSWORD)}@s4.example.com${ROOT}`, retry: { retries: 0 } }), deps);
    const messages = [(await failure(readAll(leaky, 'stock'))).message, (await failure(readAll(leaky, 'products'))).message];
    nock(ORIGIN).get(/.*/).query(true).reply(401, `denied for ${PASSWORD}`);
    messages.push((await leaky.check()).detail);
    for (const message of messages) {
      expect(message).not.toContain(PASSWORD);
      expect(message).not.toContain(encodeURIComponent(PASSWORD));
      expect(message).not.toContain(BASIC);
    }
    expect(messages[0]).toContain('[redacted]');
  });

  it('refuses to follow a __next link to another host', async () => {
    nock(ORIGIN).get(stockPath).query(true).reply(200, { d: { results: [], __next: 'https://evil.example.net/steal?$skiptoken=1' } });
    const error = await failure(readAll(sleepy(), 'stock'));
    expect(error).toBeInstanceOf(UpstreamRejectedError);
    expect(error.message).toMatch(/another origin/);
  });
});
