/**
 * Sums quantity fields over records that share a key (stock split by storage location or bin
 * → one row per sku × warehouse × lot). The first record of a group supplies the other fields.
 */
import type { SourceRecord } from '../contract.js';
import { sumDecimals } from './decimal.js';

export interface AggregateSpec {
  /** Fields (paths `a.b` allowed) that identify a group. */
  by: readonly string[];
  /** Top-level decimal fields summed exactly. */
  sum: readonly string[];
}

export function fieldAt(record: unknown, path: string): unknown {
  if (record && typeof record === 'object' && path in (record as object)) return (record as Record<string, unknown>)[path];
  let value: unknown = record;
  for (const part of path.split('.')) {
    if (!value || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

export function groupKey(record: SourceRecord, by: readonly string[]): string {
  return JSON.stringify(by.map((field) => fieldAt(record, field) ?? null));
}

/** Adds `record` into `group` (a copy of the group's first record), summing `spec.sum`. */
export function addToGroup(group: SourceRecord, record: SourceRecord, spec: AggregateSpec): SourceRecord {
  const merged: SourceRecord = { ...group };
  for (const field of spec.sum) {
    const a = fieldAt(group, field);
    const b = fieldAt(record, field);
    const values = [a, b].filter((v): v is string | number => typeof v === 'string' || typeof v === 'number');
    merged[field] = values.length > 0 ? sumDecimals(values) : a;
  }
  return merged;
}

/** Groups an entire record set (order of first appearance kept). */
export function aggregate(records: readonly SourceRecord[], spec: AggregateSpec): SourceRecord[] {
  const groups = new Map<string, SourceRecord>();
  for (const record of records) {
    const key = groupKey(record, spec.by);
    const group = groups.get(key);
    groups.set(key, group ? addToGroup(group, record, spec) : { ...record });
  }
  return [...groups.values()];
}
