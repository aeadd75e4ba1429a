/**
 * The `soap` connector's YAML entry: a WSDL-driven order target in one of two flavors.
 *
 * ```yaml
 * byd:
 *   kind: soap
 *   flavor: byd-manage-sales-order
 *   wsdl: ./config/wsdl/ManageSalesOrderIn.wsdl      # or the tenant's WSDL URL
 *   endpoint: https://my123456.sapbydesign.com/sap/bc/srt/scs/sap/managesalesorderin5
 *   auth: { type: basic, username: ${BYD_USER}, password: ${BYD_PASSWORD} }
 *   timeoutMs: 30000
 *   maps:
 *     customers: { D001: "1000123" }                 # dealer code → AccountParty/PartyID
 *     shipTos: { D001-01: "1000124" }                # ship-to code → ProductRecipientParty/PartyID
 *     plants: { WH-SZ: S1100 }                       # warehouse code → ShipFromItemLocation/LocationID
 *     units: { EA: EA, BOX: XBX }
 *   byd:
 *     lookup:                                        # ManageSalesOrderIn has no query operation
 *       type: query
 *       wsdl: ./config/wsdl/QuerySalesOrderIn.wsdl
 *       endpoint: https://my123456.sapbydesign.com/sap/bc/srt/scs/sap/querysalesorderin
 *     salesUnitPartyId: S1000
 *     distributionChannelCode: "01"
 *     cancellationReasonCode: "4"
 *
 * ecc:
 *   kind: soap
 *   flavor: bapi-salesorder
 *   wsdl: https://ecc.example.com/sap/bc/srt/wsdl/flv_10002A111AD1/bndg_url/sap/bc/srt/rfc/sap/zsd_salesorder/100/zsd_salesorder/binding?sap-client=100
 *   auth: { type: basic, username: ${ECC_USER}, password: ${ECC_PASSWORD} }
 *   maps: { customers: { D001: "0000100001" }, plants: { WH-SZ: "1000" } }
 *   bapi:
 *     salesArea: { docType: TA, salesOrg: "1000", distrChan: "10", division: "00" }
 *     priceCondition: PR00
 *     giftItemCategory: TANN
 *     rejectionReason: "10"
 * ```
 */
import { z } from 'zod';
import { authSchema } from '../shared/auth.js';

const code = z.string().trim().min(1);
const codeMap = z.record(code, code).default({});

const wsdlLocation = z
  .string()
  .trim()
  .min(1, 'expected a WSDL file path or an http(s) URL')
  .refine((value) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^https?:\/\//i.test(value), { message: 'expected a WSDL file path or an http(s) URL' });
const endpointUrl = z.url({ protocol: /^https?$/, error: 'expected the service endpoint URL, e.g. https://host/sap/bc/srt/…' });

/** Credentials for the WSDL download and every call; an API key must travel in a header (SOAP endpoints are fixed URLs). */
export const soapAuthSchema = authSchema.refine((auth) => auth.type !== 'apiKey' || auth.in === 'header', {
  message: 'the soap connector sends an API key in a header only (in: header)',
});

export const fieldMapsSchema = z
  .object({
    customers: codeMap.describe('Dealer code → the ERP customer (ByD AccountParty, BAPI partner AG).'),
    shipTos: codeMap.describe('Ship-to code → the ERP ship-to party (ByD ProductRecipientParty, BAPI partner WE).'),
    plants: codeMap.describe('Warehouse code → plant / site (ByD ShipFromItemLocation, BAPI PLANT); lines without a warehouse send none.'),
    materials: codeMap.describe('SKU → ERP product / material number.'),
    units: codeMap.describe('Our unit of measure → the ERP unit code.'),
  })
  .strict()
  .describe('Code translations; a code missing from its map is sent unchanged (the ERP rejects what it does not know, and the order is held with its message).');

const common = {
  wsdl: wsdlLocation.describe('The WSDL: a file path (relative to the working directory) or an http(s) URL, fetched with the same credentials.'),
  endpoint: endpointUrl.optional().describe("Overrides the WSDL's soap:address (a WSDL file names the system it was downloaded from)."),
  port: code.optional().describe("WSDL port to call (e.g. binding, binding_SOAP12); default: the service's first port."),
  auth: soapAuthSchema.default({ type: 'none' }).describe('basic (communication user) for SAP; secrets as ${ENV_VAR}.'),
  timeoutMs: z.number().int().positive().default(30_000).describe('Per-call timeout in ms (the WSDL download too). A timed-out create is retried after a lookup.'),
  maps: fieldMapsSchema.default({ customers: {}, shipTos: {}, plants: {}, materials: {}, units: {} }),
};

const bydLookupSchema = z
  .discriminatedUnion('type', [
    z
      .object({
        type: z.literal('query'),
        wsdl: wsdlLocation.describe('The QuerySalesOrderIn WSDL (file or URL).'),
        endpoint: endpointUrl.optional(),
        operation: code.default('FindByElements'),
      })
      .strict()
      .describe('Look orders up by BuyerID through QuerySalesOrderIn/FindByElements (the same credentials).'),
    z
      .object({ type: z.literal('message-uuid') })
      .strict()
      .describe('No lookup: find answers "not found", and every create carries a BasicMessageHeader/UUID derived from our order id, so ByD (idempotent MaintainBundle) answers a repeat with the first result.'),
  ])
  .describe('How find() looks an order up: the ManageSalesOrderIn WSDL has no query operation.');

export const bydOptionsSchema = z
  .object({
    operation: code.default('MaintainBundle').describe('The create/cancel operation of ManageSalesOrderIn.'),
    lookup: bydLookupSchema,
    distributionChannelCode: code.optional().describe('SalesAndServiceBusinessArea/DistributionChannelCode, e.g. "01".'),
    salesUnitPartyId: code.optional().describe('SalesUnitParty/PartyID (the sales organisation unit).'),
    sellerPartyId: code.optional().describe('SellerParty/PartyID (the company).'),
    employeeResponsiblePartyId: code.optional().describe('EmployeeResponsibleParty/PartyID.'),
    prices: z
      .enum(['net', 'none'])
      .default('net')
      .describe('net: each item carries ItemMainPrice so ByD books our net line amount (gifts at 0); none: ByD prices the order itself.'),
    giftProcessingTypeCode: code.optional().describe('Item ProcessingTypeCode for gift lines (a free-goods item type); default: the normal item type.'),
    noteTextTypeCode: code.optional().describe('TextCollection TypeCode the order note is sent as; unset: the note is not sent.'),
    timeZoneCode: code.default('UTC').describe('timeZoneCode of the requested delivery date.'),
    cancellationReasonCode: code.describe('SalesTerms/CancellationReasonCode set by cancel (a code from the tenant\'s fine-tuning).'),
  })
  .strict();

export const bapiOptionsSchema = z
  .object({
    salesArea: z
      .object({
        docType: code.default('TA').describe('ORDER_HEADER_IN-DOC_TYPE in the internal format (TA = standard order, shown as OR in English).'),
        salesOrg: code,
        distrChan: code,
        division: code,
      })
      .strict(),
    operations: z
      .object({
        create: code.default('BAPI_SALESORDER_CREATEFROMDAT2'),
        find: code.default('BAPI_SALESORDER_GETLIST'),
        change: code.default('BAPI_SALESORDER_CHANGE'),
      })
      .strict()
      .default({ create: 'BAPI_SALESORDER_CREATEFROMDAT2', find: 'BAPI_SALESORDER_GETLIST', change: 'BAPI_SALESORDER_CHANGE' })
      .describe('WSDL operation names (a SOAMANAGER service names them after the function modules; a Z-wrapper may differ).'),
    priceCondition: code.optional().describe('Condition type (e.g. PR00) carrying our net line price; unset: SAP prices the order.'),
    giftItemCategory: code.optional().describe('ITEM_CATEG for gift lines (e.g. TANN, free of charge); without it a gift gets a zero price condition.'),
    noteTextId: code.optional().describe('ORDER_TEXT TEXT_ID the order note is sent as (e.g. 0001); unset: the note is not sent.'),
    textLanguage: z.string().regex(/^[A-Z0-9]$/, 'expected the 1-character SAP language key, e.g. E or 1').default('E'),
    rejectionReason: code.describe('REASON_REJ (reason for rejection) that cancel sets on every item.'),
  })
  .strict();

export const soapOptionsSchema = z.discriminatedUnion('flavor', [
  z.object({ flavor: z.literal('byd-manage-sales-order'), ...common, byd: bydOptionsSchema }).strict(),
  z.object({ flavor: z.literal('bapi-salesorder'), ...common, bapi: bapiOptionsSchema }).strict(),
]);

export type SoapOptions = z.infer<typeof soapOptionsSchema>;
export type BydSoapOptions = Extract<SoapOptions, { flavor: 'byd-manage-sales-order' }>;
export type BapiSoapOptions = Extract<SoapOptions, { flavor: 'bapi-salesorder' }>;
export type FieldMaps = z.infer<typeof fieldMapsSchema>;
