/**
 * Replaying a dead or rejected outbox row: the same row goes back to pending with fresh attempts
 * (optionally with an edited payload), in one transaction with its audit record (who, when, the
 * row before and after). Replaying a create the ERP refused approves its held order again first
 * (stock checked and reserved again, as POST /admin/orders/:id/approve does): the order leaves
 * `held` and the same row carries it to the ERP.
 */
import type { Store } from '../core/db/index.js';
import { ConflictError, NotFoundError, UserError } from '../core/errors.js';
import { approveLocked } from '../orders/decide-held.js';
import type { OrderingSettings } from '../orders/evaluate.js';
import { lockOrder } from '../orders/transition.js';
import { orderEventPayloadSchema } from './document.js';
import { getOutbox, type OutboxDetail } from './queries.js';

export interface ReplayInput {
  id: number;
  /** Who asked: `admin:<token label>`, `cli:<user>`. */
  actor: string;
  /** The edited payload; its orderId and number must stay those of the row. */
  payload?: unknown;
  comment?: string | undefined;
}

const REPLAYABLE = new Set(['dead', 'rejected']);

export async function replayOutbox(store: Store, input: ReplayInput, ordering: OrderingSettings, now: Date): Promise<OutboxDetail> {
  await store.tx(async (q) => {
    const { rows } = await q.query<{ id: number; event: string; target: string; status: string; attempts: number; last_error: string | null; payload: unknown }>(
      `SELECT id, event, target, status, attempts, last_error, payload FROM outbox WHERE id = $1 FOR UPDATE`,
      [input.id],
    );
    const row = rows[0];
    if (!row) throw new NotFoundError(`no outbox row ${input.id}`);
    const before = orderEventPayloadSchema.safeParse(row.payload);
    const label = `outbox #${row.id} (${row.event}${before.success ? ` of order ${before.data.number}` : ''} → ${row.target})`;
    if (!REPLAYABLE.has(row.status)) {
      throw new ConflictError(`${label} is ${row.status}; only dead or rejected rows can be replayed`, { code: 'not_replayable', status: row.status });
    }
    const after = input.payload === undefined ? row.payload : checkEdit(label, row.payload, input.payload, before.success);
    if (row.status === 'rejected' && row.event === 'order.approved' && before.success) {
      const order = await lockOrder(q, before.data.orderId, null);
      if (order.status === 'held') await approveLocked(q, order, input.actor, `replaying ${label}${input.comment ? `: ${input.comment}` : ''}`, ordering, now);
    }
    await q.query(
      `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL, payload = $2::jsonb WHERE id = $1`,
      [row.id, JSON.stringify(after)],
    );
    await q.query(
      `INSERT INTO outbox_replays (outbox_id, actor, status_before, attempts_before, last_error_before, payload_before, payload_after, comment)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8)`,
      [row.id, input.actor, row.status, row.attempts, row.last_error, JSON.stringify(row.payload), JSON.stringify(after), input.comment ?? null],
    );
  });
  return (await getOutbox(store, input.id))!;
}

/** An edited payload must still be an order event of the same order (what is sent may change, not which order). */
function checkEdit(label: string, original: unknown, edited: unknown, isOrderEvent: boolean): unknown {
  if (!isOrderEvent) return edited;
  const parsed = orderEventPayloadSchema.safeParse(edited);
  if (!parsed.success) {
    throw new UserError(`${label}: the edited payload is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ')}`, {
      code: 'invalid_payload',
    });
  }
  const was = original as { orderId: string; number: string };
  if (parsed.data.orderId !== was.orderId || parsed.data.number !== was.number) {
    throw new UserError(`${label}: the edited payload must keep orderId ${was.orderId} and number ${was.number}`, { code: 'invalid_payload' });
  }
  return parsed.data;
}
