/**
 * Presets: stream defaults for typical REST sources, merged under the user's settings.
 *
 * `wms-stock` follows OpenBoxes' product availability API
 * (`GET /api/facilities/{facility}/availableItems?max=&offset=` → `{ data: [...], totalCount }`,
 * one row per product × lot × bin, `max` ≤ 100, expiry as MM/DD/YYYY). Rows are summed over
 * bins into one stock lot per product × lot. The facility is in the path, not in the rows, so
 * the warehouse code comes from `addFields.warehouse`:
 *
 * ```yaml
 * wms:
 *   kind: http
 *   baseUrl: https://wms.example.com/openboxes
 *   auth: { type: bearer, token: ${WMS_TOKEN} }
 *   preset: wms-stock
 *   streams:
 *     stock: { path: /api/facilities/1/availableItems, addFields: { warehouse: WH-SZ } }
 * ```
 */
const WMS_STOCK = {
  entity: 'stock_lots',
  mode: 'snapshot',
  records: '$.data',
  pagination: { type: 'offset', offsetParam: 'offset', limitParam: 'max', limit: 100 },
  primaryKey: ['productCode', 'lotNumber'],
  aggregate: { by: ['productCode', 'lotNumber'], sum: ['quantityOnHand', 'quantityAvailable'] },
  mapping: {
    fields: {
      sku: { from: 'productCode', transforms: ['trim'], required: true },
      warehouse_code: { from: 'warehouse', transforms: ['trim'], required: true },
      lot: { from: 'lotNumber', transforms: ['trim'], default: 'NOLOT' },
      on_hand: { from: 'quantityOnHand', transforms: ['toInt'], required: true },
      expiry_date: { from: 'expirationDate', transforms: ['trim', 'nullIfEmpty', { date: 'MM/DD/YYYY' }] },
    },
  },
};

export const PRESETS = { 'wms-stock': { stock: WMS_STOCK } } as const;

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Objects merge key by key (the user's value wins); arrays and scalars are replaced. */
function mergeUnder(defaults: unknown, user: unknown): unknown {
  if (!isObject(defaults) || !isObject(user)) return user === undefined ? defaults : user;
  if ('type' in user && user.type !== defaults.type) return user; // another pagination strategy altogether
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(user)) merged[key] = mergeUnder(defaults[key], value);
  return merged;
}

export function applyPreset(raw: unknown): unknown {
  if (!isObject(raw) || typeof raw.preset !== 'string' || !(raw.preset in PRESETS)) return raw;
  const preset = PRESETS[raw.preset as keyof typeof PRESETS];
  return { ...raw, streams: mergeUnder(preset, raw.streams ?? {}) };
}
