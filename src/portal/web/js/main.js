// Boot: who is signed in, which view the hash names, the language switch.
import { api, ApiError, get, post, setCsrf, whenSessionEnds } from './api.js';
import { $, announce } from './dom.js';
import { getLocale, setLocale, t, translatePage } from './i18n.js';
import { loadCart, state } from './state.js';
import { showCatalog } from './catalog.js';
import { showOrderPad, initOrderPad } from './order-pad.js';
import { showOrders, showOrderDetail } from './orders.js';
import { showHeld } from './held.js';

const VIEWS = ['login', 'order', 'catalog', 'orders', 'detail', 'held'];

function showView(name) {
  for (const view of VIEWS) $(`#view-${view}`).hidden = view !== name;
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.route === (name === 'detail' ? 'orders' : name)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

async function route() {
  if (!state.session) {
    showView('login');
    $('#login-user').focus();
    return;
  }
  const [, name = '', id] = location.hash.split('/');
  const admin = state.session.kind === 'admin';
  const wanted = admin ? 'held' : ['order', 'catalog', 'orders'].includes(name) ? name : id && name === 'orders' ? 'orders' : 'order';
  try {
    if (!admin && name === 'orders' && id) {
      showView('detail');
      await showOrderDetail(decodeURIComponent(id));
    } else {
      showView(wanted);
      if (wanted === 'order') await showOrderPad();
      if (wanted === 'catalog') await showCatalog();
      if (wanted === 'orders') await showOrders();
      if (wanted === 'held') await showHeld();
    }
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) announce(t('error', { message: error.message }), 'error');
  }
}

async function signedIn(session) {
  state.session = session;
  setCsrf(session.csrfToken);
  $('#who').textContent = session.dealer ? `${session.dealer.name}（${session.username}）` : session.username;
  $('#signout').hidden = false;
  $('#nav').hidden = false;
  for (const link of document.querySelectorAll('#nav a')) link.hidden = link.dataset.role !== session.kind;
  if (session.kind === 'dealer') {
    loadCart();
    const [shipTos, catalog] = await Promise.all([get('/v1/ship-tos'), loadAllProducts()]);
    state.shipTos = shipTos.items.filter((s) => s.status === 'active');
    state.products = new Map(catalog.items.map((p) => [p.sku, p]));
    // The catalog's default ship-to lies inside the dealer's authorised regions: the usual one to order to.
    state.defaultShipTo = catalog.shipTo;
    initOrderPad();
  }
}

async function loadAllProducts() {
  const items = [];
  let cursor = '';
  let shipTo = null;
  for (let page = 0; page < 20; page++) {
    const res = await get(`/v1/catalog?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...res.items);
    shipTo ??= res.shipTo;
    if (!res.nextCursor) break;
    cursor = res.nextCursor;
  }
  return { items, shipTo };
}

function signedOut(message) {
  state.session = null;
  setCsrf(null);
  $('#who').textContent = '';
  $('#signout').hidden = true;
  $('#nav').hidden = true;
  $('#login-error').textContent = message ?? '';
  route();
}

async function login(event) {
  event.preventDefault();
  const username = $('#login-user').value.trim();
  const password = $('#login-password').value;
  const error = $('#login-error');
  if (!username || !password) {
    error.textContent = t('badCredentials');
    return;
  }
  error.textContent = t('signingIn');
  try {
    const session = await post('/portal/login', { username, password });
    error.textContent = '';
    $('#login-password').value = '';
    await signedIn(session);
    await route();
    $('#main').focus();
  } catch (e) {
    const minutes = Math.ceil((e.body?.error?.details?.retryAfterSeconds ?? 60) / 60);
    error.textContent = e.code === 'account_locked' ? t('locked', { minutes }) : e.status === 401 ? t('badCredentials') : t('error', { message: e.message });
  }
}

async function logout() {
  try {
    await api('POST', '/portal/logout');
  } finally {
    signedOut();
  }
}

async function boot() {
  setLocale(getLocale());
  translatePage();
  $('#lang').value = getLocale();
  $('#lang').addEventListener('change', async (event) => {
    setLocale(event.target.value);
    translatePage();
    await route();
  });
  $('#login-form').addEventListener('submit', login);
  $('#signout').addEventListener('click', logout);
  whenSessionEnds(() => state.session && signedOut(t('sessionEnded')));
  window.addEventListener('hashchange', route);

  // A one-time login link (#/link/<token>): the token stays in the fragment, never in a server log.
  const link = /^#\/link\/([A-Za-z0-9_-]{20,100})$/.exec(location.hash);
  try {
    if (link) {
      history.replaceState(null, '', '#/order');
      await signedIn(await post('/portal/login-link', { token: link[1] }));
    } else {
      await signedIn(await get('/portal/session'));
    }
  } catch (error) {
    state.session = null;
    if (link) $('#login-error').textContent = t('linkInvalid');
  }
  await route();
  document.body.dataset.ready = 'true';
}

boot();
