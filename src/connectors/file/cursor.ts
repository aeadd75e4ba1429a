/**
 * File stream cursors. A cursor is the position just after a page: the file it came from
 * (name, mtime, size — together the file's version) and the last row consumed in it; `eof`
 * says that row was the file's last. Files are read in (mtime, name) order, so everything
 * ordered before the cursor's file has been read.
 */
import { z } from 'zod';
import { UserError } from '../../core/errors.js';
import type { Cursor } from '../contract.js';
import { compareFiles, type FileEntry } from './files.js';

export interface FilePosition {
  file: string;
  mtimeMs: number;
  size: number;
  /** Last row consumed (the spreadsheet row for CSV/XLSX, the 1-based element for JSON). */
  row: number;
  eof: boolean;
}

const positionSchema = z.object({
  file: z.string().min(1),
  mtimeMs: z.number(),
  size: z.number().int().min(0),
  row: z.number().int().min(0),
  eof: z.boolean().default(false),
});

export function parseCursor(cursor: Cursor | null): FilePosition | null {
  if (cursor === null) return null;
  const parsed = positionSchema.safeParse(cursor);
  if (!parsed.success) throw new UserError(`not a file connector cursor: ${JSON.stringify(cursor)}`, { code: 'invalid_cursor' });
  return parsed.data;
}

export function positionCursor(file: FileEntry, row: number, eof: boolean): FilePosition & { [key: string]: Cursor } {
  return { file: file.name, mtimeMs: file.mtimeMs, size: file.size, row, eof };
}

/** A file to read and the rows already consumed in it (skip rows ≤ afterRow). */
export interface FilePlan {
  file: FileEntry;
  afterRow: number;
}

const sameVersion = (file: FileEntry, position: FilePosition) =>
  file.name === position.file && file.mtimeMs === position.mtimeMs && file.size === position.size;

/**
 * What is left to read after `position`, given the matching files in (mtime, name) order.
 * incremental: files ordered after the position, plus the rest of the position's file when
 * unchanged; a changed version of that file (mtime or size differ) is read from the start.
 * snapshot: only the newest file, resumed within it when it is the position's unchanged file.
 */
export function planFiles(files: readonly FileEntry[], position: FilePosition | null, mode: 'incremental' | 'snapshot'): FilePlan[] {
  const candidates = mode === 'snapshot' ? files.slice(-1) : files;
  const plan: FilePlan[] = [];
  for (const file of candidates) {
    if (!position) {
      plan.push({ file, afterRow: 0 });
    } else if (sameVersion(file, position)) {
      if (!position.eof) plan.push({ file, afterRow: position.row });
    } else if (mode === 'snapshot' || file.name === position.file || compareFiles(file, { mtimeMs: position.mtimeMs, name: position.file }) > 0) {
      plan.push({ file, afterRow: 0 });
    }
  }
  return plan;
}
