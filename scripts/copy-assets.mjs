// tsc compiles only TypeScript; the daemon also reads SQL migrations and serves the portal page (src/portal/web)
// next to its modules, so the build copies them into dist/ at the same relative paths.
import { cpSync, statSync } from 'node:fs';

const ASSET = /\.(sql|html|css|js|svg|ico|png|json|yaml)$/;
cpSync('src', 'dist', {
  recursive: true,
  filter: (source) => statSync(source).isDirectory() || (ASSET.test(source) && !source.endsWith('.d.ts')),
});
