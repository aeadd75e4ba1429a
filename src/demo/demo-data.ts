/**
 * The demo data set: a food & beverage manufacturer (dairy, drinks, snacks) selling through
 * four dealers. Plain data in table-like literals plus small builders that turn them into
 * rows; every date is computed from `now`, so lots are fresh, near expiry or expired whenever
 * the demo is started. Money is decimal strings (unit prices per base unit, CNY), quantities
 * whole base units (pack_size base units make one case).
 */

/** The demo dealers; other code (demo tokens, examples) refers to them by these codes. */
export const DEMO_DEALER_CODES = ['D001', 'D002', 'D003', 'D004'] as const;
export type DemoDealerCode = (typeof DEMO_DEALER_CODES)[number];

// China's administrative codes: province (2) → city (4) → district (6).
const REGIONS: ReadonlyArray<readonly [code: string, name: string]> = [
  ['44', '广东省'], ['4403', '深圳市'], ['440305', '南山区'], ['4401', '广州市'], ['440106', '天河区'],
  ['33', '浙江省'], ['3301', '杭州市'], ['330106', '西湖区'], ['330110', '余杭区'],
  ['51', '四川省'], ['5101', '成都市'], ['510104', '锦江区'], ['510107', '武侯区'],
  ['11', '北京市'], ['1101', '市辖区'], ['110105', '朝阳区'], ['110112', '通州区'],
  ['43', '湖南省'], ['4301', '长沙市'], ['430102', '芙蓉区'],
];

type DealerTuple = readonly [code: DemoDealerCode, name: string, tier: 'A' | 'B', since: string, termsDays: number, regions: readonly string[]];
const DEALERS: readonly DealerTuple[] = [
  ['D001', '深圳市鹏程食品贸易有限公司', 'A', '2016-03-01', 30, ['44']],
  ['D002', '杭州禾丰商贸有限公司', 'A', '2018-07-15', 45, ['3301']],
  ['D003', '成都蜀康食品有限公司', 'B', '2020-04-10', 30, ['51']],
  ['D004', '北京京味源商贸有限公司', 'B', '2021-09-01', 30, ['11']],
];

// D001-CS lies in Hunan (43), outside D001's authorisation (44): the anti-diversion (窜货) case.
type ShipToTuple = readonly [dealer: DemoDealerCode, code: string, name: string, address: string, region: string, contact: string, phone: string];
const SHIP_TOS: readonly ShipToTuple[] = [
  ['D001', 'D001-NS', '南山配送中心', '广东省深圳市南山区西丽街道留仙大道3370号南山智园仓储区B栋', '440305', '陈立伟', '0755-26601188'],
  ['D001', 'D001-GZ', '广州天河分仓', '广东省广州市天河区黄埔大道东976号港航中心仓库3号', '440106', '黄嘉敏', '020-38821506'],
  ['D001', 'D001-CS', '长沙临时仓', '湖南省长沙市芙蓉区远大一路280号东屯渡物流园12号库', '430102', '刘志强', '0731-84415520'],
  ['D002', 'D002-XH', '西湖区总仓', '浙江省杭州市西湖区三墩镇西园八路2号1幢', '330106', '周晓峰', '0571-87961230'],
  ['D002', 'D002-YH', '余杭分仓', '浙江省杭州市余杭区良渚街道杭行路666号', '330110', '沈佳怡', '0571-86275518'],
  ['D003', 'D003-JJ', '锦江总仓', '四川省成都市锦江区成龙大道二段1666号', '510104', '王建国', '028-84512276'],
  ['D003', 'D003-WH', '武侯配送点', '四川省成都市武侯区武兴二路19号', '510107', '李雪梅', '028-85003391'],
  ['D004', 'D004-CY', '朝阳总仓', '北京市朝阳区东坝乡驹子房路1号院6号库', '110105', '张宏伟', '010-84307712'],
  ['D004', 'D004-TZ', '通州分仓', '北京市通州区马驹桥镇兴贸二街16号', '110112', '赵丽娜', '010-60502283'],
];

// Tier A and tier B unit prices are per base unit (盒, 瓶 …), CNY. minDays = minimum remaining
// shelf life the product must have when shipped (chilled lines only).
type ProductTuple = readonly [
  sku: string, name: string, uom: string, pack: number, roundToPack: boolean, shelfLifeDays: number,
  category: string, brand: string, minDays: number | null, tierA: string, tierB: string,
];
const PRODUCTS: readonly ProductTuple[] = [
  ['MLK-250-24', '鲜牧纯牛奶 250ml×24盒', '盒', 24, true, 180, '常温乳品', '鲜牧', null, '2.40', '2.52'],
  ['MLK-200-24', '鲜牧高钙牛奶 200ml×24盒', '盒', 24, false, 180, '常温乳品', '鲜牧', null, '2.10', '2.20'],
  ['MLK-LF250-24', '鲜牧低脂牛奶 250ml×24盒', '盒', 24, false, 180, '常温乳品', '鲜牧', null, '2.55', '2.68'],
  ['MLK-1000-12', '鲜牧全脂纯牛奶 1L×12盒', '盒', 12, false, 180, '常温乳品', '鲜牧', null, '8.60', '9.00'],
  ['MLK-OG250-12', '鲜牧有机纯牛奶 250ml×12盒', '盒', 12, true, 180, '常温乳品', '鲜牧', null, '4.80', '5.05'],
  ['MLK-KD190-20', '鲜牧儿童成长牛奶 190ml×20盒', '盒', 20, false, 180, '常温乳品', '鲜牧', null, '2.90', '3.05'],
  ['AYG-200-12', '鲜牧常温原味酸奶 200g×12盒', '盒', 12, false, 150, '常温乳品', '鲜牧', null, '3.95', '4.15'],
  ['FMK-950-6', '鲜牧巴氏鲜牛奶 950ml×6瓶', '瓶', 6, false, 21, '低温乳品', '鲜牧', 7, '13.50', '14.20'],
  ['FMK-450-12', '鲜牧巴氏鲜牛奶 450ml×12瓶', '瓶', 12, false, 21, '低温乳品', '鲜牧', 7, '7.20', '7.60'],
  ['YGT-800-6', '鲜牧原味发酵乳 100g×8杯', '组', 6, false, 21, '低温乳品', '鲜牧', 7, '10.80', '11.40'],
  ['YGT-1000-6', '鲜牧风味发酵乳 1kg×6桶', '桶', 6, false, 21, '低温乳品', '鲜牧', 7, '14.50', '15.20'],
  ['YGT-135-12', '鲜牧希腊酸奶 135g×12杯', '杯', 12, false, 28, '低温乳品', '鲜牧', 10, '5.60', '5.90'],
  ['CHS-200-12', '鲜牧儿童奶酪棒 200g(10支)×12袋', '袋', 12, false, 180, '低温乳品', '鲜牧', 30, '19.80', '20.80'],
  ['WTR-550-24', '清源天然饮用水 550ml×24瓶', '瓶', 24, true, 540, '饮用水', '清源', null, '0.95', '1.00'],
  ['WTR-1500-12', '清源天然饮用水 1.5L×12瓶', '瓶', 12, false, 540, '饮用水', '清源', null, '2.10', '2.20'],
  ['TEA-OL500-15', '清源无糖乌龙茶 500ml×15瓶', '瓶', 15, false, 365, '茶饮料', '清源', null, '3.20', '3.35'],
  ['TEA-GR500-15', '清源茉莉绿茶 500ml×15瓶', '瓶', 15, false, 365, '茶饮料', '清源', null, '2.85', '3.00'],
  ['JCE-OR300-12', '清源100%橙汁 300ml×12瓶', '瓶', 12, false, 270, '果汁', '清源', null, '4.60', '4.85'],
  ['JCE-AP1000-6', '清源100%苹果汁 1L×6盒', '盒', 6, false, 270, '果汁', '清源', null, '11.50', '12.10'],
  ['SDA-330-24', '清源柠檬味苏打气泡水 330ml×24罐', '罐', 24, true, 365, '碳酸饮料', '清源', null, '2.25', '2.38'],
  ['SPT-600-15', '清源电解质运动饮料 600ml×15瓶', '瓶', 15, false, 365, '功能饮料', '清源', null, '3.60', '3.80'],
  ['CFE-280-15', '清源即饮拿铁咖啡 280ml×15瓶', '瓶', 15, false, 270, '咖啡饮料', '清源', null, '5.20', '5.45'],
  ['WNT-240-20', '清源核桃乳植物蛋白饮料 240ml×20罐', '罐', 20, false, 540, '植物蛋白饮料', '清源', null, '2.70', '2.85'],
  ['CRK-400-12', '脆乐坊苏打饼干 400g×12袋', '袋', 12, false, 270, '饼干', '脆乐坊', null, '8.90', '9.35'],
  ['CHP-70-22', '脆乐坊原味薯片 70g×22袋', '袋', 22, true, 270, '膨化食品', '脆乐坊', null, '4.30', '4.50'],
  ['CHP-135-12', '脆乐坊番茄味薯片 135g×12袋', '袋', 12, false, 270, '膨化食品', '脆乐坊', null, '7.50', '7.90'],
  ['NUT-750-6', '脆乐坊每日坚果 750g(30小袋)×6盒', '盒', 6, false, 240, '坚果炒货', '脆乐坊', null, '62.00', '65.00'],
  ['SEA-54-24', '脆乐坊海苔脆片 54g×24袋', '袋', 24, false, 365, '休闲零食', '脆乐坊', null, '5.80', '6.10'],
  ['BSC-250-20', '脆乐坊巧克力夹心饼干 250g×20袋', '袋', 20, false, 365, '饼干', '脆乐坊', null, '6.40', '6.70'],
  ['JRK-100-20', '脆乐坊五香牛肉干 100g×20袋', '袋', 20, false, 270, '肉干肉脯', '脆乐坊', null, '18.50', '19.40'],
  ['RCE-520-10', '脆乐坊香脆米饼 520g×10袋', '袋', 10, false, 300, '膨化食品', '脆乐坊', null, '12.80', '13.40'],
  ['WAF-200-24', '脆乐坊牛奶味威化饼干 200g×24袋', '袋', 24, false, 365, '饼干', '脆乐坊', null, '5.20', '5.45'],
];

// Quantity breaks (阶梯价): from minQty base units the lower unit price applies.
const QUANTITY_BREAKS: ReadonlyArray<readonly [list: string, sku: string, minQty: number, unitPrice: string]> = [
  ['TIER-A', 'MLK-250-24', 240, '2.32'], ['TIER-A', 'MLK-250-24', 1200, '2.26'],
  ['TIER-B', 'MLK-250-24', 240, '2.45'],
  ['TIER-A', 'WTR-550-24', 480, '0.90'], ['TIER-B', 'WTR-550-24', 480, '0.95'],
  ['TIER-A', 'CHP-70-22', 220, '4.15'], ['TIER-B', 'CHP-70-22', 220, '4.35'],
  ['TIER-A', 'NUT-750-6', 60, '59.50'], ['TIER-B', 'NUT-750-6', 60, '62.50'],
];

// D001's negotiated prices (专项价), valid for a quarter around `now`.
const D001_OVERRIDES: ReadonlyArray<readonly [sku: string, unitPrice: string]> = [
  ['MLK-250-24', '2.30'], ['FMK-950-6', '12.90'], ['NUT-750-6', '58.80'],
];

const WAREHOUSES: ReadonlyArray<readonly [code: string, name: string, region: string, priority: number, ladderScale: number]> = [
  ['WH-SZ', '华南中心仓(深圳)', '4403', 10, 1],
  ['WH-CD', '西南区域仓(成都)', '5101', 20, 0.6],
  ['WH-BJ', '华北区域仓(北京)', '1101', 30, 0.4],
];

/** Every stocked SKU gets these lots in each warehouse: age as a share of shelf life, cases at scale 1. */
const LOT_LADDER: ReadonlyArray<readonly [ageShare: number, cases: number]> = [
  [0.06, 48], // fresh
  [0.35, 30], // mid-life
  [0.5, 18], // older, still more than 1/3 of its life left
];

// SKUs stocked only by their special lots below: JCE-AP1000-6 has none at all (out of stock),
// CFE-280-15 and YGT-135-12 are down to a few units.
const OFF_LADDER = new Set(['JCE-AP1000-6', 'CFE-280-15', 'YGT-135-12']);

// Special lots: [sku, warehouse, age in days, on_hand base units] — near expiry, expired, low.
const SPECIAL_LOTS: ReadonlyArray<readonly [sku: string, warehouse: string, ageDays: number, onHand: number]> = [
  ['MLK-250-24', 'WH-CD', 150, 1920], // near expiry: 30 of 180 days left, a clearance candidate
  ['FMK-950-6', 'WH-BJ', 16, 42], // near expiry: 5 of 21 days left
  ['YGT-800-6', 'WH-SZ', 15, 60], // near expiry: 6 of 21 days left
  ['CHS-200-12', 'WH-SZ', 130, 96], // near expiry: 50 of 180 days left
  ['TEA-OL500-15', 'WH-BJ', 270, 450], // near expiry: 95 of 365 days left
  ['NUT-750-6', 'WH-CD', 185, 54], // near expiry: 55 of 240 days left
  ['FMK-950-6', 'WH-SZ', 23, 17], // expired 2 days ago, awaiting write-off
  ['AYG-200-12', 'WH-BJ', 158, 36], // expired 8 days ago
  ['CHP-70-22', 'WH-CD', 280, 66], // expired 10 days ago
  ['CFE-280-15', 'WH-SZ', 40, 18], // low stock
  ['CFE-280-15', 'WH-BJ', 55, 3], // low stock
  ['YGT-135-12', 'WH-SZ', 6, 12], // low stock
];

const SAFETY_STOCK: ReadonlyArray<readonly [sku: string, warehouse: string, qty: number]> = [
  ['MLK-250-24', 'WH-SZ', 240], ['WTR-550-24', 'WH-SZ', 480], ['FMK-950-6', 'WH-SZ', 36],
];

// D003 is near its limit (94 %), D004 has an overdue invoice; each ar_open equals the sum of
// its open items, and overdue the open amount of items past their due date.
const CREDIT: ReadonlyArray<readonly [dealer: DemoDealerCode, limit: string, arOpen: string, overdue: string, oldestOverdueDays: number]> = [
  ['D001', '800000.00', '356420.00', '0.00', 0],
  ['D002', '500000.00', '212760.50', '0.00', 0],
  ['D003', '200000.00', '188000.00', '0.00', 0],
  ['D004', '150000.00', '64380.00', '8650.00', 18],
];

// Invoices (billing documents) still open; due = document date + the dealer's payment terms.
const AR_OPEN_ITEMS: ReadonlyArray<readonly [dealer: DemoDealerCode, documentNo: string, ageDays: number, amount: string, open: string]> = [
  ['D001', '9000031201', 26, '128600.00', '128600.00'],
  ['D001', '9000031388', 15, '142300.00', '142300.00'],
  ['D001', '9000031542', 4, '85520.00', '85520.00'],
  ['D002', '9000031177', 38, '96480.50', '96480.50'],
  ['D002', '9000031460', 12, '116280.00', '116280.00'],
  ['D003', '9000031150', 28, '72400.00', '72400.00'],
  ['D003', '9000031322', 19, '63800.00', '63800.00'],
  ['D003', '9000031511', 6, '51800.00', '51800.00'],
  ['D004', '9000030876', 48, '26650.00', '8650.00'], // part-paid, 18 days overdue
  ['D004', '9000031298', 22, '31200.00', '31200.00'],
  ['D004', '9000031497', 9, '24530.00', '24530.00'],
];

// ---------------------------------------------------------------------------------------------
// Row types (one per table) and the builder.

/** The data set as rows, one array per table; codes (dealer, SKU, warehouse, list) stand for ids. */
export interface DemoDataSet {
  regions: { code: string; name: string }[];
  dealers: { code: string; name: string; tier: string; cooperationSince: string; paymentTermsDays: number }[];
  dealerRegions: { dealerCode: string; regionCode: string; validFrom: string }[];
  shipTos: { dealerCode: string; code: string; name: string; address: string; regionCode: string; contact: string; phone: string }[];
  products: {
    sku: string; name: string; uom: string; packSize: number; roundToPack: boolean; shelfLifeDays: number;
    minRemainingShelfLifeDays: number | null; category: string; brand: string;
  }[];
  priceLists: { code: string; name: string; currency: string; tier: string | null; dealerCode: string | null; validFrom: string; validTo: string | null }[];
  prices: { priceListCode: string; sku: string; minQty: number; unitPrice: string }[];
  warehouses: { code: string; name: string; regionCode: string; priority: number }[];
  stockLots: {
    sku: string; warehouseCode: string; lot: string; productionDate: string; expiryDate: string;
    receivedAt: string; onHand: number; syncedAt: string;
  }[];
  safetyStock: { sku: string; warehouseCode: string; qty: number }[];
  creditAccounts: {
    dealerCode: string; currency: string; creditLimit: string; arOpen: string; overdue: string;
    oldestOverdueDays: number; syncedAt: string;
  }[];
  arOpenItems: {
    dealerCode: string; documentNo: string; documentDate: string; dueDate: string; currency: string;
    amount: string; openAmount: string; syncedAt: string;
  }[];
}

const DAY_MS = 86_400_000;
/** Asia/Shanghai is UTC+8 all year (no DST), so its calendar date is a fixed shift of UTC. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The calendar date (YYYY-MM-DD, Asia/Shanghai) `days` after the date of `now`; negative = before. */
export function demoDate(now: Date, days: number): string {
  return new Date(now.getTime() + SHANGHAI_OFFSET_MS + days * DAY_MS).toISOString().slice(0, 10);
}

/** The whole demo data set as rows, with dates relative to `now`. */
export function buildDemoData(now: Date): DemoDataSet {
  const syncedAt = now.toISOString();
  const shelfLife = new Map(PRODUCTS.map((p) => [p[0], p[5]]));
  const termsDays = new Map(DEALERS.map((d) => [d[0], d[4]]));

  const lotRow = (sku: string, warehouseCode: string, ageDays: number, onHand: number, series: string) => {
    const life = shelfLife.get(sku);
    if (life === undefined) throw new Error(`demo data: unknown SKU ${sku}`);
    const productionDate = demoDate(now, -ageDays);
    return {
      sku,
      warehouseCode,
      lot: `L${productionDate.replaceAll('-', '')}${series}`,
      productionDate,
      expiryDate: demoDate(now, life - ageDays),
      // Two days from the plant to the warehouse, never later than today.
      receivedAt: demoDate(now, -ageDays + Math.min(2, ageDays)),
      onHand,
      syncedAt,
    };
  };

  const ladderLots = PRODUCTS.filter(([sku]) => !OFF_LADDER.has(sku)).flatMap(([sku, , , pack, , life], index) =>
    WAREHOUSES.flatMap(([warehouse, , , , scale]) =>
      // index % 3 staggers production days so SKUs do not all share the same lot dates.
      LOT_LADDER.map(([ageShare, cases]) =>
        lotRow(sku, warehouse, Math.round(ageShare * life) + (index % 3), Math.max(1, Math.round(cases * scale)) * pack, 'A'),
      ),
    ),
  );

  return {
    regions: REGIONS.map(([code, name]) => ({ code, name })),
    dealers: DEALERS.map(([code, name, tier, cooperationSince, paymentTermsDays]) => ({
      code, name, tier, cooperationSince, paymentTermsDays,
    })),
    dealerRegions: DEALERS.flatMap(([dealerCode, , , validFrom, , regions]) =>
      regions.map((regionCode) => ({ dealerCode, regionCode, validFrom })),
    ),
    shipTos: SHIP_TOS.map(([dealerCode, code, name, address, regionCode, contact, phone]) => ({
      dealerCode, code, name, address, regionCode, contact, phone,
    })),
    products: PRODUCTS.map(([sku, name, uom, packSize, roundToPack, shelfLifeDays, category, brand, minDays]) => ({
      sku, name, uom, packSize, roundToPack, shelfLifeDays, minRemainingShelfLifeDays: minDays, category, brand,
    })),
    priceLists: [
      { code: 'TIER-A', name: '一级经销商价格表', currency: 'CNY', tier: 'A', dealerCode: null, validFrom: demoDate(now, -365), validTo: null },
      { code: 'TIER-B', name: '二级经销商价格表', currency: 'CNY', tier: 'B', dealerCode: null, validFrom: demoDate(now, -365), validTo: null },
      { code: 'D001-KA', name: '鹏程食品专项价', currency: 'CNY', tier: null, dealerCode: 'D001', validFrom: demoDate(now, -30), validTo: demoDate(now, 60) },
    ],
    prices: [
      ...PRODUCTS.flatMap(([sku, , , , , , , , , tierA, tierB]) => [
        { priceListCode: 'TIER-A', sku, minQty: 1, unitPrice: tierA },
        { priceListCode: 'TIER-B', sku, minQty: 1, unitPrice: tierB },
      ]),
      ...QUANTITY_BREAKS.map(([priceListCode, sku, minQty, unitPrice]) => ({ priceListCode, sku, minQty, unitPrice })),
      ...D001_OVERRIDES.map(([sku, unitPrice]) => ({ priceListCode: 'D001-KA', sku, minQty: 1, unitPrice })),
    ],
    warehouses: WAREHOUSES.map(([code, name, regionCode, priority]) => ({ code, name, regionCode, priority })),
    stockLots: [
      ...ladderLots,
      ...SPECIAL_LOTS.map(([sku, warehouse, ageDays, onHand]) => lotRow(sku, warehouse, ageDays, onHand, 'B')),
    ],
    safetyStock: SAFETY_STOCK.map(([sku, warehouseCode, qty]) => ({ sku, warehouseCode, qty })),
    creditAccounts: CREDIT.map(([dealerCode, creditLimit, arOpen, overdue, oldestOverdueDays]) => ({
      dealerCode, currency: 'CNY', creditLimit, arOpen, overdue, oldestOverdueDays, syncedAt,
    })),
    arOpenItems: AR_OPEN_ITEMS.map(([dealerCode, documentNo, ageDays, amount, openAmount]) => ({
      dealerCode,
      documentNo,
      documentDate: demoDate(now, -ageDays),
      dueDate: demoDate(now, -ageDays + (termsDays.get(dealerCode) ?? 30)),
      currency: 'CNY',
      amount,
      openAmount,
      syncedAt,
    })),
  };
}
