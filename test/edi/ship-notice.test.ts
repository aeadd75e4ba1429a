/**
 * X12 856 and EANCOM DESADV from a ship notice (pure): re-parsed with node-x12 and our own
 * readers; one item level per lot; delimiters in free text never break the structure.
 */
import { describe, expect, it } from 'vitest';
import { readEdifact } from '../../src/edi/edifact/envelope.js';
import { writeDesadv } from '../../src/edi/outbound/desadv.js';
import { shippedQuantity, type ShipNotice } from '../../src/edi/outbound/ship-notice.js';
import { write856 } from '../../src/edi/outbound/x12-856.js';
import { parseX12 } from '../../src/edi/x12/envelope.js';
import { nodeX12, segmentsOf } from './support/edi-app.js';

const NOW = new Date(Date.UTC(2026, 10, 25, 8, 15));
const notice: ShipNotice = {
  shipmentId: 'DH2611250000042',
  orderNumber: 'DH2611250000042',
  poNumber: 'PO-77',
  poDate: '2026-11-24',
  shippedAt: new Date(Date.UTC(2026, 10, 25, 3, 30)),
  carrier: 'SF Express*Intl',
  trackingNumber: 'SF1234567',
  parties: [
    { role: 'ST', idQualifier: 'UL', id: '6901234000017', name: 'Store 17' },
    { role: 'BY', idQualifier: 'UL', id: '6901234000000', name: 'HQ' },
  ],
  lines: [
    { poLineNo: '1', items: [{ qualifier: 'UP', id: '00012345600012' }], sku: 'MLK-250-24', qty: 48, unit: 'CA', lots: [{ lot: 'L2611A', qty: 30, expiry: '2027-03-01' }, { lot: 'L2611B', qty: 18, expiry: '2027-04-01' }] },
    { poLineNo: '2', items: [{ qualifier: 'EN', id: '4000862141404' }], sku: 'MLK-LF250-24', qty: 24, unit: null, lots: [] },
  ],
};
const ISA = { senderQualifier: 'ZZ', senderId: 'DEALERHUB', receiverQualifier: 'ZZ', receiverId: 'CHAINA', controlNumber: 17, date: NOW };
const GROUP = { senderCode: 'DEALERHUB', receiverCode: 'CHAINA', controlNumber: 17, version: '004010' };

describe('X12 856', () => {
  const text = write856(notice, { interchange: ISA, group: GROUP, setControlNumber: 17 });

  it('re-parses with node-x12 and our reader, with matching counts', () => {
    const ours = parseX12(text);
    expect(ours.warnings).toEqual([]);
    const set = ours.interchanges[0]!.groups[0]!.sets[0]!;
    expect(ours.interchanges[0]!.groups[0]!.functionalId).toBe('SH');
    const theirs = nodeX12(text);
    const t = theirs.functionalGroups[0]!.transactions[0]!;
    expect(Number(t.trailer.elements[0]!.value)).toBe(set.segments.length);
    expect(t.header.elements[0]!.value).toBe('856');
  });

  it('has shipment, order and one item level per lot, with the quantities and the hash total', () => {
    const segs = segmentsOf(nodeX12(text));
    expect(segs[0]).toEqual(['BSN', '00', 'DH2611250000042', '20261125', '0330', '0001']);
    const hls = segs.filter((s) => s[0] === 'HL').map((s) => s.slice(1));
    expect(hls).toEqual([['1', '', 'S'], ['2', '1', 'O'], ['3', '2', 'I'], ['4', '2', 'I'], ['5', '2', 'I']]);
    // The carrier's name holds the element separator: it is replaced, not sent raw.
    expect(segs.find((s) => s[0] === 'TD5')).toEqual(['TD5', 'B', '', '', '', 'SF Express Intl']);
    expect(segs.filter((s) => s[0] === 'LIN')).toEqual([
      ['LIN', '1', 'UP', '00012345600012', 'VN', 'MLK-250-24', 'LT', 'L2611A'],
      ['LIN', '1', 'UP', '00012345600012', 'VN', 'MLK-250-24', 'LT', 'L2611B'],
      ['LIN', '2', 'EN', '4000862141404', 'VN', 'MLK-LF250-24'],
    ]);
    expect(segs.filter((s) => s[0] === 'SN1').map((s) => s.slice(2))).toEqual([['30', 'CA'], ['18', 'CA'], ['24', 'EA']]);
    expect(segs.filter((s) => s[0] === 'DTM' && s[1] === '036').map((s) => s[2])).toEqual(['20270301', '20270401']);
    expect(segs[segs.length - 1]).toEqual(['CTT', '3', String(shippedQuantity(notice))]);
  });
});

describe('EANCOM DESADV', () => {
  const text = writeDesadv(notice, { interchange: { sender: { id: '6900000000001', qualifier: '14' }, recipient: { id: '6901234000000', qualifier: '14' }, date: NOW, controlRef: '17' }, messageRef: '17' });

  it('re-parses with our EDIFACT reader (control counts checked strictly)', () => {
    const [ic] = readEdifact(Buffer.from(text, 'latin1'));
    expect(ic!.controlRef).toBe('17');
    const msg = ic!.messages[0]!;
    expect([msg.type, msg.version, msg.release, msg.association]).toEqual(['DESADV', 'D', '96A', 'EAN007']);
    const tags = msg.segments.map((s) => s.tag);
    expect(tags.filter((t) => t === 'LIN')).toHaveLength(3);
    const qty = msg.segments.filter((s) => s.tag === 'QTY').map((s) => s.elements[1]);
    expect(qty).toEqual([['12', '30'], ['12', '18'], ['12', '24']]);
    const pia = msg.segments.filter((s) => s.tag === 'PIA').map((s) => s.elements.slice(2).map((e) => e[0]));
    expect(pia).toEqual([['MLK-250-24', 'L2611A'], ['MLK-250-24', 'L2611B'], ['MLK-LF250-24']]);
    expect(msg.segments.find((s) => s.tag === 'RFF' && s.elements[1]![0] === 'CN')!.elements[1]).toEqual(['CN', 'SF1234567']);
    expect(msg.segments.find((s) => s.tag === 'TDT')!.elements[5]![3]).toBe('SF Express*Intl');
    expect(msg.segments.find((s) => s.tag === 'CNT')!.elements[1]).toEqual(['2', '3']);
  });
});
