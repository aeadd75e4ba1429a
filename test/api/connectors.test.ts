import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorRefinement } from '../../src/connectors/hub.js';
import { CONNECTORS } from '../../src/connectors/registry.js';
import { parseConfigText } from '../../src/core/config/index.js';
import { bearer, createTestApp, type TestApp } from '../support/app.js';
import { storeDrivers } from '../support/store.js';

const folder = mkdtempSync(join(tmpdir(), 'dh-admin-sync-'));

describe.each(storeDrivers())('connector admin API on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    writeFileSync(join(folder, 'regions.csv'), 'code,name\n44,广东省\n4403,深圳市\n');
    t = await createTestApp(driver, {
      connectors: { files: { kind: 'file', folder, streams: { regions: { pattern: 'regions.csv', entity: 'regions' } } } },
    });
  });
  afterAll(async () => t?.close());

  const admin = () => bearer(t.tokens.admin);

  it('queues a sync that runs, then shows the run and the stream cursor', async () => {
    const queued = await t.app.inject({ method: 'POST', url: '/admin/connectors/files/sync/regions', headers: admin() });
    expect(queued.statusCode).toBe(202);
    expect(queued.json()).toMatchObject({ jobId: expect.stringMatching(/^sync:manual:files:regions:/), deduplicated: false });

    let runs: Array<{ status: string; counts: Record<string, number> }> = [];
    for (let i = 0; i < 100 && runs[0]?.status !== 'succeeded'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      runs = (await t.app.inject({ method: 'GET', url: '/admin/connectors/files/runs', headers: admin() })).json().items;
    }
    expect(runs[0]).toMatchObject({ status: 'succeeded', counts: { read: 2, inserted: 2 } });

    const list = (await t.app.inject({ method: 'GET', url: '/admin/connectors', headers: admin() })).json();
    expect(list.items[0]).toMatchObject({
      name: 'files',
      kind: 'file',
      streams: [{ name: 'regions', entity: 'regions', lastRun: { status: 'succeeded' }, cursor: expect.anything() }],
    });
  });

  it('answers 404 for an unknown connector or stream, and 403 for a dealer', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/admin/connectors/nope/sync/regions', headers: admin() })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url: '/admin/connectors/files/sync/nope', headers: admin() })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/admin/connectors/nope/runs', headers: admin() })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/admin/connectors', headers: bearer(t.tokens.d1) })).statusCode).toBe(403);
  });
});

describe('connector options in the config file', () => {
  const parse = (yaml: string) => () => parseConfigText(yaml, 'site.yaml', {}, connectorRefinement(CONNECTORS));

  it('names the file, line and path of a bad connector option', () => {
    const yaml = ['connectors:', '  s4:', '    kind: sap', '    baseUrl: not a url', '    client: "100"'].join('\n');
    expect(parse(yaml)).toThrow(/site\.yaml:4:\d+ connectors\.s4\.baseUrl: /);
  });

  it('rejects an unknown kind and a mapping override for a stream that does not exist', () => {
    const yaml = [
      'connectors:',
      '  erp:',
      '    kind: sapp',
      '  files:',
      '    kind: file',
      `    folder: ${folder}`,
      '    streams: { regions: { pattern: "r.csv", entity: regions } }',
      '    mappings:',
      '      regoins: { fields: { code: RegionCode } }',
    ].join('\n');
    expect(parse(yaml)).toThrow(/site\.yaml:3:\d+ connectors\.erp\.kind: unknown connector kind "sapp"/);
    expect(parse(yaml)).toThrow(/connectors\.files\.mappings\.regoins: no stream "regoins"/);
  });

  it('rejects a scheduled sync of a stream that does not exist', () => {
    const yaml = [
      'connectors:',
      '  files:',
      '    kind: file',
      `    folder: ${folder}`,
      '    streams: { regions: { pattern: "r.csv", entity: regions } }',
      'schedules:',
      '  hourly: { cron: "0 * * * *", job: sync, payload: { connector: files, stream: region } }',
      '  other: { cron: "0 * * * *", job: sync, payload: { connector: nope, stream: x } }',
    ].join('\n');
    expect(parse(yaml)).toThrow(/site\.yaml:7:\d+ schedules\.hourly\.payload\.stream: connector files has no stream "region"; it has regions/);
    expect(parse(yaml)).toThrow(/schedules\.other\.payload\.connector: no connector named "nope"/);
  });
});
