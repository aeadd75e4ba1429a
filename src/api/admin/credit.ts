import { z } from 'zod';
import { NotFoundError } from '../../core/errors.js';
import type { HttpDeps, RouteModule } from '../../core/http/server.js';
import { approveProposal, rejectProposal, type ChangeContext } from '../../credit/changes.js';
import { creditView, reviewCredit, type CreditReviewSettings } from '../../credit/review.js';
import { authErrors, errorResponse } from '../schemas.js';

const change = z.object({
  id: z.number(),
  status: z.string(),
  currency: z.string(),
  oldLimit: z.string(),
  newLimit: z.string(),
  score: z.number().nullable(),
  band: z.string().nullable(),
  reason: z.string(),
  factors: z.unknown(),
  actor: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  comment: z.string().nullable(),
  createdAt: z.string(),
});

const factor = z.object({ factor: z.string(), value: z.number().nullable(), subScore: z.number(), weight: z.number(), contribution: z.number(), detail: z.record(z.string(), z.unknown()) });

const view = z.object({
  dealer: z.string(),
  currency: z.string(),
  exposure: z.object({
    limit: z.string(), arOpen: z.string(), openOrders: z.string(), exposure: z.string(), available: z.string(), overdue: z.string(), oldestOverdueDays: z.number(),
  }),
  suggestion: z.object({
    score: z.number(), band: z.string(), months: z.number(), factors: z.array(factor), currentLimit: z.string(), base: z.string(), suggestedLimit: z.string(),
    bounded: z.array(z.string()), changePercent: z.number().nullable(), decision: z.enum(['none', 'apply', 'propose']),
  }),
  openProposal: change.nullable(),
  changes: z.array(change),
});

const dealerParams = z.object({ dealer: z.string().min(1).max(64) });
const proposalParams = dealerParams.extend({ id: z.coerce.number().int().positive() });

export function creditSettings(config: HttpDeps['config']): CreditReviewSettings {
  return { credit: config.credit, timeZone: config.ordering.timeZone };
}

/** Credit limits: the score behind each dealer's suggested limit, reviews, and proposals to decide. */
export const adminCreditRoutes: RouteModule = {
  prefix: '/admin',
  audience: 'admin',
  register(app, { store, config }) {
    const settings = creditSettings(config);
    const actorOf = (label: string | undefined) => `admin:${label || 'admin'}`;
    const contextOf = async (dealer: string, label: string | undefined): Promise<ChangeContext> => {
      const { rows } = await store.query<{ id: number }>('SELECT id::int AS id FROM dealers WHERE code = $1', [dealer]);
      if (!rows[0]) throw new NotFoundError(`no dealer ${dealer}`);
      return { dealerId: rows[0].id, actor: actorOf(label), writeBackTarget: settings.credit.writeBack?.target };
    };

    app.get(
      '/credit/:dealer',
      {
        schema: {
          summary: 'Credit limit, live exposure, the suggested limit with each factor\'s contribution, the open proposal and recent changes',
          tags: ['admin'],
          params: dealerParams,
          response: { 200: view, 404: errorResponse, ...authErrors },
        },
      },
      async (request) => creditView(store, request.params.dealer, settings, new Date()),
    );
    app.post(
      '/credit/:dealer/review',
      {
        schema: {
          summary: 'Score the dealer now: apply the suggested limit within the auto-apply bounds, or propose it',
          tags: ['admin'],
          params: dealerParams,
          response: { 200: z.object({ outcome: z.string(), changeId: z.number().nullable(), score: z.number(), band: z.string(), suggestedLimit: z.string() }), 404: errorResponse, ...authErrors },
        },
      },
      async (request) => {
        const summary = await reviewCredit(store, settings, new Date(), actorOf(request.principal?.label), request.params.dealer);
        const { outcome, changeId, score, band, suggestedLimit } = summary.results[0]!;
        return { outcome, changeId, score, band, suggestedLimit };
      },
    );
    app.post(
      '/credit/:dealer/proposals/:id/approve',
      {
        schema: {
          summary: 'Approve a proposed credit limit: the limit changes now (and goes to the ERP when credit.writeBack is set)',
          tags: ['admin'],
          params: proposalParams,
          body: z.object({ comment: z.string().max(2000).optional() }).strict().nullish(),
          response: { 200: change, 404: errorResponse, 409: errorResponse, ...authErrors },
        },
      },
      async (request) => {
        const ctx = await contextOf(request.params.dealer, request.principal?.label);
        return store.tx((q) => approveProposal(q, ctx, request.params.id, request.body?.comment ?? null));
      },
    );
    app.post(
      '/credit/:dealer/proposals/:id/reject',
      {
        schema: {
          summary: 'Reject a proposed credit limit, saying why',
          tags: ['admin'],
          params: proposalParams,
          body: z.object({ comment: z.string().trim().min(1, 'say why the proposal is rejected').max(2000) }).strict(),
          response: { 200: change, 404: errorResponse, 409: errorResponse, ...authErrors },
        },
      },
      async (request) => {
        const ctx = await contextOf(request.params.dealer, request.principal?.label);
        return store.tx((q) => rejectProposal(q, ctx, request.params.id, request.body.comment));
      },
    );
  },
};
