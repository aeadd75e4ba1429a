/**
 * The one suite every connector passes. A connector's own test file calls it with a factory
 * that builds an instance against a real or protocol-level double of its system, seeded so
 * that `stream` has at least `minRecords` records over at least two pages.
 */
import { expect, it } from 'vitest';
import type { ConnectorDefinition, ConnectorInstance } from '../../src/connectors/contract.js';
import { applyMapping } from '../../src/mappings/index.js';
import { readAll } from '../support/read.js';

export interface ContractCase<Options> {
  definition: ConnectorDefinition<Options>;
  /** Raw YAML-like options (before the schema); the suite parses them. */
  options: unknown;
  /** Builds a ready instance (after any double is set up). */
  create(options: Options): ConnectorInstance | Promise<ConnectorInstance>;
  /** The stream to read through; it must span ≥ 2 pages. */
  stream: string;
  minRecords: number;
  /** Options that must fail validation, with a fragment of the expected message. */
  invalidOptions?: { options: unknown; message: RegExp };
}


export function connectorContract<Options>(c: ContractCase<Options>): void {
  const parse = () => c.definition.optionsSchema.parse(c.options);

  it('declares streams with an entity, a key, a mode and a default mapping', () => {
    const streams = c.definition.streams(parse());
    expect(streams.length).toBeGreaterThan(0);
    expect(streams.map((s) => s.name)).toContain(c.stream);
    for (const stream of streams) {
      expect(stream.primaryKey.length).toBeGreaterThan(0);
      expect(['incremental', 'snapshot']).toContain(stream.mode);
      expect(Object.keys(stream.defaultMapping.fields).length).toBeGreaterThan(0);
    }
  });

  if (c.invalidOptions) {
    const invalid = c.invalidOptions;
    it('rejects invalid options with a readable message', () => {
      const result = c.definition.optionsSchema.safeParse(invalid.options);
      expect(result.success).toBe(false);
      expect(JSON.stringify(result.error?.issues)).toMatch(invalid.message);
    });
  }

  it('passes check()', async () => {
    const instance = await c.create(parse());
    try {
      const result = await instance.check();
      expect(result, result.detail).toMatchObject({ ok: true, detail: expect.any(String) });
    } finally {
      await instance.close();
    }
  });

  it('reads every record over several pages, each with a cursor to store', async () => {
    const instance = await c.create(parse());
    try {
      const pages = await readAll(instance, c.stream, null);
      expect(pages.length).toBeGreaterThanOrEqual(2);
      for (const page of pages) expect(JSON.parse(JSON.stringify(page.cursor))).toEqual(page.cursor);
      const records = pages.flatMap((page) => page.records);
      expect(records.length).toBeGreaterThanOrEqual(c.minRecords);
      for (const record of records) expect(typeof record).toBe('object');
    } finally {
      await instance.close();
    }
  });

  it('maps its records with the default mapping without issues', async () => {
    const options = parse();
    const spec = c.definition.streams(options).find((s) => s.name === c.stream)!;
    const instance = await c.create(options);
    try {
      const [first] = await readAll(instance, c.stream, null);
      for (const record of first!.records) {
        const mapped = applyMapping(spec.defaultMapping, record);
        expect(mapped.issues, JSON.stringify(record)).toEqual([]);
        expect(mapped.value).not.toBeNull();
      }
    } finally {
      await instance.close();
    }
  });

  it('resumes from a saved cursor without re-reading earlier pages', async () => {
    const instance = await c.create(parse());
    try {
      const all = await readAll(instance, c.stream, null);
      const resumed = await readAll(instance, c.stream, all[0]!.cursor);
      const rest = all.slice(1).flatMap((page) => page.records);
      expect(resumed.flatMap((page) => page.records)).toEqual(rest);
      const afterEnd = await readAll(instance, c.stream, all.at(-1)!.cursor);
      expect(afterEnd.flatMap((page) => page.records)).toEqual([]);
    } finally {
      await instance.close();
    }
  });

  it('stops between pages when aborted', async () => {
    const instance = await c.create(parse());
    const controller = new AbortController();
    let pages = 0;
    try {
      await expect(
        (async () => {
          for await (const _page of instance.read(c.stream, null, controller.signal)) {
            pages++;
            controller.abort();
          }
        })(),
      ).rejects.toThrow(/abort/i);
      expect(pages).toBe(1);
    } finally {
      await instance.close();
    }
  });

  it('closes more than once without error', async () => {
    const instance = await c.create(parse());
    await instance.close();
    await instance.close();
  });
}
