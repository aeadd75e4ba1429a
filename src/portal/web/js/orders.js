// The dealer's orders: a list with a status filter, one order with lines, lots, events,
// ERP number, shipment and tracking; cancel where the order can still be cancelled; reorder.
import { get, post } from './api.js';
import { $, announce, h, replace } from './dom.js';
import { dateTime, day, money, number, pick, t } from './i18n.js';
import { addLines } from './state.js';

export const STATUSES = ['submitted', 'approved', 'held', 'rejected', 'released', 'confirmed', 'shipped', 'delivered', 'cancelled'];
const CANCELLABLE = new Set(['submitted', 'held', 'approved', 'released', 'confirmed']);

export function statusBadge(status) {
  const kind = { approved: 'ok', delivered: 'ok', shipped: 'ok', confirmed: 'ok', released: 'ok', held: 'warn', rejected: 'bad', cancelled: 'bad' }[status] ?? '';
  return h(`span.badge${kind ? `.${kind}` : ''}`, { dataset: { status }, text: t(`status_${status}`) });
}

export function renderFindings(findings) {
  const holding = findings.filter((f) => f.severity === 'hold' || findings.length < 4);
  return holding.length ? h('ul', {}, holding.map((f) => h('li', { dataset: { rule: f.rule, code: f.code }, text: pick(f.message) }))) : null;
}

let filterWired = false;

export async function showOrders() {
  const select = $('#orders-status');
  const current = select.value;
  replace(select, h('option', { value: '', text: t('allStatuses') }), STATUSES.map((s) => h('option', { value: s, text: t(`status_${s}`) })));
  select.value = current;
  if (!filterWired) {
    filterWired = true;
    select.addEventListener('change', () => showOrders());
  }
  const list = $('#orders');
  replace(list, h('p', { text: t('loading') }));
  const { items } = await get(`/v1/orders?limit=100${select.value ? `&status=${select.value}` : ''}`);
  if (items.length === 0) return replace(list, h('p', { text: t('noOrders') }));
  replace(
    list,
    h('table', {},
      h('thead', {}, h('tr', {}, h('th', { text: t('number') }), h('th', { text: t('status') }), h('th.hide-narrow', { text: t('date') }), h('th.hide-narrow', { text: t('shipTo') }), h('th.num', { text: t('total') }))),
      h('tbody', {}, items.map((o) =>
        h('tr', { dataset: { order: o.id } },
          h('td', {}, h('a', { href: `#/orders/${encodeURIComponent(o.id)}`, text: o.number })),
          h('td', {}, statusBadge(o.status)),
          h('td.hide-narrow', { text: dateTime(o.createdAt) }),
          h('td.hide-narrow', { text: o.shipTo.code }),
          h('td.num', { text: money(o.totals.net, o.totals.currency) }),
        ),
      )),
    ),
  );
}

function fact(label, value) {
  return value === null || value === undefined || value === '' ? null : [h('dt', { text: label }), h('dd', { text: value })];
}

export async function showOrderDetail(id) {
  const box = $('#detail');
  replace(box, h('p', { text: t('loading') }));
  const order = await get(`/v1/orders/${encodeURIComponent(id)}`);
  const c = order.totals.currency;
  const cancel = CANCELLABLE.has(order.status)
    ? h('button.danger', {
        type: 'button',
        id: 'cancel-order',
        text: t('cancelOrder'),
        on: {
          click: async () => {
            if (!confirm(t('confirmCancel', { number: order.number }))) return;
            try {
              await post(`/v1/orders/${encodeURIComponent(order.id)}/cancel`, {});
              announce(t('cancelled'));
              await showOrderDetail(order.id);
            } catch (error) {
              announce(t('error', { message: error.message }), 'error');
            }
          },
        },
      })
    : null;
  const reorder = h('button', {
    type: 'button',
    id: 'reorder',
    text: t('reorder'),
    on: {
      click: () => {
        addLines(order.lines.filter((l) => !l.isGift).map((l) => ({ sku: l.sku, qty: l.qty })));
        location.hash = '#/order';
      },
    },
  });
  replace(
    box,
    h('h1', {}, `${t('number')} ${order.number} `, statusBadge(order.status)),
    h('div.actions', {}, cancel, reorder),
    h('section.card', {},
      h('dl.facts', {},
        fact(t('date'), dateTime(order.createdAt)),
        fact(t('shipTo'), order.shipTo.code),
        fact(t('erpNo'), order.erpOrderNo),
        fact(t('carrier'), order.carrier),
        fact(t('tracking'), order.trackingNumber),
        fact(t('shippedAt'), order.shippedAt && dateTime(order.shippedAt)),
        fact(t('deliveredAt'), order.deliveredAt && dateTime(order.deliveredAt)),
        fact(t('gross'), money(order.totals.gross, c)),
        fact(t('discount'), `−${money(order.totals.discount, c)}`),
        fact(t('net'), money(order.totals.net, c)),
      ),
      order.review?.findings?.length ? [h('h2', { text: t('findings') }), renderFindings(order.review.findings)] : null,
    ),
    h('section.card.scroll', {},
      h('table', {},
        h('thead', {}, h('tr', {}, h('th', { text: t('product') }), h('th.num', { text: t('qty') }), h('th.num.hide-narrow', { text: t('unitPrice') }), h('th.num', { text: t('net') }), h('th', { text: t('lots') }))),
        h('tbody', {}, order.lines.map((l) =>
          h(`tr${l.isGift ? '.gift' : ''}`, {},
            h('td', {}, l.isGift ? h('span.badge.ok', { text: t('gift') }) : null, h('strong', { text: l.sku }), h('span.sub', { text: l.name })),
            h('td.num', { text: number(l.qty) }),
            h('td.num.hide-narrow', { text: money(l.unitPrice, c) }),
            h('td.num', { text: money(l.net, c) }),
            h('td', {}, l.lots.map((lot) => h('span.sub', { text: `${lot.lot} · ${number(lot.qty)} · ${day(lot.expiryDate)}` }))),
          ),
        )),
      ),
    ),
    order.promotions?.some((p) => p.status === 'applied')
      ? h('section.card', {}, h('h2', { text: t('promotions') }), h('ul.promos', {}, order.promotions.filter((p) => p.status === 'applied').map((p) => h('li.applied', {}, h('strong', { text: p.name }), h('span.sub', { text: `−${money(p.discount, c)}` })))))
      : null,
    h('section.card', {},
      h('h2', { text: t('events') }),
      h('ul.plain', {}, (order.events ?? []).map((e) => h('li', {}, h('span', {}, h('strong', { text: e.toStatus ? t(`status_${e.toStatus}`) : e.type }), h('span.sub', { text: `${e.actor}${e.message ? ` · ${e.message}` : ''}` })), h('span.sub', { text: dateTime(e.at) })))),
    ),
  );
}
