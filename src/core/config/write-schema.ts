import { realpathSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { JSON_SCHEMA_FILE, renderJsonSchema } from './json-schema.js';

export { buildJsonSchema, renderJsonSchema, JSON_SCHEMA_FILE } from './json-schema.js';

/** Regenerates `config/dealer-hub.schema.json`; run after changing schema.ts (a test fails while it is stale). */
export function writeJsonSchema(file: string = JSON_SCHEMA_FILE): string {
  writeFileSync(file, renderJsonSchema());
  return file;
}

// Runs only as `npm run schema`, so importing this module (a test) writes nothing.
const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(realpathSync(entry)).href) {
  console.log(`wrote ${writeJsonSchema()}`);
}
