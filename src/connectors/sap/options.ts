import { z } from 'zod';
import { authSchema } from '../shared/auth.js';
import { retrySchema } from '../shared/client.js';

const code = z.string().trim().min(1);

/**
 * The `sap` connector's YAML entry (S/4HANA OData v2 API services):
 *
 * ```yaml
 * s4:
 *   kind: sap
 *   baseUrl: https://s4.example.com/sap/opu/odata/sap
 *   client: '100'
 *   auth: { type: basic, username: ${SAP_USER}, password: ${SAP_PASSWORD} }
 *   plants: { '1010': WH-SZ }
 *   salesArea: { salesOrganization: '1710', distributionChannel: '10', division: '00' }
 *   tiers: { '01': A, '02': B }
 * ```
 */
export const sapOptionsSchema = z
  .object({
    baseUrl: z
      .url({ protocol: /^https?$/, error: 'expected the OData root URL, e.g. https://s4.example.com/sap/opu/odata/sap' })
      .describe('OData v2 root that the service names are appended to, e.g. https://s4.example.com/sap/opu/odata/sap.'),
    client: z.string().regex(/^\d{3}$/, 'expected a 3-digit SAP client, e.g. "100"').optional().describe('sap-client sent with every request.'),
    auth: authSchema.describe('basic (communication user) or oauth2 (client credentials); secrets as ${ENV_VAR}.'),
    pageSize: z.number().int().min(1).max(5000).default(1000).describe('Records per request ($top).'),
    timeoutMs: z.number().int().positive().default(30_000).describe('Per-request timeout in ms.'),
    retry: retrySchema.default(retrySchema.parse({})),
    language: z
      .string()
      .regex(/^[A-Z]{2}$/, 'expected a 2-letter language code such as EN or ZH')
      .default('EN')
      .describe('Language of product descriptions (A_ProductDescription.Language).'),
    productTypes: z.array(code).default([]).describe('Only these ProductType values (e.g. FERT, HAWA); empty: all.'),
    plants: z
      .record(code, code)
      .default({})
      .describe('Plant → warehouse code (the stock mapping\'s `plants` lookup); when set, stock is read for these plants only.'),
    salesArea: z
      .object({ salesOrganization: code, distributionChannel: code, division: code })
      .strict()
      .optional()
      .describe('The sales area whose customer data (CustomerGroup, Currency) describes a dealer; default: the first one.'),
    tiers: z
      .record(code, code)
      .default({})
      .describe('CustomerGroup → dealer tier (the dealers mapping\'s `tiers` lookup).'),
    defaultTier: code.default('standard').describe('Tier of a customer without a CustomerGroup in the sales area.'),
    services: z
      .object({
        product: code.default('API_PRODUCT_SRV'),
        materialStock: code.default('API_MATERIAL_STOCK_SRV'),
        businessPartner: code.default('API_BUSINESS_PARTNER'),
      })
      .strict()
      .default({ product: 'API_PRODUCT_SRV', materialStock: 'API_MATERIAL_STOCK_SRV', businessPartner: 'API_BUSINESS_PARTNER' })
      .describe('Service names (with ;v=0002 when a newer version is activated).'),
  })
  .strict();

export type SapOptions = z.infer<typeof sapOptionsSchema>;
export type SapService = keyof SapOptions['services'];
