/**
 * The `file` connector's options: a folder and named streams, each reading the files whose
 * names match a pattern. Validated once (`.strict()`, no transforms, so the config's JSON
 * Schema can be generated from it); `resolveStreams` then fills in what is inferred.
 */
import path from 'node:path';
import { z } from 'zod';
import type { CanonicalEntity } from '../contract.js';

export const CANONICAL_ENTITIES = [
  'regions', 'dealers', 'dealer_regions', 'ship_tos', 'products', 'prices', 'warehouses', 'stock_lots', 'credit_accounts', 'ar_open_items',
  'promotions', 'coupons',
] as const satisfies readonly CanonicalEntity[];

export const FILE_FORMATS = ['csv', 'xlsx', 'json', 'yaml'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/** Labels `TextDecoder` accepts (WHATWG encodings: utf-8, gbk, gb18030, big5, utf-16le …). */
function isKnownEncoding(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

const csvSchema = z
  .object({
    delimiter: z.string().min(1).max(4).default(',').describe('Field delimiter, e.g. ";" or "\\t".'),
    quote: z.string().length(1).default('"').describe('Quote character.'),
    encoding: z
      .string()
      .default('utf-8')
      .refine(isKnownEncoding, { message: 'unknown encoding; use a WHATWG label such as utf-8, gbk, gb18030, big5 or utf-16le' })
      .describe('Text encoding of the file (utf-8, gbk, gb18030, big5, utf-16le, …). A byte-order mark is removed.'),
  })
  .strict();

const streamSchema = z
  .object({
    pattern: z
      .string()
      .min(1)
      .refine((p) => !p.includes('/') && !p.includes('\\'), { message: 'a file name pattern inside the folder, without "/"' })
      .describe('File names to read, with * and ? wildcards (case-insensitive), e.g. "products*.csv".'),
    entity: z.enum(CANONICAL_ENTITIES).describe('Canonical table the records feed.'),
    mode: z.enum(['incremental', 'snapshot']).optional().describe('Default incremental (snapshot for stock_lots): snapshot reads only the newest matching file.'),
    format: z.enum(FILE_FORMATS).optional().describe('Default: from the pattern\'s extension (.csv, .txt, .tsv, .xlsx, .json, .yaml, .yml).'),
    csv: csvSchema.optional(),
    sheet: z.union([z.string().min(1), z.number().int().min(1)]).optional().describe('XLSX: sheet name, or 1-based position; default the first sheet.'),
    headerRow: z.number().int().min(1).optional().describe('XLSX: the row holding the column names (default 1); rows above it are ignored.'),
    jsonPath: z
      .string()
      .min(1)
      .optional()
      .describe('JSON and YAML: dotted path to the list of records, e.g. "data.accounts"; default the top-level list.'),
  })
  .strict();

export const fileOptionsSchema = z
  .object({
    folder: z.string().min(1).describe('Folder the files are dropped into, relative to the working directory.'),
    pageSize: z.number().int().min(1).max(100_000).default(5000).describe('Records per page (one transaction each).'),
    streams: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'stream names are lower-case letters, digits, _ and -'), streamSchema),
  })
  .strict()
  .superRefine((options, ctx) => {
    if (Object.keys(options.streams).length === 0) ctx.addIssue({ code: 'custom', path: ['streams'], message: 'at least one stream is needed' });
    for (const [name, stream] of Object.entries(options.streams)) {
      const at = (key: string) => ['streams', name, key];
      const format = stream.format ?? inferFormat(stream.pattern);
      if (!format) {
        ctx.addIssue({ code: 'custom', path: at('format'), message: `cannot tell the format from "${stream.pattern}"; set format: ${FILE_FORMATS.join('|')}` });
        continue;
      }
      if (stream.csv && format !== 'csv') ctx.addIssue({ code: 'custom', path: at('csv'), message: `csv options apply to csv streams; this one is ${format}` });
      for (const key of ['sheet', 'headerRow'] as const) {
        if (stream[key] !== undefined && format !== 'xlsx') ctx.addIssue({ code: 'custom', path: at(key), message: `${key} applies to xlsx streams; this one is ${format}` });
      }
      if (stream.jsonPath !== undefined && format !== 'json' && format !== 'yaml') {
        ctx.addIssue({ code: 'custom', path: at('jsonPath'), message: `jsonPath applies to json and yaml streams; this one is ${format}` });
      }
    }
  });

export type FileOptions = z.infer<typeof fileOptionsSchema>;

/** A stream with every default and inference applied. */
export interface FileStream {
  name: string;
  pattern: string;
  entity: CanonicalEntity;
  mode: 'incremental' | 'snapshot';
  format: FileFormat;
  csv: { delimiter: string; quote: string; encoding: string };
  /** XLSX sheet name or 1-based position; undefined = the first sheet. */
  sheet: string | number | undefined;
  headerRow: number;
  jsonPath: string | undefined;
}

const EXTENSIONS: Record<string, FileFormat> = { csv: 'csv', txt: 'csv', tsv: 'csv', xlsx: 'xlsx', json: 'json', yaml: 'yaml', yml: 'yaml' };

export function inferFormat(pattern: string): FileFormat | undefined {
  const match = /\.([a-z0-9]+)$/i.exec(pattern);
  return match ? EXTENSIONS[match[1]!.toLowerCase()] : undefined;
}

export function resolveStreams(options: FileOptions): FileStream[] {
  return Object.entries(options.streams).map(([name, s]) => {
    const format = s.format ?? inferFormat(s.pattern) ?? 'csv';
    const tsv = /\.tsv$/i.test(s.pattern);
    return {
      name,
      pattern: s.pattern,
      entity: s.entity,
      mode: s.mode ?? (s.entity === 'stock_lots' ? 'snapshot' : 'incremental'),
      format,
      csv: { delimiter: s.csv?.delimiter ?? (tsv ? '\t' : ','), quote: s.csv?.quote ?? '"', encoding: s.csv?.encoding ?? 'utf-8' },
      sheet: s.sheet,
      headerRow: s.headerRow ?? 1,
      jsonPath: s.jsonPath,
    };
  });
}

/** The folder as an absolute path: relative folders are read from the working directory. */
export function resolveFolder(options: FileOptions): string {
  return path.resolve(options.folder);
}
