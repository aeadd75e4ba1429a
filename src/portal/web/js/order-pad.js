// The order pad: quick entry (type, paste, upload), the cart re-quoted live through
// POST /v1/quotes, the chosen ship-to, submit with the decision shown at once.
import { api, ApiError, get, post } from './api.js';
import { $, announce, debounce, h, replace } from './dom.js';
import { money, number, pick, t } from './i18n.js';
import { addLines, clearCart, onCartChange, parsePasted, removeLine, setCoupons, setQty, setShipTo, state } from './state.js';
import { renderFindings, statusBadge } from './orders.js';

let wired = false;
let quoteSeq = 0;
let lastQuote = null;
/** One key per cart content: a retried submit of the same cart cannot place it twice. */
let submitKey = null;

export function initOrderPad() {
  replace($('#sku-list'), [...state.products.values()].map((p) => h('option', { value: p.sku, label: p.name })));
  const select = $('#ship-to');
  replace(select, state.shipTos.map((s) => h('option', { value: s.code, text: `${s.code} · ${s.name}` })));
  if (!state.shipTos.some((s) => s.code === state.cart.shipTo)) state.cart.shipTo = state.defaultShipTo ?? state.shipTos[0]?.code ?? null;
  select.value = state.cart.shipTo ?? '';
  if (wired) return;
  wired = true;

  $('#quick-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const sku = $('#quick-sku').value.trim().toUpperCase();
    const qtyInput = $('#quick-qty');
    if (!sku) return $('#quick-sku').focus();
    const qty = Number(qtyInput.value || suggestedQty(sku));
    if (!Number.isInteger(qty) || qty < 1) return qtyInput.focus();
    addLines([{ sku, qty }]);
    $('#quick-sku').value = '';
    qtyInput.value = '';
    $('#quick-sku').focus();
  });
  // Picking a SKU pre-fills one pack, so Tab lands on a sensible quantity.
  $('#quick-sku').addEventListener('change', () => {
    const sku = $('#quick-sku').value.trim().toUpperCase();
    if (state.products.has(sku) && !$('#quick-qty').value) $('#quick-qty').placeholder = String(suggestedQty(sku));
  });
  $('#paste-add').addEventListener('click', () => {
    const { lines, bad } = parsePasted($('#paste').value);
    addLines(lines);
    $('#paste').value = bad.join('\n');
    announce(t('added', { n: lines.length }) + (bad.length ? ` · ${bad.length} ✗` : ''), bad.length ? 'error' : 'info');
  });
  $('#upload').addEventListener('change', uploadFile);
  $('#ship-to').addEventListener('change', (event) => setShipTo(event.target.value));
  $('#coupon-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const code = $('#coupon').value.trim();
    if (code) setCoupons([...state.cart.coupons, code]);
    $('#coupon').value = '';
  });
  $('#submit').addEventListener('click', submitOrder);
  onCartChange(() => {
    submitKey = null;
    renderCart(lastQuote);
    requote();
  });
}

function suggestedQty(sku) {
  return state.products.get(sku)?.packSize ?? 1;
}

async function uploadFile(event) {
  const file = event.target.files?.[0];
  if (!file) return;
  const type = /\.xlsx$/i.test(file.name) ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv';
  try {
    const result = await api('POST', '/portal/cart/file', { raw: await file.arrayBuffer(), headers: { 'content-type': type } });
    addLines(result.lines);
    const problems = result.problems.map((p) => p.message).join('; ');
    announce(t('added', { n: result.lines.length }) + (problems ? ` · ${problems}` : ''), problems ? 'error' : 'info');
  } catch (error) {
    announce(t('error', { message: error.message }), 'error');
  } finally {
    event.target.value = '';
  }
}

export async function showOrderPad() {
  renderCart(lastQuote);
  requoteNow();
  await Promise.all([loadCredit(), loadReplenishment()]);
}

const requote = debounce(() => requoteNow(), 250);

async function requoteNow() {
  const seq = ++quoteSeq;
  const { lines, shipTo, coupons } = state.cart;
  if (lines.length === 0 || !shipTo) {
    lastQuote = null;
    renderCart(null);
    $('#quote-status').textContent = '';
    return;
  }
  $('#quote-status').textContent = t('quoting');
  try {
    const quote = await post('/v1/quotes', { shipTo, lines, ...(coupons.length ? { couponCodes: coupons } : {}) });
    if (seq !== quoteSeq) return; // a newer cart is being priced
    lastQuote = { ...quote, for: JSON.stringify(state.cart) };
    $('#quote-status').textContent = '';
    renderCart(lastQuote);
  } catch (error) {
    if (seq !== quoteSeq) return;
    lastQuote = null;
    renderCart(null);
    $('#quote-status').textContent = t('quoteFailed', { message: error.message });
  }
}

function productName(sku) {
  return state.products.get(sku)?.name ?? '';
}

function renderCart(quote) {
  const fresh = quote && quote.for === JSON.stringify(state.cart) ? quote : null;
  const lines = state.cart.lines;
  const container = $('#cart-lines');
  if (lines.length === 0) {
    replace(container, h('p', { text: t('cartEmpty') }));
  } else {
    const quoted = new Map((fresh?.lines ?? []).filter((l) => !l.isGift).map((l) => [l.sku, l]));
    const currency = fresh?.totals.currency ?? 'CNY';
    const rows = lines.map((line) => {
      const q = quoted.get(line.sku);
      const short = q && q.available < q.qty ? q.qty - q.available : 0;
      return h(
        'tr',
        { dataset: { sku: line.sku } },
        h('td', {}, h('strong', { text: line.sku }), h('span.sub', { text: productName(line.sku) }), short ? h('span.short', { text: t('shortBy', { n: number(short) }) }) : null),
        h('td.num', {}, h('input', { type: 'number', min: '0', step: '1', value: String(line.qty), 'aria-label': t('qtyOf', { sku: line.sku }), on: { change: (e) => setQty(line.sku, Number(e.target.value)) } })),
        h('td.num.hide-narrow', { text: q ? money(q.unitPrice, currency) : '' }),
        h('td.num', {}, q ? money(q.net, currency) : '', q && q.discount !== '0.00' ? h('span.sub', { text: `−${money(q.discount, currency)}` }) : null),
        h('td', {}, h('button.small', { type: 'button', 'aria-label': t('removeLine', { sku: line.sku }), text: '✕', on: { click: () => removeLine(line.sku) } })),
      );
    });
    const gifts = (fresh?.lines ?? []).filter((l) => l.isGift).map((g) =>
      h('tr.gift', {}, h('td', {}, h('span.badge.ok', { text: t('gift') }), h('strong', { text: g.sku }), h('span.sub', { text: productName(g.sku) })), h('td.num', { text: number(g.qty) }), h('td.num.hide-narrow'), h('td.num', { text: money('0', currency) }), h('td')),
    );
    replace(
      container,
      h('table', {},
        h('thead', {}, h('tr', {}, h('th', { text: t('product') }), h('th.num', { text: t('qty') }), h('th.num.hide-narrow', { text: t('unitPrice') }), h('th.num', { text: t('net') }), h('th', {}, h('span.sr-only', { text: t('remove') })))),
        h('tbody', {}, rows, gifts),
      ),
    );
  }
  renderCoupons();
  renderCheckout(fresh);
}

function renderCoupons() {
  replace(
    $('#coupons'),
    state.cart.coupons.map((code) =>
      h('li', {}, h('span.badge', { text: code }), h('button.small', { type: 'button', 'aria-label': `${t('remove')} ${code}`, text: '✕', on: { click: () => setCoupons(state.cart.coupons.filter((c) => c !== code)) } })),
    ),
  );
}

function renderCheckout(quote) {
  const submit = $('#submit');
  submit.disabled = !quote || state.cart.lines.length === 0;
  if (!quote) {
    replace($('#totals'));
    replace($('#promotions'));
    replace($('#review'));
    return;
  }
  const c = quote.totals.currency;
  replace(
    $('#totals'),
    h('div.totals', {},
      h('span', { text: t('gross') }), h('span', { text: money(quote.totals.gross, c) }),
      h('span', { text: t('discount') }), h('span', { text: `−${money(quote.totals.discount, c)}` }),
      h('span.grand', { text: t('net') }), h('span.grand', { id: 'total-net', text: money(quote.totals.net, c) }),
    ),
  );
  const applied = quote.promotions.filter((p) => p.status === 'applied');
  const missed = quote.promotions.filter((p) => p.status !== 'applied' && p.hint);
  const couponNotes = quote.coupons.filter((cp) => cp.status !== 'applied');
  replace(
    $('#promotions'),
    applied.length || missed.length || couponNotes.length ? h('h3.sr-only', { text: t('promotions') }) : null,
    h('ul.promos', {},
      applied.map((p) => h('li.applied', { dataset: { promo: p.code } }, h('strong', { text: p.name }), h('span.sub', { text: `${t('applied')} · −${money(p.discount, c)}${p.gifts.length ? ` · ${t('gift')} ${p.gifts.map((g) => `${g.sku}×${g.qty}`).join(', ')}` : ''}` }))),
      missed.map((p) => h('li.missed', { dataset: { promo: p.code } }, h('strong', { text: p.name }), h('span.hint', { text: pick(p.hint.message) }))),
      couponNotes.map((cp) => h('li.missed', {}, h('strong', { text: cp.code }), h('span.hint', { text: pick(cp.reason.message) }))),
    ),
  );
  const hold = quote.review.decision === 'hold';
  replace(
    $('#review'),
    h(`div.review.${hold ? 'hold' : 'approve'}`, { id: 'review-preview' },
      h('strong', { text: `${t('review')}: ${hold ? t('reviewHold') : t('reviewApprove')}` }),
      renderFindings(quote.review.findings),
    ),
  );
}

async function submitOrder() {
  const button = $('#submit');
  const { lines, shipTo, coupons } = state.cart;
  if (lines.length === 0 || !shipTo) return;
  submitKey ??= crypto.randomUUID();
  button.disabled = true;
  button.textContent = t('submitting');
  try {
    const order = await post('/v1/orders', { shipTo, lines, ...(coupons.length ? { couponCodes: coupons } : {}) }, { 'idempotency-key': `portal-${submitKey}` });
    const held = order.status === 'held';
    replace(
      $('#result'),
      h(`div.result.${held ? 'held' : 'approved'}`, { id: 'order-result', dataset: { status: order.status } },
        h('span', { text: t(held ? 'resultHeld' : 'resultApproved', { number: order.number }) }), ' ', statusBadge(order.status),
        held ? renderFindings(order.review?.findings ?? []) : null,
        h('a', { href: `#/orders/${encodeURIComponent(order.id)}`, text: `${t('number')} ${order.number} →` }),
      ),
    );
    lastQuote = null;
    clearCart();
    loadCredit();
  } catch (error) {
    replace($('#result'), h('div.result.held', { role: 'alert', text: t('error', { message: error.message }) }));
  } finally {
    button.textContent = t('submit');
  }
}

async function loadCredit() {
  try {
    const credit = await get('/v1/credit');
    const c = credit.currency;
    replace(
      $('#credit'),
      h('dt', { text: t('creditLimit') }), h('dd', { text: money(credit.creditLimit, c) }),
      h('dt', { text: t('exposure') }), h('dd', { text: money(credit.exposure, c) }),
      h('dt', { text: t('creditAvailable') }), h('dd', {}, h('strong', { text: money(credit.available, c) })),
      h('dt', { text: t('overdue') }), h('dd', { text: money(credit.overdue, c) }),
      credit.blocked ? [h('dt', { text: t('blocked') }), h('dd', {}, h('span.badge.bad', { text: t('blocked') }))] : null,
    );
  } catch (error) {
    replace($('#credit'), h('dd', { text: error instanceof ApiError && error.status === 404 ? '—' : error.message }));
  }
}

/** GET /v1/replenishment comes with the inventory work; until it answers, the panel stays hidden. */
async function loadReplenishment() {
  const card = $('#replenish-card');
  try {
    const { suggestions = [] } = await get('/v1/replenishment');
    card.hidden = suggestions.length === 0;
    replace(
      $('#replenish'),
      suggestions.slice(0, 20).map((s) =>
        h('li', {},
          h('span', {}, h('strong', { text: s.sku }), ' ', number(s.suggestedQty), h('span.sub', { text: s.name ?? productName(s.sku) }), s.reasoning ? h('details.sub', {}, h('summary', { text: t('whySuggested') }), typeof s.reasoning === 'string' ? s.reasoning : pick(s.reasoning)) : null),
          h('button.small', { type: 'button', text: t('addToCart'), 'aria-label': `${t('addToCart')} ${s.sku}`, on: { click: () => { addLines([{ sku: s.sku, qty: s.suggestedQty }]); announce(t('added', { n: 1 })); } } }),
        ),
      ),
    );
  } catch {
    card.hidden = true;
  }
}
