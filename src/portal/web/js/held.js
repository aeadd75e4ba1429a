// Operations: the held orders with their findings; approve, or reject with a reason.
import { get, post } from './api.js';
import { $, announce, h, replace } from './dom.js';
import { dateTime, money, number, t } from './i18n.js';
import { renderFindings, statusBadge } from './orders.js';

export async function showHeld() {
  const box = $('#held');
  replace(box, h('p', { text: t('loading') }));
  const { items } = await get('/admin/orders?status=held&limit=100');
  if (items.length === 0) return replace(box, h('p', { text: t('heldEmpty') }));
  const orders = await Promise.all(items.map((o) => get(`/admin/orders/${encodeURIComponent(o.id)}`)));
  replace(box, orders.map(heldCard));
}

function heldCard(order) {
  const commentId = `comment-${order.id}`;
  const decide = async (action) => {
    const comment = $(`#${CSS.escape(commentId)}`).value.trim();
    if (action === 'reject' && !comment) {
      announce(t('rejectNeedsComment'), 'error');
      $(`#${CSS.escape(commentId)}`).focus();
      return;
    }
    try {
      await post(`/admin/orders/${encodeURIComponent(order.id)}/${action}`, comment ? { comment } : {});
      announce(`${order.number}: ${t(action === 'approve' ? 'status_approved' : 'status_rejected')}`);
      await showHeld();
    } catch (error) {
      announce(t('error', { message: error.message }), 'error');
    }
  };
  const c = order.totals.currency;
  return h('section.card.held-order', { dataset: { order: order.id } },
    h('h2', {}, `${order.number} `, statusBadge(order.status)),
    h('p', {}, `${t('dealer')} ${order.dealer} · ${t('shipTo')} ${order.shipTo.code} (${order.shipTo.regionCode}) · ${dateTime(order.createdAt)} · `, h('strong', { text: money(order.totals.net, c) })),
    renderFindings(order.review?.findings ?? []),
    h('p.sub', { text: order.lines.map((l) => `${l.sku} × ${number(l.qty)}`).join(' · ') }),
    h('div.actions', {},
      h('div.field.grow', {}, h('label', { for: commentId, text: t('comment') }), h('input', { id: commentId, autocomplete: 'off' })),
      h('button.primary', { type: 'button', text: t('approve'), on: { click: () => decide('approve') } }),
      h('button.danger', { type: 'button', text: t('reject'), on: { click: () => decide('reject') } }),
    ),
  );
}
