/**
 * Promotions and coupons as the admin API keeps them. Every change is one transaction that
 * locks the promotion's row, checks it (validate.ts) and writes set-based; what is returned is
 * read back in the same transaction. A promotion orders have used is never deleted: its
 * redemptions and gift lines refer to it, so it is ended instead.
 */
import { randomInt } from 'node:crypto';
import type { Queryable, Store } from '../core/db/index.js';
import { ConflictError, NotFoundError, UserError } from '../core/errors.js';
import type { CouponInput, PromotionInput } from '../ordering/promotions/definition.js';
import { promotionRecord, type PromotionRecord } from './record.js';
import { PROMOTION_COLUMNS, type PromotionRow } from './rows.js';
import { loadValidationFacts, validatePromotion, type Issue } from './validate.js';
import { parseWindow } from './window.js';

export interface PromotionView {
  id: number;
  code: string;
  name: string;
  type: string;
  rule: PromotionRow['rule'];
  eligibility: PromotionRow['eligibility'];
  priority: number;
  stackable: boolean;
  exclusiveGroup: string | null;
  /** Instants (ISO, UTC); validTo is exclusive. */
  validFrom: string | null;
  validTo: string | null;
  timeZone: string;
  requiresCoupon: boolean;
  budgetAmount: string | null;
  budgetUses: number | null;
  perDealerLimit: number | null;
  status: PromotionRow['status'];
  source: string;
  /** Active and inside its window now. */
  activeNow: boolean;
  usage: {
    /** Budget counters (moved only for promotions with a budget). */
    usedAmount: string;
    usedUses: number;
    /** Orders that use it now, and the discount they got; released = given back by cancel/reject. */
    redemptions: number;
    discountGiven: string;
    released: number;
    coupons: number;
  };
  createdAt: string;
  updatedAt: string;
}

export interface CouponView {
  code: string;
  promotion: string;
  maxUses: number | null;
  used: number;
  perDealerLimit: number | null;
  dealer: string | null;
  validFrom: string | null;
  validTo: string | null;
  status: 'active' | 'disabled';
  createdAt: string;
}

export interface PromotionFilters {
  status?: PromotionRow['status'] | undefined;
  type?: string | undefined;
  /** Only promotions active and inside their window at `now`. */
  activeNow?: boolean | undefined;
  /** The last code of the previous page. */
  cursor?: string | undefined;
  limit: number;
}

interface ViewRow {
  promotion: PromotionRow;
  created_at: Date;
  redemptions: number;
  released: number;
  discount_given: string;
  coupons: number;
}

const iso = (text: string | Date | null): string | null => (text === null ? null : new Date(text).toISOString());

/** The caller adds its WHERE on `promo`. */
const VIEW_SELECT = `
SELECT ${PROMOTION_COLUMNS} AS promotion, promo.created_at, u.redemptions, u.released, u.discount_given,
       (SELECT count(*)::int FROM coupons c WHERE c.promotion_id = promo.id) AS coupons
  FROM promotions promo
 CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE r.status = 'active')::int AS redemptions, count(*) FILTER (WHERE r.status = 'released')::int AS released,
                            coalesce(sum(r.discount) FILTER (WHERE r.status = 'active'), 0)::numeric(18, 2)::text AS discount_given
                       FROM promotion_redemptions r WHERE r.promotion_id = promo.id) u`;

function toView(row: ViewRow, now: Date): PromotionView {
  const p = row.promotion;
  const validFrom = iso(p.validFrom);
  const validTo = iso(p.validTo);
  const t = now.getTime();
  return {
    id: Number(p.id),
    code: p.code,
    name: p.name,
    type: p.rule.type,
    rule: p.rule,
    eligibility: p.eligibility,
    priority: p.priority,
    stackable: p.stackable,
    exclusiveGroup: p.exclusiveGroup,
    validFrom,
    validTo,
    timeZone: p.timeZone,
    requiresCoupon: p.requiresCoupon,
    budgetAmount: p.budgetAmount,
    budgetUses: p.budgetUses,
    perDealerLimit: p.perDealerLimit,
    status: p.status,
    source: p.source,
    activeNow: p.status === 'active' && (validFrom === null || Date.parse(validFrom) <= t) && (validTo === null || Date.parse(validTo) > t),
    usage: {
      usedAmount: p.usedAmount,
      usedUses: p.usedUses,
      redemptions: row.redemptions,
      discountGiven: row.discount_given,
      released: row.released,
      coupons: row.coupons,
    },
    createdAt: iso(row.created_at)!,
    updatedAt: iso(p.updatedAt)!,
  };
}

export async function listPromotions(q: Queryable, filters: PromotionFilters, now: Date): Promise<{ items: PromotionView[]; nextCursor: string | null }> {
  const { rows } = await q.query<ViewRow>(
    `${VIEW_SELECT}
      WHERE ($2::text IS NULL OR promo.status = $2) AND ($3::text IS NULL OR promo.type = $3)
        AND (NOT $4::boolean OR (promo.status = 'active' AND (promo.valid_from IS NULL OR promo.valid_from <= $1::timestamptz) AND (promo.valid_to IS NULL OR promo.valid_to > $1::timestamptz)))
        AND ($5::text IS NULL OR promo.code > $5)
      ORDER BY promo.code LIMIT $6`,
    [now, filters.status ?? null, filters.type ?? null, filters.activeNow === true, filters.cursor ?? null, filters.limit + 1],
  );
  const page = rows.slice(0, filters.limit).map((r) => toView(r, now));
  return { items: page, nextCursor: rows.length > filters.limit ? page[page.length - 1]!.code : null };
}

/** How many coupons a promotion's detail lists; the coupons route pages through the rest. */
export const DETAIL_COUPONS = 200;

export async function getPromotion(q: Queryable, code: string, now: Date): Promise<PromotionView & { coupons: CouponView[] }> {
  const { rows } = await q.query<ViewRow>(`${VIEW_SELECT} WHERE promo.code = $1`, [code]);
  if (rows.length === 0) throw new NotFoundError(`no promotion ${code}`, { code: 'promotion_not_found' });
  const coupons = await couponsOf(q, code, { limit: DETAIL_COUPONS });
  return { ...toView(rows[0]!, now), coupons: coupons.items };
}

export interface Saved {
  promotion: PromotionView & { coupons: CouponView[] };
  warnings: Issue[];
}

/** Validates against the database; throws a 422 listing every error (and the warnings). */
async function check(q: Queryable, record: PromotionRecord, now: Date): Promise<Issue[]> {
  const { errors, warnings } = validatePromotion(record, await loadValidationFacts(q, record), now);
  if (errors.length > 0) {
    throw new UserError(errors.map((e) => e.message).join('; '), { code: 'invalid_promotion', field: errors[0]!.field, errors, warnings });
  }
  return warnings;
}

const RECORD_COLUMNS = `x.code, x.name, x.type, x.rules, x.eligibility, x.priority, x.stackable, x.exclusive_group, x.valid_from, x.valid_to, x.time_zone,
  x.requires_coupon, x.budget_amount, x.budget_uses, x.per_dealer_limit, x.status`;
const RECORD_TYPES = `x(code text, name text, type text, rules jsonb, eligibility jsonb, priority int, stackable boolean, exclusive_group text, valid_from timestamptz,
  valid_to timestamptz, time_zone text, requires_coupon boolean, budget_amount numeric, budget_uses int, per_dealer_limit int, status text)`;

export async function createPromotion(store: Store, input: PromotionInput, now: Date): Promise<Saved> {
  const record = promotionRecord(input);
  return store.tx(async (q) => {
    const { rows: same } = await q.query<{ code: string }>('SELECT code FROM promotions WHERE lower(code) = lower($1)', [record.code]);
    if (same.length > 0) throw new ConflictError(`promotion ${same[0]!.code} already exists; PUT /admin/promotions/${same[0]!.code} changes it`, { code: 'promotion_exists' });
    const warnings = await check(q, record, now);
    const inserted = await q.query(
      `INSERT INTO promotions (code, name, type, rules, eligibility, priority, stackable, exclusive_group, valid_from, valid_to, time_zone,
                               requires_coupon, budget_amount, budget_uses, per_dealer_limit, status, source)
       SELECT ${RECORD_COLUMNS}, 'admin' FROM json_to_record($1::json) AS ${RECORD_TYPES}
       ON CONFLICT (code) DO NOTHING`,
      [JSON.stringify(record)],
    );
    if (inserted.rowCount !== 1) throw new ConflictError(`promotion ${record.code} already exists`, { code: 'promotion_exists' });
    return { promotion: await getPromotion(q, record.code, now), warnings };
  });
}

/** PUT: the stored promotion becomes `input` (its usage and coupons stay). */
export async function replacePromotion(store: Store, code: string, input: PromotionInput, now: Date): Promise<Saved> {
  if (input.code !== code) throw new UserError(`code "${input.code}" in the body differs from "${code}" in the path; a promotion's code cannot change`, { field: 'code' });
  const record = promotionRecord(input);
  return store.tx(async (q) => {
    await lockPromotion(q, code);
    const warnings = await check(q, record, now);
    await q.query(
      `UPDATE promotions p SET (name, type, rules, eligibility, priority, stackable, exclusive_group, valid_from, valid_to, time_zone,
                               requires_coupon, budget_amount, budget_uses, per_dealer_limit, status, updated_at)
         = (x.name, x.type, x.rules, x.eligibility, x.priority, x.stackable, x.exclusive_group, x.valid_from, x.valid_to, x.time_zone,
            x.requires_coupon, x.budget_amount, x.budget_uses, x.per_dealer_limit, x.status, now())
         FROM json_to_record($1::json) AS ${RECORD_TYPES}
        WHERE p.code = x.code`,
      [JSON.stringify(record)],
    );
    return { promotion: await getPromotion(q, code, now), warnings };
  });
}

/** PATCH: status only. Activating re-runs the checks (a gift may have been discontinued since). */
export async function setPromotionStatus(store: Store, code: string, status: PromotionRow['status'], now: Date): Promise<Saved> {
  return store.tx(async (q) => {
    const current = await lockPromotion(q, code);
    let warnings: Issue[] = [];
    if (status === 'active') warnings = await check(q, { ...current, status }, now);
    await q.query('UPDATE promotions SET status = $2, updated_at = now() WHERE code = $1', [code, status]);
    return { promotion: await getPromotion(q, code, now), warnings };
  });
}

/** Locks the row and returns it as a record (for re-validation). */
async function lockPromotion(q: Queryable, code: string): Promise<PromotionRecord> {
  const { rows } = await q.query<PromotionRecord>(
    `SELECT code, name, type, rules, eligibility, priority, stackable, exclusive_group, valid_from, valid_to, time_zone, requires_coupon,
            budget_amount::text, budget_uses, per_dealer_limit, status
       FROM promotions WHERE code = $1 FOR UPDATE`,
    [code],
  );
  const row = rows[0];
  if (row === undefined) throw new NotFoundError(`no promotion ${code}`, { code: 'promotion_not_found' });
  return { ...row, valid_from: iso(row.valid_from), valid_to: iso(row.valid_to) };
}

export interface Deleted {
  code: string;
  deleted: boolean;
  status: 'deleted' | 'ended';
  /** Redemptions (active or released) that keep the promotion. */
  redemptions: number;
  message: string;
}

/** Deletes an unused promotion (and its coupons); ends one that orders used. */
export async function deletePromotion(store: Store, code: string): Promise<Deleted> {
  return store.tx(async (q) => {
    const current = await lockPromotion(q, code);
    const { rows } = await q.query<{ redemptions: number; gift_lines: number }>(
      `SELECT (SELECT count(*)::int FROM promotion_redemptions r WHERE r.promotion_id = p.id) AS redemptions,
              (SELECT count(*)::int FROM order_lines l WHERE l.promotion_id = p.id) AS gift_lines
         FROM promotions p WHERE p.code = $1`,
      [code],
    );
    const { redemptions, gift_lines: giftLines } = rows[0]!;
    if (redemptions === 0 && giftLines === 0) {
      await q.query('DELETE FROM promotions WHERE code = $1', [code]);
      return { code, deleted: true, status: 'deleted', redemptions: 0, message: `promotion ${code} and its coupons were deleted` };
    }
    const used = `orders used it (${redemptions} redemption(s)${giftLines > 0 ? `, ${giftLines} gift line(s)` : ''}) and keep referring to it`;
    if (current.status === 'ended') throw new ConflictError(`promotion ${code} cannot be deleted: ${used}; it is already ended`, { code: 'promotion_in_use', redemptions });
    await q.query(`UPDATE promotions SET status = 'ended', updated_at = now() WHERE code = $1`, [code]);
    return { code, deleted: false, status: 'ended', redemptions, message: `promotion ${code} was ended instead of deleted: ${used}` };
  });
}

// ---- coupons ------------------------------------------------------------------------------------

/** Codes people can read out: no 0/O, 1/I/L. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export interface CouponSpec extends Omit<CouponInput, 'code'> {
  generate: number;
  prefix?: string | undefined;
  /** Random characters after the prefix. */
  length: number;
}

export interface CreatedCoupons {
  promotion: string;
  created: number;
  coupons: CouponView[];
  warnings: Issue[];
}

const COUPON_SELECT = `
SELECT c.code, p.code AS promotion, c.max_uses AS "maxUses", c.used, c.per_dealer_limit AS "perDealerLimit", d.code AS dealer,
       c.valid_from AS "validFrom", c.valid_to AS "validTo", c.status, c.created_at AS "createdAt"
  FROM coupons c JOIN promotions p ON p.id = c.promotion_id LEFT JOIN dealers d ON d.id = c.dealer_id`;

type CouponRow = Omit<CouponView, 'validFrom' | 'validTo' | 'createdAt'> & { validFrom: Date | null; validTo: Date | null; createdAt: Date };
const couponView = (r: CouponRow): CouponView => ({ ...r, validFrom: iso(r.validFrom), validTo: iso(r.validTo), createdAt: iso(r.createdAt)! });

/** One code, or `generate` random ones with a prefix; case-insensitively unique across all promotions. */
export async function createCoupons(store: Store, promotionCode: string, input: CouponInput | CouponSpec): Promise<CreatedCoupons> {
  return store.tx(async (q) => {
    const { rows } = await q.query<{ id: number; time_zone: string; requires_coupon: boolean; status: string }>(
      'SELECT id, time_zone, requires_coupon, status FROM promotions WHERE code = $1 FOR UPDATE',
      [promotionCode],
    );
    const promotion = rows[0];
    if (promotion === undefined) throw new NotFoundError(`no promotion ${promotionCode}`, { code: 'promotion_not_found' });
    const { validFrom, validTo } = parseWindow(input.validFrom, input.validTo, promotion.time_zone);
    let dealerId: number | null = null;
    if (input.dealer !== null) {
      const found = await q.query<{ id: number }>('SELECT id FROM dealers WHERE code = $1', [input.dealer]);
      if (found.rows.length === 0) throw new UserError(`dealer: no dealer ${input.dealer}`, { field: 'dealer' });
      dealerId = Number(found.rows[0]!.id);
    }
    const insert = async (codes: string[]): Promise<string[]> => {
      const inserted = await q.query<{ code: string }>(
        `INSERT INTO coupons (code, promotion_id, max_uses, per_dealer_limit, dealer_id, valid_from, valid_to)
         SELECT code, $2, $3, $4, $5, $6, $7 FROM unnest($1::text[]) AS code
         ON CONFLICT ((lower(code))) DO NOTHING RETURNING code`,
        [codes, promotion.id, input.maxUses, input.perDealerLimit, dealerId, validFrom, validTo],
      );
      return inserted.rows.map((r) => r.code);
    };

    let created: string[];
    if ('code' in input) {
      created = await insert([input.code]);
      if (created.length === 0) {
        const { rows: other } = await q.query<{ code: string; promotion: string }>(
          'SELECT c.code, p.code AS promotion FROM coupons c JOIN promotions p ON p.id = c.promotion_id WHERE lower(c.code) = lower($1)',
          [input.code],
        );
        const o = other[0];
        throw new ConflictError(`coupon code ${input.code} already exists${o ? ` as ${o.code} (promotion ${o.promotion}); codes are case-insensitive` : ''}`, { code: 'coupon_exists', field: 'code' });
      }
    } else {
      created = [];
      // Collisions are rare (31^length codes); each round replaces the codes that collided.
      for (let round = 0; created.length < input.generate; round += 1) {
        if (round >= 10) throw new ConflictError(`could not find ${input.generate} free codes with prefix "${input.prefix ?? ''}"; use a longer length`, { code: 'coupon_space_exhausted' });
        const wanted = new Set<string>();
        while (wanted.size < input.generate - created.length) wanted.add(`${input.prefix ?? ''}${randomCode(input.length)}`);
        created.push(...(await insert([...wanted])));
      }
    }
    const warnings: Issue[] = [];
    if (!promotion.requires_coupon) {
      warnings.push({ field: 'requiresCoupon', code: 'coupon_not_needed', message: `promotion ${promotionCode} does not require a coupon: dealers get it without one, and an entered code is reported as not needed` });
    }
    if (promotion.status !== 'active') warnings.push({ field: 'status', code: 'promotion_not_active', message: `promotion ${promotionCode} is ${promotion.status}: its coupons unlock nothing until it is active` });
    const { rows: views } = await q.query<CouponRow>(`${COUPON_SELECT} WHERE lower(c.code) = ANY($1::text[]) ORDER BY lower(c.code)`, [created.map((c) => c.toLowerCase())]);
    return { promotion: promotionCode, created: created.length, coupons: views.map(couponView), warnings };
  });
}

function randomCode(length: number): string {
  let code = '';
  for (let i = 0; i < length; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

export async function couponsOf(
  q: Queryable,
  promotionCode: string,
  options: { status?: 'active' | 'disabled' | undefined; cursor?: string | undefined; limit: number },
): Promise<{ items: CouponView[]; nextCursor: string | null }> {
  const { rows: exists } = await q.query('SELECT 1 FROM promotions WHERE code = $1', [promotionCode]);
  if (exists.length === 0) throw new NotFoundError(`no promotion ${promotionCode}`, { code: 'promotion_not_found' });
  const { rows } = await q.query<CouponRow>(
    `${COUPON_SELECT} WHERE p.code = $1 AND ($2::text IS NULL OR c.status = $2) AND ($3::text IS NULL OR lower(c.code) > lower($3))
      ORDER BY lower(c.code) LIMIT $4`,
    [promotionCode, options.status ?? null, options.cursor ?? null, options.limit + 1],
  );
  const items = rows.slice(0, options.limit).map(couponView);
  return { items, nextCursor: rows.length > options.limit ? items[items.length - 1]!.code : null };
}

/** Disables or re-enables one code (any case). Uses already taken stay taken. */
export async function setCouponStatus(store: Store, code: string, status: 'active' | 'disabled'): Promise<CouponView> {
  return store.tx(async (q) => {
    const updated = await q.query('UPDATE coupons SET status = $2 WHERE lower(code) = lower($1)', [code, status]);
    if (updated.rowCount === 0) throw new NotFoundError(`no coupon ${code}`, { code: 'coupon_not_found' });
    const { rows } = await q.query<CouponRow>(`${COUPON_SELECT} WHERE lower(c.code) = lower($1)`, [code]);
    return couponView(rows[0]!);
  });
}
