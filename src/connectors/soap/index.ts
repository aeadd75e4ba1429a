/**
 * `soap`: an ERP order target driven by a WSDL (node-soap), no streams. Two flavors:
 * `byd-manage-sales-order` (SAP Business ByDesign ManageSalesOrderIn, ./byd.ts) and
 * `bapi-salesorder` (BAPI_SALESORDER_CREATEFROMDAT2 / GETLIST / CHANGE exposed as a web
 * service, ./bapi.ts). `check()` loads the WSDL(s) and lists the operations it will call.
 */
import { ConfigError } from '../../core/errors.js';
import { defineConnector, type CheckResult, type ConnectorDeps, type ConnectorInstance, type OrderTarget } from '../contract.js';
import { createBapiTarget } from './bapi.js';
import { createBydTarget } from './byd.js';
import { createSoapCaller, describeLocation, type SoapCaller } from './client.js';
import { soapOptionsSchema, type SoapOptions } from './options.js';

export { soapOptionsSchema, type SoapOptions, type BydSoapOptions, type BapiSoapOptions } from './options.js';
export { stableUuid } from './util.js';

const FLAVOR_NAMES = { 'byd-manage-sales-order': 'byd', 'bapi-salesorder': 'bapi' } as const;

export function createSoapConnector(options: SoapOptions, deps: ConnectorDeps): ConnectorInstance {
  const system = `soap ${FLAVOR_NAMES[options.flavor]} ${describeLocation(options.endpoint ?? options.wsdl)}`;
  const callerOptions = { system, auth: options.auth, timeoutMs: options.timeoutMs, logger: deps.logger, now: deps.now };
  const main = createSoapCaller({ wsdl: options.wsdl, endpoint: options.endpoint, port: options.port }, callerOptions);
  /** Every WSDL the target uses, with the operations it needs from each. */
  const needs: Array<{ caller: SoapCaller; operations: string[] }> = [];
  let orders: OrderTarget;

  if (options.flavor === 'byd-manage-sales-order') {
    const { lookup } = options.byd;
    const query =
      lookup.type === 'query'
        ? createSoapCaller({ wsdl: lookup.wsdl, endpoint: lookup.endpoint }, { ...callerOptions, system: `${system} (query ${describeLocation(lookup.endpoint ?? lookup.wsdl)})` })
        : null;
    needs.push({ caller: main, operations: [options.byd.operation] });
    if (query && lookup.type === 'query') needs.push({ caller: query, operations: [lookup.operation] });
    orders = createBydTarget(options, { manage: main, query, logger: deps.logger });
  } else {
    const { create, find, change } = options.bapi.operations;
    needs.push({ caller: main, operations: [create, find, change] });
    orders = createBapiTarget(options, { service: main, logger: deps.logger });
  }

  return {
    orders,
    async check(): Promise<CheckResult> {
      const parts: string[] = [];
      for (const { caller, operations } of needs) {
        try {
          const wsdl = await caller.describe(AbortSignal.timeout(options.timeoutMs * 2));
          const missing = operations.filter((operation) => !wsdl.operations.includes(operation));
          if (missing.length > 0) {
            return { ok: false, detail: `${caller.system}: the WSDL has no operation ${missing.join(', ')}; it has ${wsdl.operations.join(', ') || 'none'}` };
          }
          parts.push(`${wsdl.service}/${wsdl.port} at ${wsdl.endpoint}: ${wsdl.operations.join(', ')}`);
        } catch (error) {
          return { ok: false, detail: caller.scrub((error as Error).message) };
        }
      }
      return { ok: true, detail: `${system} (${options.flavor}): ${parts.join('; ')}` };
    },
    read(stream) {
      throw new ConfigError(`${system}: no stream ${stream}; a soap connector has no streams, it takes orders`);
    },
    async close() {},
  };
}

export const soapConnector = defineConnector<SoapOptions>({
  kind: 'soap',
  optionsSchema: soapOptionsSchema,
  streams: () => [],
  create: (options, deps) => createSoapConnector(options, deps),
});
