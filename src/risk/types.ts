/** Plain data the risk scorer works on (issue 8). Money is a decimal string, instants ISO strings. */
import type { RiskConfig } from '../core/config/schema-credit-risk.js';

export type RiskSettings = RiskConfig;

/** One earlier order of the dealer (not cancelled or rejected), as the history query returns it. */
export interface RiskHistoryOrder {
  /** ISO instant the order was placed. */
  at: string;
  net: string;
  shipTo: string;
  regionCode: string;
  paymentMethod: string | null;
}

export interface RiskHistory {
  /** Most recent first or not: the scorer does not rely on the order. */
  orders: RiskHistoryOrder[];
  /** For each SKU of the order under review: the quantities of its earlier (non-gift) lines. */
  skuQuantities: Record<string, number[]>;
}

/** The order under review, as far as risk is concerned. */
export interface RiskOrder {
  at: Date;
  net: string;
  shipTo: { code: string; regionCode: string };
  paymentMethod: string | null;
  /** Ordered (non-gift) lines. */
  lines: Array<{ sku: string; qty: number }>;
}

export interface RiskContext {
  settings: RiskSettings;
  history: RiskHistory;
  order: RiskOrder;
}

export type RiskFactorName = 'amount' | 'skuQuantity' | 'shipTo' | 'region' | 'paymentMethod' | 'velocity';

/** One factor's verdict: points = weight × strength (0..1), with its numbers and a sentence. */
export interface RiskFactor {
  factor: RiskFactorName;
  points: number;
  strength: number;
  data: Record<string, unknown>;
  message: { 'zh-CN': string; en: string };
}

export type RiskScore =
  | { scored: false; reason: { 'zh-CN': string; en: string }; historyOrders: number; historyDays: number }
  | { scored: true; score: number; threshold: number; factors: RiskFactor[]; historyOrders: number; historyDays: number };
