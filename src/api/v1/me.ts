import { z } from 'zod';
import type { RouteModule } from '../../core/http/server.js';
import { authErrors } from '../schemas.js';

const meResponse = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('admin'), credential: z.object({ id: z.number(), label: z.string() }) }),
  z.object({
    kind: z.literal('dealer'),
    dealer: z.object({ code: z.string(), name: z.string() }),
    credential: z.object({ id: z.number(), label: z.string() }),
  }),
]);

/** The first call a partner's IT makes with a new token: who am I? */
export const meRoutes: RouteModule = {
  prefix: '/v1',
  audience: 'any',
  register(app) {
    app.get(
      '/me',
      { schema: { summary: 'Who the caller is', tags: ['v1'], response: { 200: meResponse, ...authErrors } } },
      async (request) => {
        const principal = request.principal!;
        const credential = { id: principal.credentialId, label: principal.label };
        if (principal.kind === 'admin') return { kind: 'admin' as const, credential };
        return { kind: 'dealer' as const, dealer: { code: principal.dealerCode, name: principal.dealerName }, credential };
      },
    );
  },
};
