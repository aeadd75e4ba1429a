/**
 * EDI parsing benchmark (issue 7): a generated, deterministic ~10 MB X12 interchange (1,000 × 850
 * with 100 PO1 lines each) parsed by three readers in the same run, on the same string:
 *
 * - ours: `parseX12` (delimiters from the ISA, envelope and control counts checked, element
 *   validation on) + `purchaseOrdersFromX12` (every 850 into a `PurchaseOrder`);
 * - node-x12's `X12Parser` (strict), the independent parser the tests re-parse our output with;
 * - a bare tokenizer: `split` on the segment terminator, then on the element separator, reading
 *   every element's length — no envelope, no checks, no objects. The floor any reader pays.
 *
 * Method: the text is decoded once (as a file read would be); warm-up rounds, then REPS rounds, each
 * running the three readers once, in turn (so drift hits all three alike), each after a full
 * garbage collection (so no reader pays for another's garbage); figures are medians of the
 * per-round wall-clock times, with the process CPU times (GC helper threads included) beside them.
 * MB = 10^6 characters (the text is ASCII, so characters = bytes). Each round checks what the
 * reader found (orders, lines, quantities, segments) so a broken reader cannot look fast.
 * Writes bench/results/edi.json.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { purchaseOrdersFromX12 } from '../src/edi/x12/850.js';
import { decodeX12 } from '../src/edi/x12/decode.js';
import { parseX12 } from '../src/edi/x12/envelope.js';
import type { SummaryRow } from './table.js';
import { mulberry32 } from '../src/core/seeded-random.js';

const ORDERS = Number(process.env.BENCH_EDI_ORDERS ?? 1_000);
const LINES = Number(process.env.BENCH_EDI_LINES ?? 100);
const REPS = Number(process.env.BENCH_EDI_REPS ?? 9);
const WARMUP = Number(process.env.BENCH_EDI_WARMUP ?? 3);
const GOAL_VS_TOKENIZER = 0.5;
const GOAL_VS_NODE_X12 = 3;

// node-x12 is CommonJS (a devDependency).
const require = createRequire(import.meta.url);
const { X12Parser } = require('node-x12') as {
  X12Parser: new (strict?: boolean) => { parse(edi: string): { functionalGroups: Array<{ transactions: Array<{ segments: unknown[] }> }> } };
};

const STREETS = ['MAIN STREET', 'INDUSTRIAL PARKWAY', 'COMMERCE DRIVE', 'HARBOR ROAD', 'WEST 12TH AVENUE'];
const CITIES: Array<[string, string, string]> = [['SPRINGFIELD', 'IL', '62701'], ['COLUMBUS', 'OH', '43215'], ['AUSTIN', 'TX', '73301'], ['DENVER', 'CO', '80202'], ['TACOMA', 'WA', '98402']];
const NOUNS = ['CORDLESS DRILL 18V BRUSHLESS', 'IMPACT DRIVER 1/4 HEX', 'CIRCULAR SAW 7-1/4 IN', 'LED WORK LIGHT 3000LM', 'GARDEN HOSE 50FT HEAVY DUTY', 'EXTENSION CORD 25FT 12AWG', 'SAFETY GLASSES ANTI-FOG CLEAR', 'PAINT ROLLER KIT 9 IN'];
const UNITS = ['EA', 'EA', 'EA', 'CA', 'BX', 'PK'];
const pad = (v: string | number, n: number) => String(v).padStart(n, '0');

/** 12-digit UPC-A with its check digit. */
function upc(n: number): string {
  const body = `0${pad(n % 1e10, 10)}`;
  let sum = 0;
  for (let i = 0; i < 11; i++) sum += Number(body[i]) * (i % 2 === 0 ? 3 : 1);
  return body + ((10 - (sum % 10)) % 10);
}

export interface EdiWorkload {
  text: string;
  orders: number;
  lines: number;
  segments: number;
  /** Σ PO102 over the file (checked against what each reader found). */
  quantity: number;
}

/** The benchmark's input: ISA/GS, ORDERS × 850 (LINES PO1 + PID each), GE/IEA; "~" + LF after each segment. */
export function ediWorkload(orders = ORDERS, lines = LINES): EdiWorkload {
  const rand = mulberry32(850);
  const segs: string[] = [];
  segs.push('ISA*00*          *00*          *ZZ*CHAINSTORE     *ZZ*DEALERHUB      *260115*0930*U*00401*000004711*0*P*>');
  segs.push(`GS*PO*CHAINSTORE*DEALERHUB*20260115*0930*4711*X*004010VICS`);
  let quantity = 0;
  for (let o = 1; o <= orders; o++) {
    const st = pad(o, 4);
    const first = segs.length;
    const store = 100 + Math.floor(rand() * 900);
    const [city, state, zip] = CITIES[o % CITIES.length]!;
    segs.push(`ST*850*${st}`);
    segs.push(`BEG*00*SA*PO${pad(o, 7)}**202601${pad(1 + (o % 28), 2)}`);
    segs.push(`REF*DP*${pad(store % 100, 3)}`);
    segs.push(`REF*IA*VEND${pad(7781 + (o % 13), 6)}`);
    segs.push(`DTM*002*202602${pad(1 + (o % 28), 2)}`);
    segs.push(`N1*ST*STORE ${store} CHAIN MARKET*92*${pad(store, 4)}`);
    segs.push(`N3*${100 + (o % 900)} ${STREETS[o % STREETS.length]}`);
    segs.push(`N4*${city}*${state}*${zip}*US`);
    segs.push(`N1*BT*CHAIN MARKET INC ACCOUNTS PAYABLE*UL*0614141${pad(o % 100000, 6)}`);
    segs.push(`N3*PO BOX ${1000 + (o % 9000)}`);
    segs.push(`N4*BENTONVILLE*AR*72712*US`);
    let sum = 0;
    for (let l = 1; l <= lines; l++) {
      const item = Math.floor(rand() * 20_000);
      const qty = 1 + Math.floor(rand() * 48);
      const cents = 199 + Math.floor(rand() * 49_800);
      sum += qty;
      segs.push(`PO1*${l}*${qty}*${UNITS[item % UNITS.length]}*${Math.floor(cents / 100)}.${pad(cents % 100, 2)}*PE*UP*${upc(700_000_000 + item)}*VN*VN-${pad(item, 6)}`);
      segs.push(`PID*F****${NOUNS[item % NOUNS.length]} ITEM ${pad(item, 5)}`);
    }
    quantity += sum;
    segs.push(`CTT*${lines}*${sum}`);
    segs.push(`SE*${segs.length - first + 1}*${st}`);
  }
  segs.push(`GE*${orders}*4711`);
  segs.push('IEA*1*000004711');
  // Decode from bytes as a file read would (a flat, one-byte string, not a rope).
  const text = decodeX12(Buffer.from(`${segs.join('~\n')}~\n`, 'latin1'));
  return { text, orders, lines: orders * lines, segments: segs.length, quantity };
}

/** The floor: split on terminator and separator, touch every element. Returns a checksum. */
function tokenize(text: string, segment: string, element: string): { segments: number; chars: number } {
  let segments = 0;
  let chars = 0;
  for (const raw of text.split(segment)) {
    if (raw.length <= 1) continue; // the trailing "\n"
    segments++;
    for (const e of raw.split(element)) chars += e.length;
  }
  return { segments, chars };
}

const round = (x: number, places: number) => Number(x.toFixed(places));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** A full GC between readers; `gc` exposed at run time (the bench runs under tsx, without flags). */
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** [wall ms, CPU ms] of one call. */
function timed(fn: () => void): [number, number] {
  collect();
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  return [wall, (c.user + c.system) / 1000];
}

export async function benchEdi(): Promise<Record<string, unknown>> {
  const w = ediWorkload();
  const mb = w.text.length / 1e6;
  console.log(`input: ${w.orders} × 850, ${w.lines} PO1 lines, ${w.segments} segments, ${round(mb, 2)} MB`);

  const ours = () => {
    const orders = purchaseOrdersFromX12(parseX12(w.text));
    let lines = 0;
    let qty = 0;
    for (const { order } of orders) {
      lines += order.lines.length;
      for (const l of order.lines) qty += l.qty;
    }
    if (orders.length !== w.orders || lines !== w.lines || qty !== w.quantity) throw new Error(`ours: ${orders.length} orders, ${lines} lines, qty ${qty}`);
  };
  const nodeX12 = () => {
    const ic = new X12Parser(true).parse(w.text);
    let sets = 0;
    let segs = 0;
    for (const g of ic.functionalGroups) for (const t of g.transactions) (sets++, (segs += t.segments.length));
    // node-x12 keeps ST/SE out of `segments`.
    if (sets !== w.orders || segs !== w.segments - 4 - 2 * w.orders) throw new Error(`node-x12: ${sets} sets, ${segs} segments`);
  };
  const bare = () => {
    const r = tokenize(w.text, '~', '*');
    if (r.segments !== w.segments || r.chars === 0) throw new Error(`tokenizer: ${r.segments} segments`);
  };

  const readers = { ours, nodeX12, tokenizer: bare } as const;
  const load = loadavg()[0]!;
  const times: Record<keyof typeof readers, number[]> = { ours: [], nodeX12: [], tokenizer: [] };
  const cpu: Record<keyof typeof readers, number[]> = { ours: [], nodeX12: [], tokenizer: [] };
  for (let r = 0; r < WARMUP + REPS; r++) {
    for (const [name, fn] of Object.entries(readers) as Array<[keyof typeof readers, () => void]>) {
      const [ms, cpuMs] = timed(fn);
      if (r < WARMUP) continue;
      times[name].push(ms);
      cpu[name].push(cpuMs);
    }
  }
  const mbps = (name: keyof typeof readers, of = times) => round(mb / (median(of[name]) / 1000), 1);
  const figures = { ours: mbps('ours'), nodeX12: mbps('nodeX12'), tokenizer: mbps('tokenizer') };
  const cpuFigures = { ours: mbps('ours', cpu), nodeX12: mbps('nodeX12', cpu), tokenizer: mbps('tokenizer', cpu) };
  for (const [name, v] of Object.entries(figures)) console.log(`${name}: ${v} MB/s (median of ${REPS}; by CPU time ${cpuFigures[name as keyof typeof readers]} MB/s)`);

  const vsNodeX12 = round(figures.ours / figures.nodeX12, 2);
  const vsTokenizer = round(figures.ours / figures.tokenizer, 3);
  const summary: SummaryRow[] = [
    { figure: 'EDI X12 read + 850 decode, 10 MB (baseline: split-only tokenizer)', value: figures.ours, unit: 'MB/s', baseline: figures.tokenizer, ratio: vsTokenizer, goal: `≥ ${GOAL_VS_TOKENIZER} × baseline`, pass: vsTokenizer >= GOAL_VS_TOKENIZER },
    { figure: 'EDI X12 read + 850 decode, 10 MB (baseline: node-x12 parser)', value: figures.ours, unit: 'MB/s', baseline: figures.nodeX12, ratio: vsNodeX12, goal: `≥ ${GOAL_VS_NODE_X12} × baseline`, pass: vsNodeX12 >= GOAL_VS_NODE_X12 },
  ];
  const result = {
    mbPerSecond: figures.ours,
    vsNodeX12,
    vsTokenizer,
    goals: { vsNodeX12: GOAL_VS_NODE_X12, vsTokenizer: GOAL_VS_TOKENIZER },
    met: vsNodeX12 >= GOAL_VS_NODE_X12 && vsTokenizer >= GOAL_VS_TOKENIZER,
    mbPerSecondNodeX12: figures.nodeX12,
    mbPerSecondTokenizer: figures.tokenizer,
    medianMs: { ours: round(median(times.ours), 1), nodeX12: round(median(times.nodeX12), 1), tokenizer: round(median(times.tokenizer), 1) },
    runsMs: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.map((x) => round(x, 1))])),
    /** The same figures by process CPU time (GC helper threads included). */
    byCpuTime: { mbPerSecond: cpuFigures.ours, vsNodeX12: round(cpuFigures.ours / cpuFigures.nodeX12, 2), vsTokenizer: round(cpuFigures.ours / cpuFigures.tokenizer, 3), mbPerSecondNodeX12: cpuFigures.nodeX12, mbPerSecondTokenizer: cpuFigures.tokenizer },
    /** 1-minute load average before and after (the machine is shared; > cores means contention). */
    loadAverage: { before: round(load, 2), after: round(loadavg()[0]!, 2), cores: cpus().length },
    input: { bytes: w.text.length, megabytes: round(mb, 3), orders: w.orders, linesPerOrder: LINES, segments: w.segments, terminator: '~ + LF', elementSeparator: '*' },
    repetitions: REPS,
    warmupRounds: WARMUP,
    method:
      'same string for all three; each round runs ours, node-x12, tokenizer once in turn, each after a full GC; figures = median per-round wall time; MB = 10^6 characters; ours = parseX12 + purchaseOrdersFromX12 (envelope, counts, element validation, every 850 into a PurchaseOrder); node-x12 = new X12Parser(true).parse; tokenizer = split on "~" then "*", reading every element',
    summary,
    node: process.version,
    measuredAt: new Date().toISOString(),
    machine: `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown cpu'}`,
  };
  writeFileSync(new URL('./results/edi.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

// `tsx bench/edi.ts` runs it alone (profiling: node --cpu-prof --import tsx bench/edi.ts).
if (import.meta.url === `file://${process.argv[1]}`) await benchEdi();
