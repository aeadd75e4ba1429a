// The catalog: search and category filter; per product the dealer's price and quantity breaks,
// availability where it would be served from, next expiry and its tier, the offers that reach it.
import { get } from './api.js';
import { $, announce, debounce, h, replace } from './dom.js';
import { day, money, number, t } from './i18n.js';
import { addLines } from './state.js';

let wired = false;
let offers = [];

function offersFor(item) {
  return offers.filter((o) => {
    if (o.excludeProducts.includes(item.sku)) return false;
    if (o.products === null && o.categories === null) return false; // order-wide: shown above the list
    return (o.products ?? []).includes(item.sku) || (o.categories ?? []).includes(item.category);
  });
}

function card(item) {
  const qtyId = `qty-${item.sku}`;
  const tier = item.expiryTier ?? null;
  return h('li.product', { dataset: { sku: item.sku } },
    h('h2', { text: item.name }),
    h('span.sub', { text: `${item.sku} · ${item.category ?? ''} · ${item.packSize}/${item.uom}` }),
    h('span.price', { text: item.unitPrice ? money(item.unitPrice, item.currency) : t('noPrice') }),
    item.prices.length > 1 ? h('span.breaks', { text: `${t('priceBreaks')}: ${item.prices.map((p) => `${t('fromQty', { qty: number(p.minQty) })} ${money(p.unitPrice, item.currency)}`).join(' · ')}` }) : null,
    h('span', {}, `${t('available')}: `, h('strong', { text: number(item.available) }), item.warehouse ? h('span.sub', { text: `${t('warehouse')} ${item.warehouse}` }) : null),
    item.nextExpiry || tier ? h('span', {}, item.nextExpiry ? `${t('nextExpiry')}: ${day(item.nextExpiry)} ` : '', tier ? h(`span.badge.tier-${tier}`, { text: t(`expiry_${tier}`) }) : null) : null,
    h('div', {}, offersFor(item).map((o) => h('span.badge.ok', { title: o.name, text: o.name }))),
    h('form', { on: { submit: (event) => { event.preventDefault(); const qty = Number($(`#${CSS.escape(qtyId)}`).value); if (qty >= 1) { addLines([{ sku: item.sku, qty }]); announce(`${t('added', { n: 1 })}: ${item.sku} × ${number(qty)}`); } } } },
      h('label.sr-only', { for: qtyId, text: t('qtyOf', { sku: item.sku }) }),
      h('input', { id: qtyId, type: 'number', min: '1', step: '1', value: String(item.packSize), inputMode: 'numeric' }),
      h('button.primary', { type: 'submit', text: t('addToCart'), 'aria-label': `${t('addToCart')} ${item.sku}` }),
    ),
  );
}

async function load() {
  const search = $('#catalog-search').value.trim();
  const category = $('#catalog-category').value;
  const params = new URLSearchParams({ limit: '200' });
  if (search) params.set('search', search);
  if (category) params.set('category', category);
  const { items } = await get(`/v1/catalog?${params}`);
  replace($('#catalog'), items.length ? items.map(card) : h('li', { text: '—' }));
}

export async function showCatalog() {
  const select = $('#catalog-category');
  const current = select.value;
  const [categories, offerList] = await Promise.all([get('/v1/catalog/categories'), get('/portal/offers').catch(() => ({ items: [] }))]);
  offers = offerList.items;
  replace(select, h('option', { value: '', text: t('allCategories') }), categories.items.map((c) => h('option', { value: c.category, text: `${c.category} (${c.count})` })));
  select.value = current;
  replace($('#offers'), offers.filter((o) => o.products === null && o.categories === null && !o.requiresCoupon).map((o) => h('span.badge.ok', { text: o.name })));
  if (!wired) {
    wired = true;
    const reload = debounce(() => load().catch((e) => announce(e.message, 'error')), 200);
    $('#catalog-search').addEventListener('input', reload);
    $('#catalog-category').addEventListener('change', reload);
    $('#catalog-form').addEventListener('submit', (event) => { event.preventDefault(); reload(); });
  }
  await load();
}
