/**
 * Date transforms: every form ERPs and spreadsheets send, out as 'YYYY-MM-DD'. Date-times
 * keep the calendar date as written (SAP writes date fields as midnight; shifting them
 * through a zone would move them a day). JS Dates (xlsx cells) are read in UTC, as exceljs
 * builds them.
 */
import { z } from 'zod';
import { noArgs } from './transforms-text.js';
import { defineTransform, fail, show, type MappingContext } from './transform-kit.js';

const DAY_MS = 86_400_000;
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** 'YYYY-MM-DD' for a real calendar day, else null (2026-02-30, month 13). */
export function calendarDate(year: number, month: number, day: number): string | null {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return null;
  const ms = Date.UTC(year, month - 1, day);
  return new Date(ms).getUTCDate() === day ? `${pad(year, 4)}-${pad(month)}-${pad(day)}` : null;
}

/** The UTC calendar date of an instant; arithmetic (H. Hinnant's civil_from_days), no Date per record. */
function utcDate(ms: number): string | null {
  if (!Number.isFinite(ms)) return null;
  const z = Math.floor(ms / DAY_MS) + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return year >= 1 && year <= 9999 ? `${pad(year, 4)}-${pad(month)}-${pad(day)}` : null;
}

const TIME = String.raw`(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?`;
const ISO = new RegExp(String.raw`^(\d{4})-(\d{2})-(\d{2})${TIME}$`);
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const ODATA = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/;

export const DATE_FORMATS = ['YYYYMMDD', 'YYYY-MM-DD', 'DD.MM.YYYY', 'MM/DD/YYYY', 'YYYY/MM/DD'] as const;
type DateFormat = (typeof DATE_FORMATS)[number];

// [pattern, index of year, month, day in the match]
const FORMATS: Record<DateFormat, [RegExp, number, number, number]> = {
  YYYYMMDD: [COMPACT, 1, 2, 3],
  'YYYY-MM-DD': [ISO, 1, 2, 3],
  'DD.MM.YYYY': [new RegExp(String.raw`^(\d{1,2})\.(\d{1,2})\.(\d{4})${TIME}$`), 3, 2, 1],
  'MM/DD/YYYY': [new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})${TIME}$`), 3, 1, 2],
  'YYYY/MM/DD': [new RegExp(String.raw`^(\d{4})/(\d{1,2})/(\d{1,2})${TIME}$`), 1, 2, 3],
};

function byPattern(text: string, [regex, y, m, d]: [RegExp, number, number, number]): string | null | undefined {
  const match = regex.exec(text);
  if (!match) return undefined;
  return calendarDate(Number(match[y]), Number(match[m]), Number(match[d]));
}

const fromDate = (value: Date) => utcDate(value.getTime()) ?? fail(`${show(value)} is not a valid date`);
const noDate = (value: unknown, expected: string) => fail(`${show(value)} is not a date (expected ${expected})`);

function sapDate(value: unknown): unknown {
  if (value instanceof Date) return fromDate(value);
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
  if (text === undefined) return noDate(value, '/Date(ms)/, ISO or YYYYMMDD');
  // SAP's initial date: no date at all.
  if (text === '00000000') return null;
  const odata = ODATA.exec(text);
  // OData v2: ms since epoch (UTC); an offset, if any, is in minutes ("+0480" = UTC+8).
  const date = odata
    ? utcDate(Number(odata[1]) + Number(odata[2] ?? 0) * 60_000)
    : (byPattern(text, FORMATS['YYYY-MM-DD']) ?? byPattern(text, FORMATS.YYYYMMDD));
  return date ?? noDate(value, '/Date(ms)/, ISO or YYYYMMDD');
}

// Excel's 1900 date system counts 1900-02-29 (serial 60), a day that never existed.
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
const MAX_SERIAL = 2_958_465; // 9999-12-31

function excelDate(value: unknown): unknown {
  if (value instanceof Date) return fromDate(value);
  if (typeof value === 'string') {
    const iso = byPattern(value.trim(), FORMATS['YYYY-MM-DD']);
    if (iso !== undefined) return iso ?? noDate(value, 'an Excel date');
  }
  const serial = typeof value === 'number' ? value : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  const day = Math.floor(serial);
  if (!(day >= 1 && day <= MAX_SERIAL) || day === 60) return noDate(value, 'an Excel serial number, a Date or YYYY-MM-DD');
  return utcDate(day < 60 ? EXCEL_EPOCH + (day + 1) * DAY_MS : EXCEL_EPOCH + day * DAY_MS);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Today's calendar date in `timeZone` as [year, month, day]; formatters cached per zone. */
function today(context: MappingContext): [number, number, number] | string {
  const zone = context.timeZone ?? 'Asia/Shanghai';
  let formatter = formatters.get(zone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      return `unknown time zone "${zone}"`;
    }
    formatters.set(zone, formatter);
  }
  const [y, m, d] = formatter.format(context.now ?? new Date()).split('-').map(Number);
  return [y ?? 0, m ?? 0, d ?? 0];
}

const RELATIVE = /^today\s*(?:([+-])\s*(\d{1,5}))?$/i;

function relativeDate(value: unknown, context: MappingContext): unknown {
  if (value instanceof Date) return fromDate(value);
  const text = typeof value === 'string' ? value.trim() : '';
  const match = RELATIVE.exec(text);
  if (!match) return byPattern(text, FORMATS['YYYY-MM-DD']) ?? noDate(value, 'today, today+N, today-N or YYYY-MM-DD');
  const base = today(context);
  if (typeof base === 'string') return fail(base);
  const offset = match[2] ? Number(match[2]) * (match[1] === '-' ? -1 : 1) : 0;
  return utcDate(Date.UTC(base[0], base[1] - 1, base[2] + offset)) ?? noDate(value, 'a date within years 1–9999');
}

export const dateTransforms = {
  sapDate: defineTransform({ args: noArgs, make: () => sapDate }),
  date: defineTransform({
    args: z.enum(DATE_FORMATS),
    make: (format) => {
      const pattern = FORMATS[format];
      return (value) => {
        if (value instanceof Date) return fromDate(value);
        if (format === 'YYYYMMDD' && (value === '00000000' || value === 0)) return null;
        const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
        return (text !== undefined ? byPattern(text, pattern) : undefined) ?? noDate(value, format);
      };
    },
  }),
  excelDate: defineTransform({ args: noArgs, make: () => excelDate }),
  relativeDate: defineTransform({ args: noArgs, make: () => relativeDate }),
};
