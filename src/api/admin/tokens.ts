import { z } from 'zod';
import { issueToken, revokeToken } from '../../core/auth/tokens.js';
import type { RouteModule } from '../../core/http/server.js';
import { authErrors, errorResponse } from '../schemas.js';

const tokenRow = z.object({
  id: z.number(),
  kind: z.enum(['admin', 'dealer']),
  dealer: z.string().nullable(),
  prefix: z.string(),
  label: z.string(),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});

/** API tokens: the plaintext is returned once, at creation; only its digest is stored. */
export const adminTokenRoutes: RouteModule = {
  prefix: '/admin',
  audience: 'admin',
  register(app, { store }) {
    app.get(
      '/tokens',
      { schema: { summary: 'API tokens (never their values)', tags: ['admin'], response: { 200: z.object({ items: z.array(tokenRow) }), ...authErrors } } },
      async () => {
        const { rows } = await store.query<z.infer<typeof tokenRow>>(
          `SELECT c.id, c.kind, d.code AS dealer, c.token_prefix AS prefix, c.label, c.created_at AS "createdAt",
                  c.last_used_at AS "lastUsedAt", c.revoked_at AS "revokedAt"
             FROM api_credentials c LEFT JOIN dealers d ON d.id = c.dealer_id ORDER BY c.id`,
        );
        return { items: rows };
      },
    );
    app.post(
      '/tokens',
      {
        schema: {
          summary: 'Create a token for a dealer (or an admin token when no dealer is given)',
          tags: ['admin'],
          body: z.object({ dealer: z.string().min(1).max(64).optional(), label: z.string().max(200).default('') }).strict(),
          response: { 201: z.object({ id: z.number(), token: z.string(), prefix: z.string() }), 404: errorResponse, ...authErrors },
        },
      },
      async (request, reply) => {
        const { dealer, label } = request.body;
        const issued = await issueToken(store, dealer ? { kind: 'dealer', dealerCode: dealer, label } : { kind: 'admin', label });
        return reply.code(201).send(issued);
      },
    );
    app.delete(
      '/tokens/:id',
      { schema: { summary: 'Revoke a token', tags: ['admin'], params: z.object({ id: z.coerce.number().int().positive() }), response: { 204: z.null(), 404: errorResponse, ...authErrors } } },
      async (request, reply) => {
        await revokeToken(store, request.params.id);
        request.server.principals.forgetCredential(request.params.id);
        return reply.code(204).send(null);
      },
    );
  },
};
