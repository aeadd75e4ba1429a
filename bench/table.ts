/**
 * Every benchmark in one table (issue 10): reads bench/results/*.json and prints one row per
 * figure — value, the baseline measured in the same run, their ratio, the goal, pass/fail.
 * `npm run bench` prints it at the end; `npx tsx bench/table.ts` prints it from the last results.
 *
 * The convention each bench follows (so this file never needs to know a bench): its results JSON
 * carries `summary`, an array of SummaryRow, computed by the bench from its own figures, plus
 * `measuredAt` and `machine`. A results file without `summary` is listed as such, not guessed at.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface SummaryRow {
  /** What is measured, in words: "order API throughput, uniform SKUs". */
  figure: string;
  value: number;
  /** "orders/s", "ms", "rows/s"… */
  unit: string;
  /** The same figure for the baseline measured in the same run (e.g. bare SQL); null when there is none. */
  baseline: number | null;
  /** value ÷ baseline (always that way round, whichever direction is better); null without a baseline. */
  ratio: number | null;
  /** The goal in words, as the issue states it: "≥ 0.4 × baseline", "≤ 50 ms", "0"; null for a figure only reported. */
  goal: string | null;
  /** Whether the goal is met; null when there is no goal. */
  pass: boolean | null;
}

/** value ÷ baseline to 3 significant decimals, or null. */
export function ratioOf(value: number, baseline: number | null | undefined): number | null {
  return baseline ? Number((value / baseline).toFixed(3)) : null;
}

interface ResultFile {
  name: string;
  summary?: SummaryRow[];
  measuredAt?: string;
  machine?: string;
}

export function readResults(dir = new URL('./results/', import.meta.url)): ResultFile[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return files.map((file) => {
    const name = file.replace(/\.json$/, '');
    try {
      const parsed = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Omit<ResultFile, 'name'>;
      return { name, summary: Array.isArray(parsed.summary) ? parsed.summary : undefined, measuredAt: parsed.measuredAt, machine: parsed.machine };
    } catch {
      return { name };
    }
  });
}

const number = (n: number | null | undefined): string => {
  if (n === null || n === undefined) return '—';
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toFixed(3);
};

/** The table as Markdown (it reads in a terminal and pastes into the README as it is). */
export function renderTable(results: ResultFile[]): string {
  const header = ['bench', 'figure', 'value', 'baseline (same run)', 'ratio', 'goal', 'pass'];
  const rows: string[][] = [];
  const machines = new Set<string>();
  for (const result of results) {
    if (result.machine) machines.add(result.machine);
    if (!result.summary) {
      rows.push([result.name, '(no summary in its results file)', '', '', '', '', '']);
      continue;
    }
    for (const row of result.summary) {
      rows.push([
        result.name,
        row.figure,
        `${number(row.value)} ${row.unit}`,
        row.baseline === null ? '—' : `${number(row.baseline)} ${row.unit}`,
        row.ratio === null ? '—' : `${number(row.ratio)}×`,
        row.goal ?? '—',
        row.pass === null ? '—' : row.pass ? 'pass' : '**FAIL**',
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const judged = results.flatMap((r) => r.summary ?? []).filter((r) => r.pass !== null);
  const passed = judged.filter((r) => r.pass).length;
  const total = judged.length;
  const when = results.map((r) => r.measuredAt).filter(Boolean).sort();
  return [
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
    '',
    `${passed} of ${total} figures meet their goal. Machine: ${[...machines].join('; ') || 'unknown'}${when.length ? `; measured ${when[0]!.slice(0, 10)}${when.at(-1)!.slice(0, 10) !== when[0]!.slice(0, 10) ? ` to ${when.at(-1)!.slice(0, 10)}` : ''}` : ''}.`,
  ].join('\n');
}

export function printTable(): void {
  console.log(`\n== all benchmarks (bench/results/*.json)\n\n${renderTable(readResults())}`);
}

if (import.meta.url === `file://${process.argv[1]}`) printTable();
