/** Which files a stream reads: regular files in the folder whose names match its pattern. */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export interface FileEntry {
  /** The file's name inside the folder (what cursors and origins record). */
  name: string;
  /** Absolute path. */
  path: string;
  mtimeMs: number;
  size: number;
}

/** `*` any run of characters, `?` one character; the whole name, case-insensitive. */
export function patternToRegExp(pattern: string): RegExp {
  const body = [...pattern]
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'i');
}

/** Office lock files (`~$stock.xlsx`) and hidden files are never data. */
const isIgnored = (name: string) => name.startsWith('~$') || name.startsWith('.');

/** Matching files in (mtime, name) order: the order they are read in, oldest first. */
export async function listMatches(folder: string, pattern: string): Promise<FileEntry[]> {
  const matcher = patternToRegExp(pattern);
  const entries = await readdir(folder, { withFileTypes: true });
  const files: FileEntry[] = [];
  for (const entry of entries) {
    if (isIgnored(entry.name) || !matcher.test(entry.name)) continue;
    const full = path.join(folder, entry.name);
    // A file removed between readdir and stat is simply not there any more.
    const info = await stat(full).catch(() => null);
    if (info?.isFile()) files.push({ name: entry.name, path: full, mtimeMs: info.mtimeMs, size: info.size });
  }
  return files.sort(compareFiles);
}

export function compareFiles(a: { mtimeMs: number; name: string }, b: { mtimeMs: number; name: string }): number {
  return a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** How a file is named in messages: relative to the working directory when inside it. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
