/**
 * `orders:` of an `oracle-ebs` connector: approved orders go to EBS through the Order Import
 * open interface (OE_HEADERS_IFACE_ALL / OE_LINES_IFACE_ALL), see order-target.ts. The numbers
 * are EBS ids of this implementation; the maps translate dealer-hub codes into them.
 *
 * ```yaml
 * ebs:
 *   kind: oracle-ebs
 *   url: ${EBS_URL}                  # the user needs INSERT/DELETE on ONT.OE_*_IFACE_ALL and SELECT on the tables below
 *   organizationId: 204
 *   orders:
 *     orderSourceId: 1021            # OE_ORDER_SOURCES.ORDER_SOURCE_ID created for dealer-hub
 *     orderTypeId: 1430              # OE_TRANSACTION_TYPES_ALL (order type) of the operating unit
 *     orgId: 204                     # operating unit (ORG_ID)
 *     createdBy: 1318                # FND_USER.USER_ID of the integration user (CREATED_BY / LAST_UPDATED_BY)
 *     cancelReason: NOT PROVIDED     # a CANCEL_CODE lookup code, sent as CHANGE_REASON
 *     booked: true                   # BOOKED_FLAG: import as Booked (else Entered)
 *     priceListId: 1000              # optional PRICE_LIST_ID (booking needs one unless the order type defaults it)
 *     giftLineTypeId: 1432           # optional LINE_TYPE_ID of free-goods lines (gifts); others take the order type's default
 *     customerMap: { D001: 1040 }    # dealer code → SOLD_TO_ORG_ID (CUST_ACCOUNT_ID); else CUSTOMER_NUMBER = dealer code
 *     shipToMap: { SZ-NS-01: 7001 }  # ship-to code → SHIP_TO_ORG_ID (SITE_USE_ID); else looked up by LOCATION
 *     itemMap: { FG0001: 5001 }      # SKU → INVENTORY_ITEM_ID; else looked up by SEGMENT1 in organizationId
 *     warehouseMap: { WH-SZ: 207 }   # warehouse code → SHIP_FROM_ORG_ID; else EBS defaults the warehouse
 *     uomMap: { BOX: BX }            # our UOM → ORDER_QUANTITY_UOM (3 characters in EBS)
 * ```
 */
import { z } from 'zod';

const code = z.string().trim().min(1).max(64);
const id = z.number().int().positive();

export const ORDER_REFERENCES = ['number', 'orderId'] as const;

export const ebsOrdersSchema = z
  .object({
    orderSourceId: id.describe('ORDER_SOURCE_ID of the order source set up for dealer-hub (OE_ORDER_SOURCES); with ORIG_SYS_DOCUMENT_REF it identifies our orders.'),
    orderTypeId: id.describe('ORDER_TYPE_ID (OE_TRANSACTION_TYPES_ALL) the orders are created with.'),
    orgId: id.describe('Operating unit (ORG_ID) the orders belong to.'),
    createdBy: z.number().int().describe('FND_USER.USER_ID written to CREATED_BY and LAST_UPDATED_BY of the interface rows.'),
    cancelReason: z
      .string()
      .trim()
      .min(1)
      .max(30)
      .describe('CHANGE_REASON of a cancellation: a lookup code of type CANCEL_CODE (Order Import requires one to cancel).'),
    cancelComment: z.string().trim().min(1).max(2000).default('Cancelled in dealer-hub').describe('CHANGE_COMMENTS of a cancellation.'),
    booked: z.boolean().default(false).describe('BOOKED_FLAG: Order Import books the order (true) or leaves it Entered (false).'),
    reference: z
      .enum(ORDER_REFERENCES)
      .default('number')
      .describe('What ORIG_SYS_DOCUMENT_REF holds: our order number (DH…, shown as Order Source Reference in EBS) or our order id (UUID).'),
    priceListId: id.optional().describe('PRICE_LIST_ID of the header; unset: the order type / customer defaulting rules supply it.'),
    lineTypeId: id.optional().describe('LINE_TYPE_ID of ordinary lines; unset: the order type’s default line type.'),
    giftLineTypeId: id.optional().describe('LINE_TYPE_ID of gift lines (sent at price 0); unset: same as ordinary lines.'),
    customerMap: z.record(code, id).default({}).describe('Dealer code → SOLD_TO_ORG_ID (HZ_CUST_ACCOUNTS.CUST_ACCOUNT_ID). Unmapped dealers go as CUSTOMER_NUMBER = dealer code.'),
    shipToMap: z
      .record(code, id)
      .default({})
      .describe('Ship-to code → SHIP_TO_ORG_ID (HZ_CUST_SITE_USES_ALL.SITE_USE_ID). Unmapped ship-tos are looked up by LOCATION under the dealer’s account.'),
    itemMap: z.record(code, id).default({}).describe('SKU → INVENTORY_ITEM_ID. Unmapped SKUs are looked up by MTL_SYSTEM_ITEMS_B.SEGMENT1 in organizationId.'),
    warehouseMap: z.record(code, id).default({}).describe('Warehouse code → SHIP_FROM_ORG_ID (inventory organization). Unmapped: EBS defaults the warehouse.'),
    uomMap: z
      .record(code, z.string().trim().min(1).max(3))
      .default({})
      .describe('Our unit of measure → ORDER_QUANTITY_UOM (MTL_UNITS_OF_MEASURE.UOM_CODE, 3 characters). Unmapped units are sent as they are.'),
  })
  .strict();

export type EbsOrdersOptions = z.infer<typeof ebsOrdersSchema>;
