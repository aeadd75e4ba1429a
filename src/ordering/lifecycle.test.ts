import { describe, expect, it } from 'vitest';
import { ConflictError } from '../core/errors.js';
import { assertTransition, canTransition, isOpenStatus, ORDER_STATUSES, type OrderStatus, releasesRedemptions, releasesReservation } from './lifecycle.js';

const ALLOWED: Array<[OrderStatus, OrderStatus]> = [
  ['submitted', 'approved'],
  ['submitted', 'held'],
  ['held', 'approved'],
  ['held', 'rejected'],
  ['approved', 'released'],
  ['approved', 'held'],
  ['released', 'confirmed'],
  ['released', 'held'],
  ['confirmed', 'shipped'],
  ['shipped', 'delivered'],
  ['submitted', 'cancelled'],
  ['approved', 'cancelled'],
  ['held', 'cancelled'],
  ['released', 'cancelled'],
  ['confirmed', 'cancelled'],
];

describe('lifecycle', () => {
  const allowed = new Set(ALLOWED.map(([f, t]) => `${f}>${t}`));
  const all = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to) => [from, to] as const));

  it.each(all)('%s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(allowed.has(`${from}>${to}`));
  });

  it('assertTransition throws a ConflictError naming both states', () => {
    expect(() => assertTransition('shipped', 'cancelled')).toThrow(ConflictError);
    expect(() => assertTransition('shipped', 'cancelled')).toThrow(/shipped.*cancelled/);
    expect(() => assertTransition('held', 'approved')).not.toThrow();
  });

  it('rejects unknown states', () => {
    expect(canTransition('bogus' as OrderStatus, 'cancelled')).toBe(false);
  });

  it.each([
    ['submitted', true],
    ['confirmed', true],
    ['shipped', false],
    ['delivered', false],
    ['rejected', false],
    ['cancelled', false],
  ] as const)('%s open → %s', (status, open) => expect(isOpenStatus(status)).toBe(open));

  it.each([
    ['cancelled', true],
    ['rejected', true],
    ['held', true],
    ['shipped', false],
    ['approved', false],
  ] as const)('entering %s releases reservation → %s', (status, expected) => expect(releasesReservation(status)).toBe(expected));

  it.each([
    ['cancelled', true],
    ['rejected', true],
    ['held', false],
  ] as const)('entering %s gives promotion budgets back → %s', (status, expected) => expect(releasesRedemptions(status)).toBe(expected));
});
