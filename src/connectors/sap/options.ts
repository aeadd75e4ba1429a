import { z } from 'zod';
import { authSchema } from '../shared/auth.js';
import { retrySchema } from '../shared/client.js';

const code = z.string().trim().min(1);

/**
 * `orders:` — takes approved orders as S/4HANA sales orders (API_SALES_ORDER_SRV, see
 * ./order-target.ts). Present = enabled. The sales area falls back to `salesArea`.
 */
export const sapOrdersSchema = z
  .object({
    salesOrderType: code.default('OR').describe('SalesOrderType of the orders created (standard order: OR).'),
    salesOrganization: code.optional().describe('SalesOrganization; default: salesArea.salesOrganization.'),
    distributionChannel: code.optional().describe('DistributionChannel; default: salesArea.distributionChannel.'),
    organizationDivision: code.optional().describe('OrganizationDivision; default: salesArea.division.'),
    customerMap: z.record(code, code).default({}).describe('Dealer code → SoldToParty; a dealer not listed is sent as its own code.'),
    shipToMap: z
      .record(code, code)
      .default({})
      .describe('Ship-to code → SAP customer sent as ship-to partner (WE); a ship-to not listed is left to SAP (the sold-to\'s default ship-to).'),
    plantMap: z
      .record(code, code)
      .optional()
      .describe('Warehouse code → plant (item ProductionPlant); default: the reverse of `plants`. A warehouse not listed leaves the plant to SAP.'),
    unitMap: z.record(code, code).default({}).describe('Our unit of measure → SAP RequestedQuantityUnit; a unit not listed is sent as it is.'),
    pricing: z
      .union([
        z.literal(false),
        z
          .object({
            priceCondition: code.default('PPR0').describe('Item condition type carrying our unit price (per 1 unit).'),
            discountCondition: code
              .nullable()
              .default('RB00')
              .describe('Item condition type carrying the line discount as a negative absolute amount; null: send the price only.'),
          })
          .strict(),
      ])
      .default({ priceCondition: 'PPR0', discountCondition: 'RB00' })
      .describe('Item pricing elements (to_PricingElement) so SAP books our price and discount; false: let SAP price the order.'),
    dealerReference: z
      .enum(['PurchaseOrderByShipToParty', 'none'])
      .default('PurchaseOrderByShipToParty')
      .describe('Where the dealer\'s own PO number goes (PurchaseOrderByCustomer holds our order number, the lookup key).'),
    giftItemCategory: code
      .nullable()
      .default('TANN')
      .describe('SalesOrderItemCategory of gift lines (free of charge, no pricing elements); null: gift lines go as normal items priced to zero.'),
    rejectionReason: code
      .max(2)
      .describe('SalesDocumentRjcnReason set on every item to cancel an order (a reason defined in your system, e.g. "Z1").'),
  })
  .strict();
export type SapOrdersOptions = z.infer<typeof sapOrdersSchema>;

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
 *   orders:                      # optional: take approved orders (instance.orders)
 *     salesOrderType: OR
 *     customerMap: { D001: '17100001' }
 *     rejectionReason: Z1
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
        salesOrder: code.default('API_SALES_ORDER_SRV'),
      })
      .strict()
      .default({ product: 'API_PRODUCT_SRV', materialStock: 'API_MATERIAL_STOCK_SRV', businessPartner: 'API_BUSINESS_PARTNER', salesOrder: 'API_SALES_ORDER_SRV' })
      .describe('Service names (with ;v=0002 when a newer version is activated).'),
    orders: sapOrdersSchema.optional().describe('Take approved orders as sales orders (API_SALES_ORDER_SRV); absent: read only.'),
  })
  .strict()
  .superRefine((options, ctx) => {
    if (!options.orders) return;
    const missing = (['salesOrganization', 'distributionChannel', 'organizationDivision'] as const).filter(
      (key) => !options.orders![key] && !options.salesArea,
    );
    for (const key of missing) {
      ctx.addIssue({ code: 'custom', path: ['orders', key], message: `required for orders (or set salesArea)` });
    }
  });

export type SapOptions = z.infer<typeof sapOptionsSchema>;
/** The services streams read from (the sales order service is the order target's). */
export type SapService = Exclude<keyof SapOptions['services'], 'salesOrder'>;
