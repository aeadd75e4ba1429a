/**
 * Mappings are data (YAML or JSON): for each canonical field, where its value comes from in
 * the source record and which named pure transforms turn it into the canonical form.
 *
 * ```yaml
 * fields:
 *   sku:         { from: Material, transforms: [trim, stripLeadingZeros] }
 *   warehouse_code: { from: Plant, transforms: [{ lookup: plants }] }
 *   on_hand:     { from: MatlWrhsStkQtyInMatlBaseUnit, transforms: [toInt], required: true }
 *   expiry_date: { from: ShelfLifeExpirationDate, transforms: [sapDate] }
 *   lot:         { from: Batch, default: 'NOLOT' }
 * lookups:
 *   plants: { '1010': WH-SZ, '1020': WH-CD }
 * ```
 * A field written as a bare string is shorthand for `{ from: <string> }`.
 */
export type TransformCall = string | Record<string, unknown>;

export interface FieldRule {
  /** Source path: `a.b`, `items[0].qty`, `to_Item.results`. Several paths: the first non-empty wins. */
  from?: string | readonly string[];
  /** Several source paths joined into one value (composite keys), with `separator` (default '-'). */
  concat?: readonly string[];
  separator?: string;
  /** A constant value instead of a source path. */
  value?: unknown;
  transforms?: readonly TransformCall[];
  /** Used when the source value is missing or empty (before transforms run). */
  default?: unknown;
  /** Missing after transforms and default → an issue, and the record is rejected. */
  required?: boolean;
}

export interface MappingSpec {
  fields: Record<string, FieldRule | string>;
  /** Named lookup tables for the `lookup` transform. */
  lookups?: Record<string, Record<string, unknown>>;
}

/** A problem with one record: stored with the run, never thrown. */
export interface MappingIssue {
  field: string;
  /** Source path(s) the value came from, if any. */
  source?: string;
  message: string;
  value?: unknown;
}

export interface MappingResult {
  /** The canonical record, or null when an issue makes the record unusable. */
  value: Record<string, unknown> | null;
  issues: MappingIssue[];
}
