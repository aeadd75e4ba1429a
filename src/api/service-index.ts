import { z } from 'zod';
import type { RouteModule } from '../core/http/server.js';

/** What the printed URL shows until the dealer portal is served here: where to go next. */
export const serviceIndexRoutes: RouteModule = {
  prefix: '',
  audience: 'public',
  register(app, { version }) {
    app.get(
      '/',
      {
        schema: {
          hide: true,
          response: { 200: z.object({ service: z.string(), version: z.string(), links: z.record(z.string(), z.string()) }) },
        },
      },
      async () => ({
        service: 'dealer-hub',
        version,
        links: { openapi: '/openapi.json', me: '/v1/me', health: '/healthz', ready: '/readyz', metrics: '/metrics' },
      }),
    );
  },
};
