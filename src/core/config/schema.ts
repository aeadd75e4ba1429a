import { z } from 'zod';
import { replenishmentSchema } from './schema-replenishment.js';
import { creditSchema, riskSchema } from './schema-credit-risk.js';
import { DEFAULT_INVENTORY, inventorySchema } from './schema-inventory.js';
import { serverSecurityFields } from './schema-http-security.js';
import { portalSchema } from './schema-portal.js';
import { ediPartnerTransport } from './schema-edi-transport.js';

/**
 * The YAML configuration, validated once at start. Every object is `.strict()` so a misspelt
 * key is an error, not a silently ignored setting. Secrets appear only as `${ENV_VAR}` references.
 */
const cronExpression = z
  .string()
  .regex(/^\S+( \S+){4,5}$/, 'expected a cron expression with 5 or 6 fields (seconds optional)');

export const logSchema = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Lowest level written. Env LOG_LEVEL overrides.'),
    /** Human-readable lines on a terminal; JSON lines otherwise (the default for servers). */
    pretty: z.boolean().default(false).describe('Human-readable lines on a terminal; JSON lines otherwise (the default for servers).'),
  })
  .strict();

export const serverSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1').describe('Address to listen on; 0.0.0.0 in a container. Env HOST overrides.'),
    port: z.number().int().min(0).max(65535).default(8080).describe('TCP port (0: any free port). Env PORT overrides.'),
    /** Largest request body accepted, in bytes (batch uploads have their own, larger limit). */
    bodyLimitBytes: z.number().int().positive().default(1_048_576).describe('Largest request body accepted, in bytes.'),
    /** Trust X-Forwarded-* from a load balancer in front of the replicas. */
    trustProxy: z.boolean().default(false).describe('Trust X-Forwarded-* from a load balancer in front of the replicas.'),
    /** How long graceful shutdown waits for in-flight requests and jobs, in ms. */
    shutdownTimeoutMs: z.number().int().positive().default(15_000).describe('How long graceful shutdown waits for in-flight requests and jobs, in ms.'),
    ...serverSecurityFields,
  })
  .strict();

export const databaseSchema = z
  .object({
    /** PostgreSQL URL (server mode). Empty: embedded PGlite in `dataDir`. */
    url: z.string().optional().describe('PostgreSQL URL (server mode). Empty: embedded PGlite in dataDir. Env DATABASE_URL overrides.'),
    dataDir: z
      .string()
      .min(1)
      .default('./data')
      .describe('Embedded PGlite directory; relative to the working directory. Env DEALER_HUB_DATA_DIR overrides.'),
    /** PostgreSQL schema (search_path) to work in. */
    schema: z.string().regex(/^[a-z_][a-z0-9_]*$/).optional().describe('PostgreSQL schema (search_path) to work in.'),
    poolSize: z.number().int().positive().max(200).default(10).describe('PostgreSQL connections per process.'),
  })
  .strict();

export const redisSchema = z
  .object({
    /** Redis URL (server mode, BullMQ). Empty: the in-process job runner. */
    url: z.string().optional().describe('Redis URL (server mode, BullMQ). Empty: the in-process job runner. Env REDIS_URL overrides.'),
    /** Key prefix of every queue, so several deployments can share one Redis. */
    prefix: z.string().min(1).default('dealer-hub').describe('Key prefix of every queue, so several deployments can share one Redis.'),
  })
  .strict();

export const jobsSchema = z
  .object({
    /** Jobs one worker process runs at once, per queue. */
    concurrency: z.number().int().positive().max(1000).default(5).describe('Jobs one worker process runs at once, per queue.'),
    attempts: z.number().int().positive().max(100).default(5).describe('Tries per job before it lands in the failed set.'),
    /** First retry delay in ms; doubles on each further attempt. */
    backoffMs: z.number().int().nonnegative().default(1_000).describe('First retry delay in ms; doubles on each further attempt.'),
    /** How long completed and failed jobs stay listable (and their ids deduplicate), in hours. */
    keepHours: z.number().positive().default(24).describe('How long completed and failed jobs stay listable (and their ids deduplicate), in hours.'),
  })
  .strict();

export const scheduleSchema = z
  .object({
    cron: cronExpression.describe('When to enqueue the job: 5 cron fields, or 6 with seconds first, e.g. "0 3 * * *".'),
    /** Name of a registered job. */
    job: z.string().min(1).describe('Name of a registered job, e.g. maintenance.analyze.'),
    payload: z.record(z.string(), z.unknown()).default({}).describe("The job's payload, checked against the job's own schema."),
    timezone: z.string().default('Asia/Shanghai').describe('IANA time zone the cron expression is read in.'),
    enabled: z.boolean().default(true),
  })
  .strict();

/**
 * Connectors: each entry names its `kind`; the kind's own options schema (src/connectors)
 * validates the rest. Until a kind is registered, its options pass through unchecked.
 */
export const connectorSchema = z
  .object({
    kind: z.string().min(1).describe('Connector kind (sap, oracle-ebs, sql, http, edi, file, ...); its own options follow.'),
    enabled: z.boolean().default(true),
    mappings: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('Per-stream mapping overrides (stream name → { fields, lookups }); merged over the default mapping.'),
  })
  .catchall(z.unknown());

export const orderingSchema = z
  .object({
    /** Dates of expiry, validity and credit ageing are dates in this zone. */
    timeZone: z.string().default('Asia/Shanghai').describe('IANA time zone whose calendar dates expiry, price validity and credit ageing use.'),
    stockPolicy: z
      .enum(['hold', 'backorder'])
      .default('hold')
      .describe('A line short of stock holds the whole order (hold), or the order proceeds with what is available (backorder).'),
    overdueToleranceDays: z.number().int().min(0).default(30).describe('Overdue balances older than this many days hold every new order.'),
    warehouseFallback: z
      .array(z.string().min(1))
      .default([])
      .describe('Warehouse codes to try, in order, after those nearest the ship-to region; unlisted ones follow by priority.'),
  })
  .strict();

/**
 * Outbox delivery (src/delivery): which connector takes the rows of each outbox target, and how
 * often a row is tried. Attempts are counted on the outbox row, so they survive restarts.
 */
export const deliverySchema = z
  .object({
    erp: z
      .object({
        connector: z
          .string()
          .min(1)
          .describe('Connector that takes approved and cancelled orders (outbox target "erp"); it must offer an order target (sql with `orders:`, sap, …).'),
      })
      .strict()
      .optional()
      .describe('Where orders go. Unset: outbox rows wait as pending (the backlog metric shows them).'),
    wms: z
      .object({
        connector: z.string().min(1).describe('Connector that takes shipment requests (outbox target "wms"); it must offer a shipment target (http with `shipments:`).'),
      })
      .strict()
      .optional()
      .describe('Where confirmed orders are sent as outbound orders. Unset: no shipment request is written.'),
    attempts: z.number().int().min(1).max(100).default(8).describe('Attempts per outbox row before it is dead (each may retry quickly inside, see quickRetries).'),
    backoffMs: z.number().int().nonnegative().default(2_000).describe('Wait after the first failed attempt, in ms; doubles per attempt, randomised ×0.5–1.5, capped at maxBackoffMs.'),
    maxBackoffMs: z.number().int().positive().default(600_000).describe('Longest wait between attempts, in ms.'),
    quickRetries: z.number().int().min(0).max(10).default(2).describe('Retries of a transient failure inside one attempt (p-retry), before the attempt counts as failed.'),
    quickRetryDelayMs: z.number().int().nonnegative().default(200).describe('First quick retry delay in ms; doubles, randomised.'),
    leaseMs: z
      .number()
      .int()
      .min(1_000)
      .default(120_000)
      .describe('How long one attempt may take; a row whose worker died is claimed again this long after it was taken, in ms.'),
    relayCron: cronExpression.default('*/5 * * * * *').describe('When the relay looks for due rows (6 fields: seconds first); it also runs after orders are placed or cancelled.'),
    batchSize: z.number().int().min(1).max(10_000).default(100).describe('Rows one relay run claims at most.'),
    confirmCron: cronExpression
      .default('0 * * * * *')
      .describe('When delivery.confirm asks the ERP again for orders it accepted without a number yet (EBS before Order Import); they stay released until then.'),
  })
  .strict();

export const demoSchema = z
  .object({
    /** Load the demo data set into an empty store at start. */
    enabled: z.boolean().default(false).describe('Load the demo data set into an empty store at start and accept the demo tokens.'),
    /** The connector whose streams, synced in order, load the demo data. */
    connector: z.string().default('demo-files').describe('Connector whose streams (in their listed order) load the demo data into an empty store.'),
    /** Fixed demo tokens (code → token), accepted only while the demo is enabled. */
    tokens: z
      .object({
        admin: z.string().min(16).optional(),
        dealers: z.record(z.string(), z.string().min(16)).default({}),
      })
      .strict()
      .default({ dealers: {} }),
  })
  .strict();

/**
 * EDI trading partners (issue 7, src/edi/partners.ts): who sends interchanges, which dealer
 * they order for, and how their party and item ids map to our ship-to codes and SKUs.
 */
const ediSenderId = z
  .object({
    qualifier: z.string().trim().min(1).optional().describe('ISA05 / UNB 0007 qualifier (e.g. ZZ, 01, 14); unset: any qualifier.'),
    id: z.string().trim().min(1).describe('ISA06 / UNB 0004 sender id, compared without padding.'),
  })
  .strict();

export const ediPartnerSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/).max(64).describe('Our name for the partner; part of every idempotency key (edi:<id>:<PO>).'),
    dealer: z.string().min(1).describe('Code of the dealer the partner orders for; only that dealer\'s tokens may post its interchanges.'),
    x12: z.object({ senderIds: z.array(ediSenderId).min(1) }).strict().optional().describe('X12 interchange senders (ISA05/ISA06) that are this partner.'),
    edifact: z.object({ senderIds: z.array(ediSenderId).min(1) }).strict().optional().describe('EDIFACT interchange senders (UNB 0004/0007) that are this partner.'),
    shipTos: z
      .record(z.string().min(1), z.string().min(1))
      .default({})
      .describe('Partner party id (GLN / N104 / NAD 3039) → our ship-to code; read from ST/DP, then BY.'),
    defaultShipTo: z.string().min(1).optional().describe('Ship-to code when the document names no ST/DP party and no known BY party.'),
    items: z
      .object({
        qualifierPreference: z
          .object({
            x12: z.array(z.string().min(1)).default(['UP', 'EN', 'VN', 'BP', 'IN']).describe('PO1 product id qualifiers tried, in order, as our SKU.'),
            edifact: z.array(z.string().min(1)).default(['SRV', 'EN', 'SA', 'IN']).describe('LIN/PIA item id qualifiers (7143) tried, in order, as our SKU.'),
          })
          .strict()
          .default({ x12: ['UP', 'EN', 'VN', 'BP', 'IN'], edifact: ['SRV', 'EN', 'SA', 'IN'] }),
        xref: z.record(z.string().min(1), z.string().min(1)).default({}).describe('Partner item id (any qualifier) → our SKU; wins over a direct SKU match.'),
      })
      .strict()
      .default({ qualifierPreference: { x12: ['UP', 'EN', 'VN', 'BP', 'IN'], edifact: ['SRV', 'EN', 'SA', 'IN'] }, xref: {} }),
    duplicateWindowDays: z.number().int().min(0).max(3650).default(30).describe('An interchange control number seen from this partner within this many days is a duplicate.'),
    ...ediPartnerTransport,
  })
  .strict()
  .refine((p) => p.x12 !== undefined || p.edifact !== undefined, { message: 'a partner needs x12.senderIds or edifact.senderIds' });

export const ediSchema = z
  .object({
    partners: z.array(ediPartnerSchema).default([]).describe('Trading partners that send orders by EDI (POST /v1/edi).'),
  })
  .strict()
  .superRefine((edi, ctx) => {
    const ids = new Set<string>();
    const senders = new Map<string, string>();
    edi.partners.forEach((p, i) => {
      if (ids.has(p.id)) ctx.addIssue({ code: 'custom', path: ['partners', i, 'id'], message: `partner id ${p.id} is configured twice` });
      ids.add(p.id);
      for (const syntax of ['x12', 'edifact'] as const) {
        for (const s of p[syntax]?.senderIds ?? []) {
          const key = `${syntax}|${s.id}`;
          const other = senders.get(key);
          if (other !== undefined && other !== p.id) {
            ctx.addIssue({ code: 'custom', path: ['partners', i, syntax, 'senderIds'], message: `${syntax} sender ${s.id} is also partner ${other}` });
          }
          senders.set(key, p.id);
        }
      }
    });
  });

export const configSchema = z
  .object({
    $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editors.'),
    log: logSchema.default(logSchema.parse({})).describe('Logging (pino).'),
    server: serverSchema.default(serverSchema.parse({})).describe('HTTP server: REST API, admin API, portal, health and metrics.'),
    database: databaseSchema.default(databaseSchema.parse({})).describe('Canonical store: PostgreSQL when url is set, embedded PGlite otherwise.'),
    redis: redisSchema.default(redisSchema.parse({})).describe('Job queues: BullMQ on Redis when url is set, in-process otherwise.'),
    jobs: jobsSchema.default(jobsSchema.parse({})).describe('Defaults for every job: concurrency, retries, retention.'),
    // Explicit A-Z rather than the /i flag: JSON Schema patterns carry no flags, so editors would reject upper case.
    schedules: z
      .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/), scheduleSchema)
      .default({})
      .describe('Cron schedules by name; each tick enqueues a job once across all replicas.'),
    connectors: z
      .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/), connectorSchema)
      .default({})
      .describe('External systems (ERP, WMS, TMS, EDI) by name. Put secrets in ${ENV_VAR} references.'),
    ordering: orderingSchema.default(orderingSchema.parse({})).describe('Order review policy.'),
    inventory: inventorySchema.default(DEFAULT_INVENTORY).describe('Inventory: expiry tiers and alerts, minimum remaining shelf life, channel pools and quotas.'),
    credit: creditSchema.default(creditSchema.parse({})).describe('Dynamic credit limits: score factors, bands, bounds, auto-apply and ERP write-back.'),
    risk: riskSchema.default(riskSchema.parse({})).describe('The review\'s risk rule: factors scored against the dealer\'s own history, and the hold threshold.'),
    replenishment: replenishmentSchema.default(replenishmentSchema.parse({})).describe('Replenishment suggestions: lead time, review period, service level, demand bucket, nightly schedule.'),
    delivery: deliverySchema.default(deliverySchema.parse({})).describe('Outbox delivery to the ERP: target connector, attempts, backoff, lease.'),
    edi: ediSchema.default({ partners: [] }).describe('EDI trading partners: sender ids, dealer, ship-to and item cross-references, duplicate window.'),
    portal: portalSchema.default(portalSchema.parse({})).describe('The dealer portal at /: sessions, lockout, login links, demo users.'),
    demo: demoSchema.default(demoSchema.parse({})).describe('The embedded demo: sample data and fixed public tokens. Keep disabled in production.'),
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type AppConfig = z.output<typeof configSchema>;
export type ScheduleConfig = z.output<typeof scheduleSchema>;
export type DeliveryConfig = z.output<typeof deliverySchema>;
export type EdiPartnerConfig = z.output<typeof ediPartnerSchema>;
