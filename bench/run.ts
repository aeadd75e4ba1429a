/** `npm run bench`: every benchmark, one after another; each writes bench/results/<name>.json. */
import { benchEdi } from './edi.js';
import { benchForecast } from './forecast.js';
import { benchOrder } from './order.js';
import { benchPromotions } from './promotions.js';
import { benchSync } from './sync.js';
import { printTable } from './table.js';

const benches: Record<string, () => Promise<Record<string, unknown> | null>> = { sync: benchSync, order: benchOrder, promotions: benchPromotions, forecast: benchForecast, edi: benchEdi };
const only = process.argv.slice(2);
for (const [name, bench] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`\n== ${name}`);
  const result = await bench();
  if (result) console.log(JSON.stringify(result, null, 2));
}
// One table over every results file (this run's and earlier ones'): figure, baseline, ratio, goal, pass.
printTable();
