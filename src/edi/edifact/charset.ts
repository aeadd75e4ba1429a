/**
 * UNB S001 0001 syntax identifier → character set. UNOA/UNOB are ASCII subsets (decoded as
 * Latin-1, identical below 0x80); UNOC … UNOK are the ISO 8859 parts; UNOW and UNOY are read as
 * UTF-8. UNOX (ISO 2022, stateful) is not supported and, like any unknown identifier, rejected.
 */
import { TextDecoder } from 'node:util';
export type Charset = 'latin1' | 'utf-8' | `iso-8859-${number}`;

const SYNTAX_CHARSETS: Record<string, Charset> = {
  UNOA: 'latin1',
  UNOB: 'latin1',
  UNOC: 'latin1',
  UNOD: 'iso-8859-2',
  UNOE: 'iso-8859-5',
  UNOF: 'iso-8859-7',
  UNOG: 'iso-8859-3',
  UNOH: 'iso-8859-4',
  UNOI: 'iso-8859-6',
  UNOJ: 'iso-8859-8',
  UNOK: 'iso-8859-9',
  UNOW: 'utf-8',
  UNOY: 'utf-8',
  // IATA's own syntax identifiers (airline messages): level-A/B character repertoires, ASCII.
  IATA: 'latin1',
  IATB: 'latin1',
};

export function charsetFor(syntaxId: string): Charset | null {
  const cs = SYNTAX_CHARSETS[syntaxId];
  if (!cs) return null;
  if (cs.startsWith('iso-8859-') && !decoderFor(cs)) return null;
  return cs;
}

const decoders = new Map<string, TextDecoder | null>();

function decoderFor(cs: string): TextDecoder | null {
  let d = decoders.get(cs);
  if (d === undefined) {
    try {
      d = new TextDecoder(cs);
      // WHATWG maps several ISO 8859 labels to windows-125x; only accept a true match.
      if (d.encoding !== cs) d = null;
    } catch {
      d = null;
    }
    decoders.set(cs, d);
  }
  return d;
}

const utf8 = new TextDecoder('utf-8');

export function bytesToText(bytes: Uint8Array, cs: Charset): string {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii || cs === 'latin1') return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  if (cs === 'utf-8') return utf8.decode(bytes);
  return decoderFor(cs)!.decode(bytes);
}
