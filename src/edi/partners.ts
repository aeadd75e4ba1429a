/**
 * Trading partners (config `edi.partners`, issue 7): which partner sent an interchange, and how
 * its party and item ids become our ship-to codes and SKUs. Pure functions; the intake
 * (intake.ts) does the database look-ups.
 */
import type { EdiPartnerConfig } from '../core/config/schema.js';
import type { PartyRef, PurchaseOrder, PurchaseOrderLine } from './types.js';

export type EdiPartner = EdiPartnerConfig;
export type EdiSyntax = 'x12' | 'edifact';

export interface InterchangeSender {
  qualifier: string | null;
  id: string;
}

/** The partner whose sender ids include this interchange sender (qualifier checked when configured). */
export function partnerForSender(partners: readonly EdiPartner[], syntax: EdiSyntax, sender: InterchangeSender): EdiPartner | undefined {
  const id = sender.id.trim();
  const qualifier = sender.qualifier?.trim() || null;
  return partners.find((p) =>
    (p[syntax]?.senderIds ?? []).some((s) => s.id === id && (s.qualifier === undefined || qualifier === null || s.qualifier === qualifier)),
  );
}

export type ShipToChoice =
  | { ok: true; shipTo: string; source: string }
  | { ok: false; message: string };

const SHIP_ROLES = ['ST', 'DP'];

function describe(p: PartyRef, syntax: EdiSyntax): string {
  return syntax === 'x12' ? `N1*${p.role}${p.id ? ` ${p.idQualifier ?? ''}*${p.id}` : ''}` : `NAD+${p.role}${p.id ? ` ${p.id}` : ''}`;
}

/**
 * Ship-to: the ST/DP party decides when the document has one — an id the partner's `shipTos`
 * does not know fails the document rather than shipping elsewhere. Without ST/DP, a known BY
 * party, then the partner's `defaultShipTo`.
 */
export function chooseShipTo(partner: EdiPartner, po: PurchaseOrder): ShipToChoice {
  const shipParties = po.parties.filter((p) => SHIP_ROLES.includes(p.role.toUpperCase()));
  if (shipParties.length > 0) {
    for (const p of shipParties) {
      const code = p.id ? partner.shipTos[p.id] : undefined;
      if (code) return { ok: true, shipTo: code, source: describe(p, po.syntax) };
    }
    const named = shipParties.map((p) => describe(p, po.syntax)).join(', ');
    return { ok: false, message: `ship-to party ${named} is not in partner ${partner.id}'s shipTos; add its id to edi.partners[].shipTos` };
  }
  for (const p of po.parties.filter((x) => x.role.toUpperCase() === 'BY')) {
    const code = p.id ? partner.shipTos[p.id] : undefined;
    if (code) return { ok: true, shipTo: code, source: describe(p, po.syntax) };
  }
  if (partner.defaultShipTo) return { ok: true, shipTo: partner.defaultShipTo, source: 'defaultShipTo' };
  return { ok: false, message: `purchase order ${po.poNumber} names no ship-to party (${po.syntax === 'x12' ? 'N1*ST' : 'NAD+DP'}) we know, and partner ${partner.id} has no defaultShipTo` };
}

/** The line's item ids, preferred qualifiers first in the configured order, the others after. */
export function itemsByPreference(partner: EdiPartner, syntax: EdiSyntax, line: PurchaseOrderLine): PurchaseOrderLine['items'] {
  const preference = partner.items.qualifierPreference[syntax].map((q) => q.toUpperCase());
  const rank = (q: string) => {
    const i = preference.indexOf(q.toUpperCase());
    return i < 0 ? preference.length : i;
  };
  return [...line.items].sort((a, b) => rank(a.qualifier) - rank(b.qualifier));
}

/**
 * Our SKU for a line: the xref of any of its ids (preferred qualifiers first), else the first id
 * with a preferred qualifier that is one of our SKUs (`knownSkus`). No GTIN column exists in
 * products, so GTINs match only through the xref.
 */
export function skuForLine(partner: EdiPartner, syntax: EdiSyntax, line: PurchaseOrderLine, knownSkus: ReadonlySet<string>): string | undefined {
  const items = itemsByPreference(partner, syntax, line);
  for (const item of items) {
    const sku = partner.items.xref[item.id];
    if (sku) return sku;
  }
  const preference = new Set(partner.items.qualifierPreference[syntax].map((q) => q.toUpperCase()));
  for (const item of items) if (preference.has(item.qualifier.toUpperCase()) && knownSkus.has(item.id)) return item.id;
  return undefined;
}

/** Every id a line could be known by as a SKU (for one look-up of the products table). */
export function candidateSkus(partner: EdiPartner, syntax: EdiSyntax, lines: readonly PurchaseOrderLine[]): string[] {
  const preference = new Set(partner.items.qualifierPreference[syntax].map((q) => q.toUpperCase()));
  const out = new Set<string>();
  for (const line of lines) for (const item of line.items) if (preference.has(item.qualifier.toUpperCase())) out.add(item.id);
  return [...out];
}

export function describeItems(line: PurchaseOrderLine): string {
  return line.items.length === 0 ? '(no item id)' : line.items.map((i) => `${i.qualifier || '?'} ${i.id}`).join(', ');
}
