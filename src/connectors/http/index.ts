/**
 * `http`: a generic REST source (WMS, TMS) configured per stream — path, query, where the
 * records are (JSON path), pagination (page | offset | cursor | link), optional incremental
 * parameter — with presets for typical APIs (`wms-stock`).
 */
import type { ZodType } from 'zod';
import { ConfigError } from '../../core/errors.js';
import { defineConnector, type ConnectorDeps, type ConnectorInstance, type StreamSpec } from '../contract.js';
import { createHttpClient, type HttpClientOptions } from '../shared/client.js';
import { httpOptionsSchema, type HttpOptions } from './options.js';
import { readHttpStream } from './reader.js';

export { httpOptionsSchema, type HttpOptions, type HttpStreamOptions } from './options.js';
export { PRESETS } from './presets.js';

export interface HttpTestHooks {
  sleep?: HttpClientOptions['sleep'];
}

export function httpStreamSpecs(options: HttpOptions): StreamSpec[] {
  return Object.entries(options.streams).map(([name, stream]) => ({
    name,
    entity: stream.entity,
    mode: stream.mode,
    primaryKey: stream.aggregate?.by ?? stream.primaryKey,
    ...(stream.incremental ? { cursorField: stream.incremental.field } : {}),
    defaultMapping: stream.mapping,
  }));
}

export function createHttpConnector(options: HttpOptions, deps: ConnectorDeps, hooks: HttpTestHooks = {}): ConnectorInstance {
  const system = `http ${new URL(options.baseUrl).host}`;
  const client = createHttpClient({
    system,
    baseUrl: options.baseUrl,
    auth: options.auth,
    headers: options.headers,
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    logger: deps.logger,
    now: deps.now,
    ...(hooks.sleep ? { sleep: hooks.sleep } : {}),
  });
  const streamOf = (name: string) => {
    const stream = options.streams[name];
    if (!stream) throw new ConfigError(`${system}: no stream ${name}; it has ${Object.keys(options.streams).join(', ')}`);
    return stream;
  };

  return {
    async check() {
      // The first page of the first stream: proves address, credentials and path in one call.
      const [name, stream] = Object.entries(options.streams)[0]!;
      try {
        const signal = AbortSignal.timeout(options.timeoutMs * (options.retry.retries + 2));
        for await (const _page of readHttpStream({ ...stream, pagination: { type: 'none' }, aggregate: undefined }, client, null, signal)) break;
        return { ok: true, detail: `reached ${client.scrub(options.baseUrl)} (stream ${name}: ${stream.path})` };
      } catch (error) {
        return { ok: false, detail: client.scrub((error as Error).message) };
      }
    },
    read: (name, cursor, signal) => readHttpStream(streamOf(name), client, cursor, signal),
    async close() {},
  };
}

export const httpConnector = defineConnector<HttpOptions>({
  kind: 'http',
  // The schema's mapping is loosely typed JSON; the hub validates mappings where they are merged.
  optionsSchema: httpOptionsSchema as unknown as ZodType<HttpOptions>,
  streams: httpStreamSpecs,
  create: (options, deps) => createHttpConnector(options, deps),
});
