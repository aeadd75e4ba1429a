/** PostgreSQL type OIDs whose JS representation we fix for both drivers. */
export const PG_TYPES = { INT8: 20, NUMERIC: 1700, DATE: 1082, TIMESTAMPTZ: 1184, TIMESTAMP: 1114 } as const;

export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`int8 value ${text} is beyond 2^53; read it as text`);
  return value;
}

/** numeric stays text so money and quantities never pass through a binary float. */
export function parseNumeric(text: string): string {
  return text;
}

/** A calendar date has no time zone; keep it as the 'YYYY-MM-DD' the database holds. */
export function parseDate(text: string): string {
  return text;
}

export const TEXT_PARSERS: Record<number, (text: string) => unknown> = {
  [PG_TYPES.INT8]: parseInt8,
  [PG_TYPES.NUMERIC]: parseNumeric,
  [PG_TYPES.DATE]: parseDate,
};
