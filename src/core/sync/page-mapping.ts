import type { CanonicalEntity, Page, RecordOrigin } from '../../connectors/contract.js';
import { canonicalKeys, canonicalSchemas } from './canonical.js';

export interface SyncIssue {
  file?: string | undefined;
  row?: number | undefined;
  /** The record's key values, when the origin has no file/row (API and SQL sources). */
  key?: string | undefined;
  field?: string | undefined;
  message: string;
  value?: unknown;
}

export type RecordMapper = (record: Record<string, unknown>) => { value: Record<string, unknown> | null; issues: Array<{ field: string; message: string; value?: unknown }> };

export interface MappedPage {
  /** Valid canonical records, at most one per natural key. */
  records: Record<string, unknown>[];
  /** Origin of each record in `records`, for issues raised while writing. */
  origins: Array<RecordOrigin & { key: string }>;
  issues: SyncIssue[];
  rejected: number;
}

function keyOf(fields: readonly string[], record: Record<string, unknown>): string {
  let key = String(record[fields[0]!] ?? '');
  for (let i = 1; i < fields.length; i++) key += `|${String(record[fields[i]!] ?? '')}`;
  return key;
}

/**
 * Maps and validates one page: a record with any problem is rejected with its issues (file,
 * row, field), the others go on. Within a page the last record for a key wins — a key must
 * not be written twice by one statement — and the earlier one is reported.
 */
export function mapPage(entity: CanonicalEntity, page: Page, mapper: RecordMapper): MappedPage {
  const issues: SyncIssue[] = (page.rejected ?? []).map((r) => ({ file: r.file, row: r.row, message: r.message }));
  let rejected = issues.length;
  // key → position in records/origins; this loop runs once per source record, so no spreads.
  const byKey = new Map<string, number>();
  const records: Record<string, unknown>[] = [];
  const origins: Array<RecordOrigin & { key: string }> = [];
  const superseded: number[] = [];
  const schema = canonicalSchemas[entity];
  const keyFields = canonicalKeys[entity];

  for (let index = 0; index < page.records.length; index++) {
    const origin = page.origins?.[index];
    const mapped = mapper(page.records[index]!);
    if (!mapped.value || mapped.issues.length > 0) {
      rejected++;
      for (const issue of mapped.issues) issues.push({ file: origin?.file, row: origin?.row, field: issue.field, message: issue.message, value: issue.value });
      continue;
    }
    const parsed = schema.safeParse(mapped.value);
    if (!parsed.success) {
      rejected++;
      for (const issue of parsed.error.issues) {
        const field = issue.path.join('.');
        issues.push({ file: origin?.file, row: origin?.row, field, message: issue.message, value: mapped.value[field] });
      }
      continue;
    }
    const key = keyOf(keyFields, parsed.data);
    const earlier = byKey.get(key);
    if (earlier !== undefined) {
      rejected++;
      superseded.push(earlier);
      const first = origins[earlier]!;
      issues.push({ file: first.file, row: first.row, key: first.key, message: `duplicate key ${key}; the later record${origin?.row ? ` (row ${origin.row})` : ''} replaces it` });
    }
    byKey.set(key, records.length);
    records.push(parsed.data);
    origins.push({ file: origin?.file, row: origin?.row, key });
  }
  if (superseded.length === 0) return { records, origins, issues, rejected };
  const dropped = new Set(superseded);
  return { records: records.filter((_, i) => !dropped.has(i)), origins: origins.filter((_, i) => !dropped.has(i)), issues, rejected };
}
