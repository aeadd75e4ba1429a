/**
 * EDI transport per trading partner (issue 7, src/edi/transport): where our outbound documents
 * go (folder and/or endpoint), which ones are sent, the ids we send them under, and the inbox
 * folder the daemon picks the partner's files from. Spread into `edi.partners[]` (schema.ts).
 */
import { z } from 'zod';

const x12Outbound = z
  .object({
    senderQualifier: z.string().trim().length(2).default('ZZ').describe('ISA05: qualifier of our id.'),
    senderId: z.string().trim().min(1).max(15).regex(/^[A-Za-z0-9 .-]+$/).describe('ISA06 (and GS02 unless applicationSenderCode): our interchange id.'),
    applicationSenderCode: z.string().trim().min(2).max(15).optional().describe('GS02; default senderId.'),
    receiverQualifier: z.string().trim().length(2).optional().describe('ISA07; default the qualifier the partner sent from.'),
    receiverId: z.string().trim().min(1).max(15).optional().describe('ISA08 and GS03; default the id the partner sent from (ISA06 of its interchange).'),
    version: z.string().regex(/^\d{5}$/).default('00401').describe('ISA12 interchange version.'),
    groupVersion: z.string().regex(/^\d{6}/).default('004010').describe('GS08 version/release of our documents.'),
    usage: z.enum(['P', 'T']).default('P').describe('ISA15: production or test.'),
  })
  .strict();

const edifactOutbound = z
  .object({
    sender: z.object({ id: z.string().trim().min(1).max(35), qualifier: z.string().trim().min(1).max(4).optional() }).strict().describe('UNB 0004/0007: our id (e.g. our GLN with qualifier 14).'),
    recipient: z.object({ id: z.string().trim().min(1).max(35), qualifier: z.string().trim().min(1).max(4).optional() }).strict().optional().describe('UNB 0010/0007; default the sender of the partner\'s interchange.'),
    syntaxId: z.enum(['UNOA', 'UNOB', 'UNOC', 'UNOW', 'UNOY']).default('UNOC').describe('UNB S001 syntax identifier (character set).'),
    supplierGln: z.string().regex(/^\d{13}$/).optional().describe('Our GLN for NAD+SU in ORDRSP.'),
    test: z.boolean().default(false).describe('UNB 0035 test indicator.'),
  })
  .strict();

export const ediOutboundSchema = z
  .object({
    folder: z.string().min(1).optional().describe('Folder our documents are written to (temp file + rename), e.g. the partner\'s SFTP/AS2 outbox.'),
    endpoint: z
      .object({
        url: z.url().describe('Documents are POSTed here, one per request (content type application/edi-x12 or application/edifact).'),
        token: z.string().min(1).optional().describe('Sent as "Authorization: Bearer …"; use ${ENV}.'),
        headers: z.record(z.string().min(1), z.string()).default({}).describe('Extra request headers.'),
        timeoutMs: z.number().int().min(100).max(300_000).default(30_000),
      })
      .strict()
      .optional(),
    send: z
      .object({
        ack: z.boolean().default(true).describe('997 / TA1 (X12) or CONTRL (EDIFACT) after every interchange received.'),
        orderResponse: z.boolean().default(true).describe('855 / ORDRSP after the order\'s review decision.'),
        shipNotice: z.boolean().default(true).describe('856 / DESADV when the order ships.'),
      })
      .strict()
      .default({ ack: true, orderResponse: true, shipNotice: true }),
    x12: x12Outbound.optional().describe('Our X12 envelope ids; needed to answer X12 interchanges.'),
    edifact: edifactOutbound.optional().describe('Our EDIFACT envelope ids; needed to answer EDIFACT interchanges.'),
  })
  .strict()
  .refine((o) => o.folder !== undefined || o.endpoint !== undefined, { message: 'outbound needs a folder, an endpoint or both' });

export const ediInboxSchema = z
  .object({
    folder: z.string().min(1).describe('Folder the partner\'s files are picked from; handled files move to done/ or failed/ beside a .report.json.'),
    cron: z.string().min(1).default('*/30 * * * * *').describe('When the daemon looks (job edi.inbox, schedule edi.inbox:<partner>).'),
  })
  .strict();

/** Keys of `edi.partners[]` for transport. */
export const ediPartnerTransport = {
  outbound: ediOutboundSchema.optional().describe('Outbound documents: destination, which to send, our envelope ids.'),
  inbox: ediInboxSchema.optional().describe('A folder the daemon reads the partner\'s interchanges from.'),
};

export type EdiOutboundConfig = z.output<typeof ediOutboundSchema>;
