/** `npm run bench`: every benchmark, one after another; each writes bench/results/<name>.json. */
import { benchOrder } from './order.js';
import { benchPromotions } from './promotions.js';
import { benchSync } from './sync.js';

const benches: Record<string, () => Promise<Record<string, unknown> | null>> = { sync: benchSync, order: benchOrder, promotions: benchPromotions };
const only = process.argv.slice(2);
for (const [name, bench] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`\n== ${name}`);
  const result = await bench();
  if (result) console.log(JSON.stringify(result, null, 2));
}
