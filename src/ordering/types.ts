/**
 * Plain data the ordering rules work on. Money is a decimal string with a currency ("1234.50"),
 * never a binary float; quantities are whole units of the product's base UoM; dates are
 * 'YYYY-MM-DD' strings and instants are Dates. Rules take `now` as a parameter.
 */
import type { LineInventory } from '../inventory/allocation.js';
import type { RiskContext } from '../risk/types.js';

export type Money = string;

export interface OrderLineRequest {
  sku: string;
  qty: number;
}

export interface ProductFacts {
  sku: string;
  name: string;
  status: 'active' | 'inactive' | 'discontinued';
  packSize: number;
  /** true: a quantity that is not a pack multiple is rounded up; false: it is rejected. */
  roundToPack: boolean;
  shelfLifeDays: number | null;
  minRemainingShelfLifeDays: number | null;
}

/** One price row of a list that applies to the dealer (its tier list, or its own override list). */
export interface PriceFacts {
  sku: string;
  /** 'dealer' overrides beat 'tier' lists. */
  source: 'dealer' | 'tier';
  priceListCode: string;
  currency: string;
  minQty: number;
  unitPrice: Money;
  validFrom: string;
  validTo: string | null;
}

export interface PricedLine {
  lineNo: number;
  sku: string;
  /** After pack rounding. */
  qty: number;
  requestedQty: number;
  unitPrice: Money;
  /** unitPrice × qty, rounded half-up to cents. */
  gross: Money;
  discount: Money;
  net: Money;
  priceListCode: string;
}

/** A problem with one requested line: the line (1-based), the field, and what is wrong. */
export interface LineProblem {
  lineNo: number;
  sku: string;
  code: 'unknown_sku' | 'inactive_product' | 'no_price' | 'bad_quantity' | 'not_pack_multiple' | 'duplicate_sku';
  message: string;
}

export interface PricingResult {
  lines: PricedLine[];
  problems: LineProblem[];
  totals: { gross: Money; discount: Money; net: Money; currency: string };
}

export interface LotFacts {
  lotId: number;
  sku: string;
  warehouseCode: string;
  lot: string;
  expiryDate: string | null;
  productionDate: string | null;
  onHand: number;
  reserved: number;
}

export interface WarehouseFacts {
  code: string;
  regionCode: string;
  /** Lower is preferred when the region does not decide. */
  priority: number;
  /** Safety stock per SKU in this warehouse, held back from ATP. */
  safetyStock: Record<string, number>;
}

export interface Allocation {
  lotId: number;
  lot: string;
  warehouseCode: string;
  expiryDate: string | null;
  qty: number;
}

export interface LineAvailability {
  lineNo: number;
  sku: string;
  requested: number;
  /** ATP in the chosen warehouse for this SKU, after safety stock and shelf-life rules. */
  available: number;
  warehouseCode: string | null;
  allocations: Allocation[];
  shortfall: number;
  /** Expiry tier of what the line would receive, its channel, and why it is short (issue 8, src/inventory). */
  inventory?: LineInventory;
}

export interface CreditFacts {
  currency: string;
  creditLimit: Money;
  arOpen: Money;
  /** Value of this dealer's approved orders not yet invoiced (excluding the order under review). */
  openOrders: Money;
  overdue: Money;
  oldestOverdueDays: number;
}

export interface RegionAuthorisation {
  regionCode: string;
  validFrom: string;
  validTo: string | null;
}

export interface ShipToFacts {
  code: string;
  regionCode: string;
}

export interface ReviewPolicy {
  /** 'hold': any short line holds the order; 'backorder': approve what is available. */
  stockPolicy: 'hold' | 'backorder';
  /** Overdue older than this many days holds the order whatever the headroom. */
  overdueToleranceDays: number;
}

export interface Finding {
  /** erp: found after approval, when the ERP refused the order (src/delivery). */
  rule: 'stock' | 'credit' | 'region' | 'risk' | 'pricing' | 'erp';
  code: string;
  /** hold: needs a person; info: recorded, no effect on the decision. */
  severity: 'hold' | 'info';
  /** The numbers involved, machine-readable. */
  data: Record<string, unknown>;
  message: { 'zh-CN': string; en: string };
}

export interface ReviewInput {
  lines: PricedLine[];
  availability: LineAvailability[];
  orderNet: Money;
  currency: string;
  credit: CreditFacts | null;
  shipTo: ShipToFacts;
  authorisations: RegionAuthorisation[];
  policy: ReviewPolicy;
  /** The order and its dealer's history for the risk rule (src/risk); absent: not scored. */
  risk?: RiskContext | undefined;
}

export interface ReviewResult {
  decision: 'approve' | 'hold';
  findings: Finding[];
}
