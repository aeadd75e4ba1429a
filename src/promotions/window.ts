/**
 * Promotion and coupon windows as admins write them: a local date or date-time in the
 * promotion's time zone ("2026-11-11", "2026-11-11T20:00"), or an instant with an offset
 * ("2026-11-11T00:00:00+08:00", "…Z"). Stored as instants; `validTo` is exclusive.
 */
import { UserError } from '../core/errors.js';

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

const formats = new Map<string, Intl.DateTimeFormat>();

export function isTimeZone(timeZone: string): boolean {
  try {
    zoneFormat(timeZone);
    return true;
  } catch {
    return false;
  }
}

function zoneFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formats.set(timeZone, format);
  }
  return format;
}

/** The zone's offset from UTC at `instant`, in ms (Asia/Shanghai: +8 h). */
function offsetAt(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(zoneFormat(timeZone).formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(instant / 1000) * 1000;
}

/** A window bound as an instant; `field` names it in the error. Null stays null (open). */
export function parseWindowBound(text: string | null, timeZone: string, field: string): Date | null {
  if (text === null || text.trim() === '') return null;
  const value = text.trim();
  if (!isTimeZone(timeZone)) throw new UserError(`unknown time zone "${timeZone}"`, { field: 'timeZone' });
  if (WITH_OFFSET.test(value)) {
    const instant = new Date(value);
    if (!Number.isNaN(instant.getTime())) return instant;
  }
  const m = LOCAL.exec(value);
  if (m) {
    const [, y, mo, d, h = '00', mi = '00', s = '00'] = m;
    const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
    const check = new Date(wall);
    if (check.getUTCMonth() === Number(mo) - 1 && check.getUTCDate() === Number(d) && Number(h) < 24 && Number(mi) < 60 && Number(s) < 60) {
      // The offset at the wall time read as UTC is right except within hours of a DST change; one correction settles it.
      let instant = wall - offsetAt(wall, timeZone);
      const corrected = wall - offsetAt(instant, timeZone);
      if (corrected !== instant) instant = corrected;
      return new Date(instant);
    }
  }
  throw new UserError(`${field} "${value}" is not a date ("2026-11-11"), a local date-time ("2026-11-11T20:00") or an instant with an offset`, { field });
}

/** Both bounds, checked to be in order. */
export function parseWindow(from: string | null, to: string | null, timeZone: string): { validFrom: Date | null; validTo: Date | null } {
  const validFrom = parseWindowBound(from, timeZone, 'validFrom');
  const validTo = parseWindowBound(to, timeZone, 'validTo');
  if (validFrom !== null && validTo !== null && validTo.getTime() <= validFrom.getTime()) {
    throw new UserError(`validTo (${validTo.toISOString()}) must be after validFrom (${validFrom.toISOString()})`, { field: 'validTo' });
  }
  return { validFrom, validTo };
}
