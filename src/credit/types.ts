/** Plain data of the credit scorer (issue 8). Money is a decimal string; dates 'YYYY-MM-DD'. */
import type { CreditConfig } from '../core/config/schema-credit-risk.js';

export type CreditSettings = CreditConfig;

/** One AR document (invoice) of the dealer, open or settled, as synced from the ERP. */
export interface ArItem {
  documentNo: string;
  documentDate: string;
  dueDate: string;
  amount: string;
  openAmount: string;
  /** When it was settled; null while open (a part-paid item is still open). */
  paidAt: string | null;
}

export interface CreditInputs {
  dealerCode: string;
  currency: string;
  cooperationSince: string | null;
  currentLimit: string;
  arItems: ArItem[];
  /** Order net per 30-day bucket, index 0 = the 30 days up to today, 12 buckets (360 days). */
  salesBuckets: string[];
}

export type CreditFactorName = 'onTimeRatio' | 'daysBeyondTerms' | 'cooperationYears' | 'salesVolume' | 'salesTrend';

export interface CreditFactor {
  factor: CreditFactorName;
  /** The raw value (ratio, days, years, currency units, relative change); null when there is no data. */
  value: number | null;
  /** 0..1 after normalisation (0.5 — neutral — when there is no data). */
  subScore: number;
  /** The factor's share of the weights (weights normalised to sum 1). */
  weight: number;
  /** weight × subScore: the factors' contributions sum to the score. */
  contribution: number;
  detail: Record<string, unknown>;
}

export interface CreditScore {
  dealerCode: string;
  currency: string;
  score: number;
  band: string;
  months: number;
  factors: CreditFactor[];
  currentLimit: string;
  /** Average monthly sales × band months, before any bound. */
  base: string;
  suggestedLimit: string;
  /** Which bound changed the base: the per-review change cap, the min/max limits, or none. */
  bounded: Array<'maxChange' | 'minLimit' | 'maxLimit'>;
  /** (suggested − current) / current × 100, two places; null when current is 0. */
  changePercent: number | null;
  /** What the credit.review job does with it. */
  decision: 'none' | 'apply' | 'propose';
}
