import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { RouteModule } from '../../core/http/server.js';
import { syncDemoUsers } from '../../portal/accounts.js';
import { serviceIndexRoutes } from '../service-index.js';

/** Beside this module: src/portal/web from source, dist/portal/web once built (scripts/copy-assets.mjs). */
export const WEB_ROOT = fileURLToPath(new URL('../../portal/web/', import.meta.url));

/**
 * The portal's page at / for browsers (plain HTML, CSS and ES modules; no build step); other
 * clients of / keep the small JSON index, as does everyone with the portal disabled. The demo's
 * portal users are made to match the config before the server takes requests.
 */
export const portalStaticRoutes: RouteModule = {
  prefix: '',
  audience: 'public',
  register(app, deps) {
    const { config, store } = deps;
    serviceIndexRoutes.register(app, deps);
    if (!config.portal.enabled) return;
    // Every file is routed at start (wildcard: false), so an unknown path stays the API's JSON 404.
    void app.register(fastifyStatic, { root: WEB_ROOT, prefix: '/', wildcard: false, index: false, cacheControl: true, maxAge: 0 });
    // A browser asking for / gets the page; an API client (curl, Accept: */* or JSON) keeps the JSON index.
    app.addHook('onRequest', async (request, reply) => {
      if (request.method !== 'GET' || request.url.split('?')[0] !== '/') return;
      if (!/\btext\/html\b/.test(request.headers.accept ?? '')) return;
      return reply.sendFile('index.html');
    });
    app.addHook('onReady', async () => {
      await syncDemoUsers(store, config.demo.enabled, config.portal.demoUsers, config.portal.scryptCost);
    });
  },
};
