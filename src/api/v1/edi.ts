import { z } from 'zod';
import { dealerOf } from '../../core/http/auth.js';
import type { RouteModule } from '../../core/http/server.js';
import { runnerKicker } from '../../delivery/jobs.js';
import { receiveEdi } from '../../edi/intake.js';
import { intakeOutbound } from '../../edi/transport/responses.js';
import { queueEnvelopeRejection } from '../../edi/transport/envelope-rejection.js';
import { authErrors, errorResponse } from '../schemas.js';
import { orderingSettings } from './orders.js';

const ACCEPTED = ['application/edi-x12', 'application/edifact', 'text/plain', 'application/octet-stream'] as const;
/** A chain store's interchange of many POs fits; the server-wide limit stays small elsewhere. */
const EDI_BODY_LIMIT = 10 * 1024 * 1024;

const position = z.object({ segment: z.number(), tag: z.string(), element: z.number().optional() }).nullable();
const documentResult = z.object({
  index: z.number(),
  documentType: z.string(),
  transaction: z.string(),
  poNumber: z.string().nullable(),
  purpose: z.enum(['original', 'cancel', 'change', 'other']).nullable(),
  position,
  status: z.enum(['created', 'replayed', 'failed', 'held_for_manual_handling']),
  order: z.object({ id: z.string(), number: z.string(), status: z.string() }).optional(),
  error: z.object({ code: z.string(), message: z.string(), lines: z.array(z.string()).optional() }).optional(),
});
const intakeResponse = z.object({
  syntax: z.enum(['x12', 'edifact']),
  summary: z.object({ interchanges: z.number(), duplicates: z.number(), documents: z.number(), created: z.number(), replayed: z.number(), failed: z.number(), held: z.number() }),
  interchanges: z.array(
    z.object({
      syntax: z.enum(['x12', 'edifact']),
      controlNumber: z.string(),
      sender: z.object({ qualifier: z.string().nullable(), id: z.string() }),
      receiver: z.string(),
      partner: z.string(),
      status: z.enum(['processed', 'duplicate']),
      message: z.string().optional(),
      documents: z.array(documentResult),
    }),
  ),
  warnings: z.array(z.object({ code: z.string(), message: z.string() })),
});

function unsupported(contentType: string | undefined): Error {
  const error = new Error(`content type ${contentType ?? '(none)'} is not accepted here; send the interchange as one of ${ACCEPTED.join(', ')}`);
  return Object.assign(error, { statusCode: 415 });
}

/** POST /v1/edi — X12 850 / EDIFACT ORDERS interchanges from the dealer's trading partners (config edi.partners). */
export const ediRoutes: RouteModule = {
  prefix: '/v1',
  audience: 'dealer',
  register(app, { store, config, jobs, logger }) {
    const settings = orderingSettings(config);
    const kick = runnerKicker(jobs, logger);
    // This scope holds only the EDI route: interchanges arrive as raw bytes, anything else is refused unread.
    app.removeContentTypeParser('text/plain');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser([...ACCEPTED], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    app.addContentTypeParser('*', (request, _payload, done) => done(unsupported(request.headers['content-type'])));

    app.post(
      '/edi',
      {
        bodyLimit: EDI_BODY_LIMIT,
        schema: {
          summary: 'Send X12 850 or EDIFACT ORDERS interchanges; each purchase order becomes an order (channel edi)',
          description:
            'The partner is found by the interchange sender (ISA05/06, UNB 0004/0007) and must order for the token\'s dealer. ' +
            'An interchange control number already received from the partner (within its duplicate window) is refused (409). ' +
            'Orders are idempotent on edi:<partner>:<PO number>; cancel and change purposes are held for manual handling. ' +
            '201: at least one order was created; 200: none created (replayed, held or failed documents); 422: broken envelope or unknown partner.',
          tags: ['v1'],
          consumes: [...ACCEPTED],
          response: { 200: intakeResponse, 201: intakeResponse, 409: intakeResponse, 413: errorResponse, 415: errorResponse, 422: errorResponse, ...authErrors },
        },
      },
      async (request, reply) => {
        const dealer = dealerOf(request);
        const body = request.body;
        if (!Buffer.isBuffer(body) || body.length === 0) throw Object.assign(new Error('the body is empty; send the interchange as the raw request body'), { statusCode: 400 });
        const now = new Date();
        const result = await receiveEdi(store, { dealer, partners: config.edi.partners, body, actor: `edi:${dealer.dealerCode}`, now, outbound: intakeOutbound }, settings).catch(async (error: unknown) => {
          // A broken envelope from one of the dealer's partners is answered with a TA1 (X12) or CONTRL (EDIFACT) too.
          if (await queueEnvelopeRejection(store, config.edi.partners, dealer.dealerCode, body, error, now)) kick();
          throw error;
        });
        // Orders to the ERP, and acknowledgements and responses to the partner, wait in the outbox.
        kick();
        const allDuplicate = result.summary.interchanges > 0 && result.summary.duplicates === result.summary.interchanges;
        return reply.code(result.summary.created > 0 ? 201 : allDuplicate ? 409 : 200).send(result);
      },
    );
  },
};
