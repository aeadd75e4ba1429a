/**
 * From the `connectors:` section of the config to live connector instances: each entry's kind
 * picks a definition from the registry, the entry (minus kind/enabled/mappings) is parsed by
 * that kind's options schema, and each stream's mapping is the default merged with the user's
 * override. Instances are created on first use and closed together.
 */
import type { z } from 'zod';
import type { AppConfig, ConfigRefinement } from '../core/config/index.js';
import { ConfigError, NotFoundError } from '../core/errors.js';
import type { RecordMapper } from '../core/sync/page-mapping.js';
import { compileMapping, mergeMappings, validateMappingSpec, type MappingSpec } from '../mappings/index.js';
import type { CheckResult, ConnectorDefinition, ConnectorDeps, ConnectorInstance, CreditLimitTarget, OrderTarget, ShipmentTarget, StreamSpec, TrackingSource } from './contract.js';

export type ConnectorRegistry = ReadonlyMap<string, ConnectorDefinition<any>>;

export function createConnectorRegistry(definitions: readonly ConnectorDefinition<any>[]): ConnectorRegistry {
  const registry = new Map<string, ConnectorDefinition<any>>();
  for (const definition of definitions) {
    if (registry.has(definition.kind)) throw new Error(`connector kind ${definition.kind} is registered twice`);
    registry.set(definition.kind, definition);
  }
  return registry;
}

type ConnectorEntry = AppConfig['connectors'][string];

function splitEntry(entry: ConnectorEntry): { options: Record<string, unknown>; overrides: Record<string, unknown> } {
  const { kind: _kind, enabled: _enabled, mappings, ...options } = entry;
  return { options, overrides: (mappings ?? {}) as Record<string, unknown> };
}

/** Issues with full config paths (`connectors.s4.baseUrl`), so the loader can give file positions. */
export function connectorRefinement(registry: ConnectorRegistry): ConfigRefinement {
  return {
    refine(config) {
      const issues: z.core.$ZodIssue[] = [];
      const custom = (path: PropertyKey[], message: string) => issues.push({ code: 'custom', path, message, input: undefined } as z.core.$ZodIssue);
      const streamsOf = new Map<string, Set<string>>();
      for (const [name, entry] of Object.entries(config.connectors)) {
        const definition = registry.get(entry.kind);
        if (!definition) {
          custom(['connectors', name, 'kind'], `unknown connector kind "${entry.kind}"; expected one of ${[...registry.keys()].join('|')}`);
          continue;
        }
        const { options, overrides } = splitEntry(entry);
        const parsed = definition.optionsSchema.safeParse(options);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) issues.push({ ...issue, path: ['connectors', name, ...issue.path] });
          continue;
        }
        const streams = new Set(definition.streams(parsed.data).map((stream) => stream.name));
        streamsOf.set(name, streams);
        for (const [stream, override] of Object.entries(overrides)) {
          if (!streams.has(stream)) {
            custom(['connectors', name, 'mappings', stream], `no stream "${stream}" in this connector; it has ${[...streams].join(', ')}`);
            continue;
          }
          for (const error of validateMappingSpec(override, { partial: true }).errors) custom(['connectors', name, 'mappings', stream], error);
        }
      }
      // A scheduled sync must name a connector and stream that exist, or it would fail every tick.
      for (const [name, schedule] of Object.entries(config.schedules)) {
        if (schedule.job !== 'sync') continue;
        const { connector, stream } = schedule.payload as { connector?: unknown; stream?: unknown };
        const streams = typeof connector === 'string' ? streamsOf.get(connector) : undefined;
        if (!streams) {
          if (typeof connector !== 'string' || !(connector in config.connectors)) {
            custom(['schedules', name, 'payload', 'connector'], `no connector named ${JSON.stringify(connector)}; configured: ${Object.keys(config.connectors).join(', ') || 'none'}`);
          }
        } else if (typeof stream !== 'string' || !streams.has(stream)) {
          custom(['schedules', name, 'payload', 'stream'], `connector ${connector} has no stream ${JSON.stringify(stream)}; it has ${[...streams].join(', ')}`);
        }
      }
      // Orders go to a connector that exists and is enabled (whether it offers an order target is
      // known once it is created: the daemon checks that at start, see ConnectorHub.orderTarget).
      const erp = config.delivery.erp?.connector;
      if (erp !== undefined) {
        const entry = config.connectors[erp];
        if (!entry) custom(['delivery', 'erp', 'connector'], `no connector named ${JSON.stringify(erp)}; configured: ${Object.keys(config.connectors).join(', ') || 'none'}`);
        else if (!entry.enabled) custom(['delivery', 'erp', 'connector'], `connector ${erp} is disabled; orders cannot go to it`);
      }
      // Shipment requests go to a connector that exists and is enabled (its shipments: are checked at start).
      const wms = config.delivery.wms?.connector;
      if (wms !== undefined) {
        const entry = config.connectors[wms];
        if (!entry) custom(['delivery', 'wms', 'connector'], `no connector named ${JSON.stringify(wms)}; configured: ${Object.keys(config.connectors).join(', ') || 'none'}`);
        else if (!entry.enabled) custom(['delivery', 'wms', 'connector'], `connector ${wms} is disabled; shipment requests cannot go to it`);
      }
      // Credit-limit changes go to a connector that exists and is enabled (its creditLimits: is checked at start).
      const credit = config.credit.writeBack?.connector;
      if (credit !== undefined) {
        const entry = config.connectors[credit];
        if (!entry) custom(['credit', 'writeBack', 'connector'], `no connector named ${JSON.stringify(credit)}; configured: ${Object.keys(config.connectors).join(', ') || 'none'}`);
        else if (!entry.enabled) custom(['credit', 'writeBack', 'connector'], `connector ${credit} is disabled; credit-limit changes cannot go to it`);
      }
      return issues;
    },
  };
}

export interface ConnectorInfo {
  name: string;
  kind: string;
  enabled: boolean;
  streams: StreamSpec[];
}

export interface StreamHandle {
  connector: string;
  instance: ConnectorInstance;
  spec: StreamSpec;
  mapping: MappingSpec;
  mapper: RecordMapper;
}

export interface ConnectorHub {
  list(): ConnectorInfo[];
  /** NotFoundError for a name that is not configured. */
  info(connector: string): ConnectorInfo;
  stream(connector: string, stream: string): StreamHandle;
  /** The connector's order target; ConfigError when it is disabled or takes no orders. */
  orderTarget(connector: string): OrderTarget;
  /** The connector's shipment target (a WMS); ConfigError when it is disabled or takes no shipment requests. */
  shipmentTarget(connector: string): ShipmentTarget;
  /** The connector's tracking source (a TMS); ConfigError when it is disabled or reports no tracking. */
  trackingSource(connector: string): TrackingSource;
  /** The connector's credit-limit target (an ERP); ConfigError when it is disabled or takes no credit limits. */
  creditTarget(connector: string): CreditLimitTarget;
  check(connector: string): Promise<CheckResult>;
  close(): Promise<void>;
}

export function createConnectorHub(connectors: AppConfig['connectors'], registry: ConnectorRegistry, deps: ConnectorDeps): ConnectorHub {
  const prepared = new Map(
    Object.entries(connectors).map(([name, entry]) => {
      const definition = registry.get(entry.kind);
      if (!definition) throw new NotFoundError(`connector ${name}: unknown kind ${entry.kind}`);
      const { options, overrides } = splitEntry(entry);
      const parsed: unknown = definition.optionsSchema.parse(options);
      return [name, { name, entry, definition, options: parsed, overrides, streams: definition.streams(parsed) }];
    }),
  );
  const instances = new Map<string, ConnectorInstance>();

  function prepare(name: string) {
    const connector = prepared.get(name);
    if (!connector) throw new NotFoundError(`no connector named ${name}; configured: ${[...prepared.keys()].join(', ') || 'none'}`);
    return connector;
  }

  function instance(name: string): ConnectorInstance {
    let live = instances.get(name);
    if (!live) {
      const connector = prepare(name);
      live = connector.definition.create(connector.options, { ...deps, logger: deps.logger.child({ connector: name }) });
      instances.set(name, live);
    }
    return live;
  }

  const describe = (c: ReturnType<typeof prepare>): ConnectorInfo => ({ name: c.name, kind: c.entry.kind, enabled: c.entry.enabled, streams: c.streams });
  return {
    list: () => [...prepared.values()].map(describe),
    info: (name) => describe(prepare(name)),
    stream(connectorName, streamName) {
      const connector = prepare(connectorName);
      const spec = connector.streams.find((s) => s.name === streamName);
      if (!spec) throw new NotFoundError(`connector ${connectorName} has no stream ${streamName}; it has ${connector.streams.map((s) => s.name).join(', ')}`);
      const mapping = mergeMappings(spec.defaultMapping, connector.overrides[streamName] as Partial<MappingSpec> | undefined);
      const compiled = compileMapping(mapping);
      return { connector: connectorName, instance: instance(connectorName), spec, mapping, mapper: (record) => compiled(record, { now: deps.now() }) };
    },
    orderTarget(name) {
      const connector = prepare(name);
      if (!connector.entry.enabled) throw new ConfigError(`connector ${name} is disabled; it cannot take orders`);
      const target = instance(name).orders;
      if (!target) {
        throw new ConfigError(`connector ${name} (${connector.entry.kind}) takes no orders with these settings${connector.entry.kind === 'sql' ? ' (add `orders:` with the staging tables)' : ''}`);
      }
      return target;
    },
    shipmentTarget(name) {
      const connector = prepare(name);
      if (!connector.entry.enabled) throw new ConfigError(`connector ${name} is disabled; it cannot take shipment requests`);
      const target = instance(name).shipments;
      if (!target) throw new ConfigError(`connector ${name} (${connector.entry.kind}) takes no shipment requests with these settings${connector.entry.kind === 'http' ? ' (add `shipments:`)' : ''}`);
      return target;
    },
    trackingSource(name) {
      const connector = prepare(name);
      if (!connector.entry.enabled) throw new ConfigError(`connector ${name} is disabled; it reports no tracking`);
      const source = instance(name).tracking;
      if (!source) throw new ConfigError(`connector ${name} (${connector.entry.kind}) reports no tracking with these settings${connector.entry.kind === 'http' ? ' (add `tracking:`)' : ''}`);
      return source;
    },
    creditTarget(name) {
      const connector = prepare(name);
      if (!connector.entry.enabled) throw new ConfigError(`connector ${name} is disabled; it cannot take credit-limit changes`);
      const target = instance(name).creditLimits;
      if (!target) {
        const hint = connector.entry.kind === 'sql' || connector.entry.kind === 'http' ? ' (add `creditLimits:`)' : '; only sql and http connectors take them';
        throw new ConfigError(`connector ${name} (${connector.entry.kind}) takes no credit-limit changes with these settings${hint}`);
      }
      return target;
    },
    async check(name) {
      try {
        return await instance(name).check();
      } catch (error) {
        return { ok: false, detail: (error as Error).message };
      }
    },
    async close() {
      const open = [...instances.values()];
      instances.clear();
      await Promise.allSettled(open.map((live) => live.close()));
    },
  };
}
