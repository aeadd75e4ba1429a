import { z } from 'zod';
import { canonicalSchemas } from '../../core/sync/canonical.js';
import type { CanonicalEntity } from '../contract.js';
import type { MappingSpec } from '../../mappings/types.js';
import { authSchema } from '../shared/auth.js';
import { retrySchema } from '../shared/client.js';
import { parseJsonPath } from './json-path.js';
import { applyPreset, PRESETS } from './presets.js';
import { shipmentsSchema, trackingSchema } from './outbound-options.js';
import { httpCreditLimitsSchema } from './credit-target.js';

const jsonPath = z.string().superRefine((path, ctx) => {
  try {
    parseJsonPath(path);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});
const param = z.string().min(1);
const positive = z.number().int().positive();

export const paginationSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z.object({ type: z.literal('page'), pageParam: param.default('page'), sizeParam: param.default('pageSize'), pageSize: positive.default(100), firstPage: z.number().int().min(0).default(1) }).strict(),
  z.object({ type: z.literal('offset'), offsetParam: param.default('offset'), limitParam: param.default('limit'), limit: positive.default(100) }).strict(),
  z.object({ type: z.literal('cursor'), cursorParam: param.default('cursor'), nextCursor: jsonPath.default('$.next'), limitParam: param.optional(), limit: positive.optional() }).strict(),
  z.object({ type: z.literal('link'), limitParam: param.optional(), limit: positive.optional() }).strict(),
]);

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const httpStreamSchema = z
  .object({
    entity: z.enum(Object.keys(canonicalSchemas) as [CanonicalEntity, ...CanonicalEntity[]]).describe('Canonical entity the records feed.'),
    mode: z.enum(['incremental', 'snapshot']).default('snapshot'),
    path: z.string().min(1).describe('Path after baseUrl, e.g. /v1/inventory.'),
    query: z.record(z.string(), scalar).default({}).describe('Fixed query parameters.'),
    records: jsonPath.default('$').describe('Where the records are in a response: $.data.items, $.data[*].lines, …'),
    pagination: paginationSchema.default({ type: 'none' }),
    incremental: z
      .object({
        param: param.describe('Query parameter carrying the high-water mark, e.g. updated_since.'),
        field: z.string().min(1).describe('Record field the mark advances on, e.g. updated_at.'),
        initial: z.string().optional().describe('Mark of the very first run (else no parameter is sent).'),
      })
      .strict()
      .optional(),
    primaryKey: z.array(z.string().min(1)).min(1).describe('Record field(s) identifying a record.'),
    aggregate: z
      .object({ by: z.array(z.string().min(1)).min(1), sum: z.array(z.string().min(1)).min(1) })
      .strict()
      .optional()
      .describe('Sum `sum` fields over records sharing `by` (stock split by bin); buffers the whole snapshot.'),
    addFields: z.record(z.string(), scalar).default({}).describe('Constant fields added to every record (the warehouse of a per-facility endpoint).'),
    mapping: z
      .object({ fields: z.record(z.string(), z.unknown()), lookups: z.record(z.string(), z.record(z.string(), z.unknown())).optional() })
      .strict()
      .describe('Default mapping to the canonical entity (the connector-level `mappings:` may override fields).'),
  })
  .strict()
  .superRefine((stream, ctx) => {
    if (stream.mode === 'incremental' && !stream.incremental) ctx.addIssue({ code: 'custom', path: ['incremental'], message: 'an incremental stream needs incremental: { param, field }' });
    if (stream.aggregate && stream.mode !== 'snapshot') ctx.addIssue({ code: 'custom', path: ['aggregate'], message: 'aggregate needs mode: snapshot (it sums the whole set)' });
    if (Object.keys(stream.mapping.fields).length === 0) ctx.addIssue({ code: 'custom', path: ['mapping', 'fields'], message: 'map at least one canonical field' });
  });

export type HttpStreamOptions = Omit<z.infer<typeof httpStreamSchema>, 'mapping'> & { mapping: MappingSpec };

const optionsObject = z
  .object({
    baseUrl: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL, e.g. https://wms.example.com/api' }),
    auth: authSchema.default({ type: 'none' }),
    headers: z.record(z.string(), z.string()).default({}).describe('Extra request headers (no secrets here: use auth).'),
    timeoutMs: z.number().int().positive().default(30_000),
    retry: retrySchema.default(retrySchema.parse({})),
    preset: z.enum(Object.keys(PRESETS) as [keyof typeof PRESETS]).optional().describe('Fills stream defaults for a typical API, e.g. wms-stock.'),
    streams: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'stream names are lower_snake_case'), httpStreamSchema).default({}),
    shipments: shipmentsSchema.optional().describe('Outbound-order requests to a WMS for confirmed orders (delivery.wms).'),
    tracking: trackingSchema.optional().describe('Shipment tracking from a TMS: polling (job tms.poll) and/or a signed webhook.'),
    creditLimits: httpCreditLimitsSchema.optional().describe('Credit-limit changes POSTed to an ERP (credit.writeBack); see credit-target.ts.'),
  })
  .strict()
  .refine((o) => Object.keys(o.streams).length > 0 || o.shipments !== undefined || o.tracking !== undefined || o.creditLimits !== undefined, {
    message: 'declare at least one stream (or a preset), shipments: or tracking:',
    path: ['streams'],
  });

/** The preset's stream defaults are merged under the user's `streams` before validation. */
export const httpOptionsSchema = z.preprocess(applyPreset, optionsObject);

export type HttpOptions = Omit<z.infer<typeof optionsObject>, 'streams'> & { streams: Record<string, HttpStreamOptions> };
