// String tables and locale-aware formatting. zh-CN is the default; the choice is remembered.
const STRINGS = {
  'zh-CN': {
    appName: '经销商订货',
    skip: '跳到主要内容',
    language: '语言',
    signOut: '退出',
    signIn: '登录',
    signInTitle: '经销商登录',
    username: '用户名',
    password: '密码',
    signingIn: '正在登录…',
    badCredentials: '用户名或密码错误',
    locked: '登录失败次数过多，请 {minutes} 分钟后再试',
    linkInvalid: '登录链接无效、已使用或已过期',
    sessionEnded: '会话已结束，请重新登录',
    navOrder: '下单',
    navCatalog: '商品目录',
    navOrders: '我的订单',
    navHeld: '待审核订单',
    quickOrder: '快速下单',
    quickHelp: '输入物料编码，按 Tab 输入数量，按回车加入购物车。',
    sku: '物料编码',
    qty: '数量',
    add: '加入',
    pasteLabel: '粘贴多行（每行"物料编码 数量"）',
    pasteAdd: '加入购物车',
    upload: '上传 CSV / XLSX',
    uploadHelp: '列：sku（物料编码）、qty（数量）',
    cart: '购物车',
    cartEmpty: '购物车是空的。',
    product: '商品',
    unitPrice: '单价',
    lineTotal: '金额',
    discount: '优惠',
    net: '应付',
    available: '可用',
    remove: '移除',
    removeLine: '移除 {sku}',
    qtyOf: '{sku} 的数量',
    gift: '赠品',
    shortBy: '缺货 {n}',
    shipTo: '收货地址',
    coupon: '优惠券',
    couponApply: '使用',
    promotions: '促销',
    applied: '已享受',
    notApplied: '未享受',
    totals: '合计',
    gross: '商品金额',
    review: '审核预览',
    reviewApprove: '预计自动通过',
    reviewHold: '提交后将进入人工审核',
    quoting: '正在计算价格…',
    quoteFailed: '报价失败：{message}',
    submit: '提交订单',
    submitting: '正在提交…',
    resultApproved: '订单 {number} 已通过',
    resultHeld: '订单 {number} 需人工审核',
    credit: '信用额度',
    creditLimit: '额度',
    exposure: '已占用',
    creditAvailable: '可用额度',
    overdue: '逾期',
    blocked: '已冻结',
    replenish: '补货建议',
    addToCart: '加入购物车',
    whySuggested: '计算依据',
    added: '已加入 {n} 行',
    search: '搜索商品',
    category: '分类',
    allCategories: '全部分类',
    priceBreaks: '阶梯价',
    fromQty: '≥{qty}',
    nextExpiry: '最近效期',
    expiry_expired: '已过期',
    expiry_red: '临期（红）',
    expiry_yellow: '临期（黄）',
    expiry_blue: '新鲜',
    warehouse: '仓库',
    noPrice: '无价格',
    orders: '订单',
    status: '状态',
    allStatuses: '全部状态',
    number: '订单号',
    date: '日期',
    total: '金额',
    noOrders: '没有订单。',
    back: '返回',
    cancelOrder: '取消订单',
    confirmCancel: '确定取消订单 {number}？',
    cancelled: '订单已取消',
    reorder: '再来一单',
    lots: '批次',
    events: '记录',
    erpNo: 'ERP 单号',
    carrier: '承运商',
    tracking: '运单号',
    shippedAt: '发货时间',
    deliveredAt: '签收时间',
    findings: '审核发现',
    approve: '通过',
    reject: '驳回',
    comment: '备注',
    rejectNeedsComment: '驳回需填写原因',
    heldEmpty: '没有待审核的订单。',
    dealer: '经销商',
    loading: '加载中…',
    error: '出错了：{message}',
    status_submitted: '已提交',
    status_approved: '已通过',
    status_held: '待审核',
    status_rejected: '已驳回',
    status_released: '已下达',
    status_confirmed: '已确认',
    status_shipped: '已发货',
    status_delivered: '已签收',
    status_cancelled: '已取消',
  },
  en: {
    appName: 'Dealer ordering',
    skip: 'Skip to main content',
    language: 'Language',
    signOut: 'Sign out',
    signIn: 'Sign in',
    signInTitle: 'Dealer sign-in',
    username: 'Username',
    password: 'Password',
    signingIn: 'Signing in…',
    badCredentials: 'Wrong username or password',
    locked: 'Too many failed sign-ins; try again in {minutes} min',
    linkInvalid: 'This login link is unknown, used or expired',
    sessionEnded: 'Your session has ended; please sign in again',
    navOrder: 'Order',
    navCatalog: 'Catalog',
    navOrders: 'My orders',
    navHeld: 'Held orders',
    quickOrder: 'Quick order',
    quickHelp: 'Type a SKU, Tab to the quantity, Enter to add it to the cart.',
    sku: 'SKU',
    qty: 'Qty',
    add: 'Add',
    pasteLabel: 'Paste lines ("SKU qty" per line)',
    pasteAdd: 'Add to cart',
    upload: 'Upload CSV / XLSX',
    uploadHelp: 'Columns: sku, qty',
    cart: 'Cart',
    cartEmpty: 'The cart is empty.',
    product: 'Product',
    unitPrice: 'Unit price',
    lineTotal: 'Amount',
    discount: 'Discount',
    net: 'Net',
    available: 'Available',
    remove: 'Remove',
    removeLine: 'Remove {sku}',
    qtyOf: 'Quantity of {sku}',
    gift: 'Gift',
    shortBy: 'short by {n}',
    shipTo: 'Ship to',
    coupon: 'Coupon',
    couponApply: 'Apply',
    promotions: 'Promotions',
    applied: 'Applied',
    notApplied: 'Not applied',
    totals: 'Totals',
    gross: 'Goods',
    review: 'Review preview',
    reviewApprove: 'Expected to be approved automatically',
    reviewHold: 'Will be held for review when submitted',
    quoting: 'Pricing…',
    quoteFailed: 'Quote failed: {message}',
    submit: 'Submit order',
    submitting: 'Submitting…',
    resultApproved: 'Order {number} is approved',
    resultHeld: 'Order {number} is held for review',
    credit: 'Credit',
    creditLimit: 'Limit',
    exposure: 'Exposure',
    creditAvailable: 'Available',
    overdue: 'Overdue',
    blocked: 'Blocked',
    replenish: 'Replenishment suggestions',
    addToCart: 'Add to cart',
    whySuggested: 'How it was worked out',
    added: 'Added {n} line(s)',
    search: 'Search products',
    category: 'Category',
    allCategories: 'All categories',
    priceBreaks: 'Quantity breaks',
    fromQty: '≥{qty}',
    nextExpiry: 'Next expiry',
    expiry_expired: 'Expired',
    expiry_red: 'Near expiry (red)',
    expiry_yellow: 'Near expiry (yellow)',
    expiry_blue: 'Fresh',
    warehouse: 'Warehouse',
    noPrice: 'No price',
    orders: 'Orders',
    status: 'Status',
    allStatuses: 'All statuses',
    number: 'Order',
    date: 'Date',
    total: 'Total',
    noOrders: 'No orders.',
    back: 'Back',
    cancelOrder: 'Cancel order',
    confirmCancel: 'Cancel order {number}?',
    cancelled: 'The order is cancelled',
    reorder: 'Reorder',
    lots: 'Lots',
    events: 'History',
    erpNo: 'ERP number',
    carrier: 'Carrier',
    tracking: 'Tracking',
    shippedAt: 'Shipped',
    deliveredAt: 'Delivered',
    findings: 'Findings',
    approve: 'Approve',
    reject: 'Reject',
    comment: 'Comment',
    rejectNeedsComment: 'Say why the order is rejected',
    heldEmpty: 'No held orders.',
    dealer: 'Dealer',
    loading: 'Loading…',
    error: 'Something went wrong: {message}',
    status_submitted: 'Submitted',
    status_approved: 'Approved',
    status_held: 'Held',
    status_rejected: 'Rejected',
    status_released: 'Released',
    status_confirmed: 'Confirmed',
    status_shipped: 'Shipped',
    status_delivered: 'Delivered',
    status_cancelled: 'Cancelled',
  },
};

export const LOCALES = ['zh-CN', 'en'];
let locale = LOCALES.includes(localStorage.getItem('dh.lang')) ? localStorage.getItem('dh.lang') : 'zh-CN';

export function getLocale() {
  return locale;
}

export function setLocale(next) {
  locale = LOCALES.includes(next) ? next : 'zh-CN';
  localStorage.setItem('dh.lang', locale);
  document.documentElement.lang = locale;
}

/** The string for `key` in the current language, with {name} placeholders filled. */
export function t(key, vars = {}) {
  const text = STRINGS[locale][key] ?? STRINGS['zh-CN'][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}

/** A message the server sent in both languages ({ 'zh-CN', en }). */
export function pick(message) {
  return message ? (message[locale] ?? message.en ?? '') : '';
}

const moneyFormats = new Map();
/** Money arrives as exact decimal strings; Intl formats a string without going through a float. */
export function money(amount, currency = 'CNY') {
  if (amount === null || amount === undefined) return '—';
  const key = `${locale}|${currency}`;
  if (!moneyFormats.has(key)) moneyFormats.set(key, new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 4 }));
  return moneyFormats.get(key).format(String(amount));
}

export function number(n) {
  return new Intl.NumberFormat(locale).format(n);
}

export function dateTime(value) {
  if (!value) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(value));
}

/** A calendar date 'YYYY-MM-DD' shown in the locale's format (read as a date, not an instant). */
export function day(value) {
  if (!value) return '—';
  const [y, m, d] = value.split('-').map(Number);
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** Fills every [data-i18n] element's text (and [data-i18n-label] aria-labels, [data-i18n-ph] placeholders). */
export function translatePage(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
  for (const el of root.querySelectorAll('[data-i18n-ph]')) el.setAttribute('placeholder', t(el.dataset.i18nPh));
  document.title = t('appName');
}
