/**
 * `sap`: SAP S/4HANA through its OData v2 API services — products (API_PRODUCT_SRV/A_Product),
 * unrestricted stock per material × plant × batch (API_MATERIAL_STOCK_SRV/A_MatlStkInAcctMod)
 * and customers as dealers (API_BUSINESS_PARTNER/A_BusinessPartner with its customer data);
 * with `orders:` also an OrderTarget writing sales orders (API_SALES_ORDER_SRV/A_SalesOrder).
 */
import { defineConnector, type ConnectorDeps, type ConnectorInstance } from '../contract.js';
import { ConfigError } from '../../core/errors.js';
import { createHttpClient, type HttpClientOptions } from '../shared/client.js';
import { queryString } from './odata.js';
import { createSapOrderTarget } from './order-target.js';
import { sapOptionsSchema, type SapOptions } from './options.js';
import { readSapStream } from './reader.js';
import { SAP_STREAMS, sapStreamSpecs } from './streams.js';

export { sapOptionsSchema, type SapOptions } from './options.js';
export { SAP_STREAMS } from './streams.js';
export { buildSalesOrder, createSapOrderTarget, resolveOrdersConfig } from './order-target.js';

export interface SapTestHooks {
  /** Replaces the Retry-After wait (tests assert it instead of spending it). */
  sleep?: HttpClientOptions['sleep'];
}

export function createSapConnector(options: SapOptions, deps: ConnectorDeps, hooks: SapTestHooks = {}): ConnectorInstance {
  const system = `sap ${new URL(options.baseUrl).host}`;
  const client = createHttpClient({
    system,
    baseUrl: options.baseUrl,
    auth: options.auth,
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    logger: deps.logger,
    now: deps.now,
    ...(hooks.sleep ? { sleep: hooks.sleep } : {}),
  });
  const services = [...new Set([...SAP_STREAMS.map((stream) => options.services[stream.service]), ...(options.orders ? [options.services.salesOrder] : [])])];

  return {
    // Present when the YAML has `orders:` (see ./order-target.ts).
    ...(options.orders ? { orders: createSapOrderTarget(options, deps) } : {}),
    async check() {
      const signal = AbortSignal.timeout(options.timeoutMs * (options.retry.retries + 2));
      for (const service of services) {
        try {
          // The service document: tiny, and it proves the service is active and the user may call it.
          await client.get(`${service}/?${queryString({ $format: 'json', 'sap-client': options.client })}`, signal);
        } catch (error) {
          return { ok: false, detail: client.scrub((error as Error).message) };
        }
      }
      const where = `${client.scrub(options.baseUrl)}${options.client ? ` (sap-client ${options.client})` : ''}`;
      return { ok: true, detail: `reached ${services.join(', ')} at ${where}` };
    },
    read(streamName, cursor, signal) {
      const stream = SAP_STREAMS.find((s) => s.name === streamName);
      if (!stream) throw new ConfigError(`${system}: no stream ${streamName}; it has ${SAP_STREAMS.map((s) => s.name).join(', ')}`);
      return readSapStream(stream, options, client, cursor, signal);
    },
    async close() {},
  };
}

export const sapConnector = defineConnector<SapOptions>({
  kind: 'sap',
  optionsSchema: sapOptionsSchema,
  streams: sapStreamSpecs,
  create: (options, deps) => createSapConnector(options, deps),
});
