/**
 * Bytes → text for X12. X12 is ASCII in practice; partners also send UTF-8 (with or without a
 * BOM, sometimes with multi-byte delimiters such as "…") and Latin-1. EBCDIC and UTF-16/32 are
 * rejected clearly instead of being mis-decoded into garbage that fails later with an obscure
 * "no ISA" error.
 */
import { EdiError } from '../types.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** "ISA" in EBCDIC (code page 037/500): I=0xC9 S=0xE2 A=0xC1. */
const EBCDIC_ISA = [0xc9, 0xe2, 0xc1];

function indexOfBytes(buf: Uint8Array, needle: number[], limit: number): number {
  const end = Math.min(buf.length, limit) - needle.length;
  outer: for (let i = 0; i <= end; i++) {
    for (let k = 0; k < needle.length; k++) if (buf[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

export function decodeX12(input: Uint8Array | string): string {
  if (typeof input === 'string') return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const b = input;
  if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff) || (b.length > 1 && (b[0] === 0 || b[1] === 0))) {
    throw new EdiError('Unsupported encoding: UTF-16/UTF-32 (X12 must be ASCII, UTF-8 or Latin-1)', 'X12_UNSUPPORTED_ENCODING', null);
  }
  const asciiIsa = indexOfBytes(b, [0x49, 0x53, 0x41], 4096);
  if (asciiIsa < 0 && indexOfBytes(b, EBCDIC_ISA, 4096) >= 0) {
    throw new EdiError('Unsupported encoding: EBCDIC (found "ISA" in EBCDIC; convert to ASCII before sending)', 'X12_UNSUPPORTED_ENCODING', null);
  }
  const start = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  const body = b.subarray(start);
  try {
    return utf8.decode(body);
  } catch {
    return latin1.decode(body);
  }
}
