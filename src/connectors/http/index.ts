/**
 * `http`: a generic REST source (WMS, TMS) configured per stream — path, query, where the
 * records are (JSON path), pagination (page | offset | cursor | link), optional incremental
 * parameter — with presets for typical APIs (`wms-stock`); `shipments:` makes it a WMS shipment
 * target (./shipments.ts) and `tracking:` a TMS tracking source (./tracking.ts).
 */
import type { ZodType } from 'zod';
import { ConfigError } from '../../core/errors.js';
import { defineConnector, type ConnectorDeps, type ConnectorInstance, type StreamSpec } from '../contract.js';
import { createHttpClient, type HttpClientOptions } from '../shared/client.js';
import { httpOptionsSchema, type HttpOptions } from './options.js';
import { readHttpStream } from './reader.js';
import { createShipmentTarget } from './shipments.js';
import { createHttpCreditTarget } from './credit-target.js';
import { createTrackingSource } from './tracking.js';

export { httpOptionsSchema, type HttpOptions, type HttpStreamOptions } from './options.js';
export { PRESETS } from './presets.js';
export { shipmentsSchema, trackingSchema, type ShipmentsOptions, type TrackingOptions } from './outbound-options.js';

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
  // Outbound sides: a POST is never retried by the client (the delivery retries it after a lookup),
  // and a 404 is an answer (no such outbound order / shipment), not a configuration error.
  const outboundClient = (retry: HttpOptions['retry']) =>
    createHttpClient({
      system,
      baseUrl: options.baseUrl,
      auth: options.auth,
      headers: options.headers,
      timeoutMs: options.timeoutMs,
      retry,
      notFoundIsConfig: false,
      logger: deps.logger,
      now: deps.now,
      ...(hooks.sleep ? { sleep: hooks.sleep } : {}),
    });
  const shipments = options.shipments ? createShipmentTarget(options.shipments, outboundClient({ ...options.retry, retries: 0 }), system) : undefined;
  const tracking = options.tracking ? createTrackingSource(options.tracking, outboundClient(options.retry)) : undefined;
  const creditLimits = options.creditLimits ? createHttpCreditTarget(options.creditLimits, outboundClient({ ...options.retry, retries: 0 }), system) : undefined;
  const streamOf = (name: string) => {
    const stream = options.streams[name];
    if (!stream) throw new ConfigError(`${system}: no stream ${name}; it has ${Object.keys(options.streams).join(', ')}`);
    return stream;
  };

  return {
    ...(shipments ? { shipments } : {}),
    ...(tracking ? { tracking } : {}),
    ...(creditLimits ? { creditLimits } : {}),
    async check() {
      const first = Object.entries(options.streams)[0];
      if (!first) return { ok: true, detail: `${client.scrub(options.baseUrl)}: ${[options.shipments ? 'shipments' : '', options.tracking ? 'tracking' : '', options.creditLimits ? 'credit limits' : ''].filter(Boolean).join(' and ')} (checked on first use)` };
      // The first page of the first stream: proves address, credentials and path in one call.
      const [name, stream] = first;
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
