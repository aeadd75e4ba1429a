// What the views share: the signed-in user, the dealer's ship-tos and products, and the cart.
// The cart lives in localStorage per user, so a reload or a second tab keeps it.
const listeners = new Set();

export const state = {
  session: null,
  shipTos: [],
  /** sku → catalog item (name, pack size, prices), filled once after sign-in. */
  products: new Map(),
  cart: { lines: [], coupons: [], shipTo: null },
};

const key = () => `dh.cart.${state.session?.username ?? ''}`;

export function loadCart() {
  try {
    const saved = JSON.parse(localStorage.getItem(key()) ?? 'null');
    state.cart = saved && Array.isArray(saved.lines) ? { lines: saved.lines, coupons: saved.coupons ?? [], shipTo: saved.shipTo ?? null } : { lines: [], coupons: [], shipTo: null };
  } catch {
    state.cart = { lines: [], coupons: [], shipTo: null };
  }
}

function changed() {
  localStorage.setItem(key(), JSON.stringify(state.cart));
  for (const fn of listeners) fn();
}

export function onCartChange(fn) {
  listeners.add(fn);
}

/** Adds quantities to the cart (same SKU: added up), keeping the order lines were first added in. */
export function addLines(lines) {
  for (const { sku, qty } of lines) {
    const code = String(sku).trim().toUpperCase();
    const n = Number(qty);
    if (!code || !Number.isInteger(n) || n < 1) continue;
    const existing = state.cart.lines.find((l) => l.sku === code);
    if (existing) existing.qty += n;
    else state.cart.lines.push({ sku: code, qty: n });
  }
  changed();
}

export function setQty(sku, qty) {
  const line = state.cart.lines.find((l) => l.sku === sku);
  if (!line) return;
  if (qty >= 1) line.qty = qty;
  else state.cart.lines = state.cart.lines.filter((l) => l.sku !== sku);
  changed();
}

export function removeLine(sku) {
  state.cart.lines = state.cart.lines.filter((l) => l.sku !== sku);
  changed();
}

export function setShipTo(code) {
  state.cart.shipTo = code;
  changed();
}

export function setCoupons(codes) {
  state.cart.coupons = [...new Set(codes.map((c) => c.trim()).filter(Boolean))];
  changed();
}

export function clearCart() {
  state.cart = { lines: [], coupons: [], shipTo: state.cart.shipTo };
  changed();
}

/** "SKU qty" per line; tabs, commas, semicolons or spaces between (as pasted from a sheet or an e-mail). */
export function parsePasted(text) {
  const lines = [];
  const bad = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const match = /^([A-Za-z0-9][A-Za-z0-9_.\-/]*)[\s,;，；\t]+(\d+)$/.exec(line);
    if (match) lines.push({ sku: match[1].toUpperCase(), qty: Number(match[2]) });
    else bad.push(line);
  }
  return { lines, bad };
}
