/**
 * Credentials must never reach a log line or an error message. Two tools: URLs lose their
 * user:pass and credential-like query values; free text loses every known secret value (an
 * upstream error body may echo what we sent) and anything after `Basic `/`Bearer `.
 */
const SENSITIVE_PARAM = /^(access_token|token|api[-_]?key|apikey|key|client_secret|secret|password|pwd|sig|signature)$/i;
const REDACTED = '[redacted]';

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * `https://user:pw@host/p?api_key=x&a=1` → `https://host/p?api_key=[redacted]&a=1`. Works on
 * the text as it is (no re-encoding), so an OData `$filter` stays readable.
 */
export function scrubUrl(url: string, extraParams: readonly string[] = []): string {
  const extra = new Set(extraParams.map((name) => name.toLowerCase()));
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/i, '$1')
    .replace(/([?&])([^=&#\s]+)=([^&#\s]*)/g, (whole, separator: string, name: string) => {
      const decoded = safeDecode(name);
      return SENSITIVE_PARAM.test(decoded) || extra.has(decoded.toLowerCase()) ? `${separator}${name}=${REDACTED}` : whole;
    });
}

/** A scrubbed URL for people to read: percent-escapes decoded (`$filter=Plant eq '1010'`). */
export function displayUrl(url: string, extraParams: readonly string[] = []): string {
  return safeDecode(scrubUrl(url, extraParams));
}

/** Every URL inside a piece of text, scrubbed. */
export function scrubUrlsIn(text: string, extraParams: readonly string[] = []): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (url) => scrubUrl(url, extraParams));
}

/** Replaces every occurrence of the given secret values (plain and URL-encoded). */
export class SecretScrubber {
  private readonly values: string[];

  constructor(secrets: ReadonlyArray<string | undefined>) {
    const variants = new Set<string>();
    for (const secret of secrets) {
      if (!secret || secret.length < 3) continue;
      variants.add(secret);
      variants.add(encodeURIComponent(secret));
    }
    // Longest first, so a secret containing another is replaced whole.
    this.values = [...variants].sort((a, b) => b.length - a.length);
  }

  /** `user:password` in base64, as it travels in a Basic Authorization header. */
  static forBasic(username: string, password: string): string {
    return Buffer.from(`${username}:${password}`).toString('base64');
  }

  scrub(text: string): string {
    let out = text;
    for (const value of this.values) out = out.split(value).join(REDACTED);
    return out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${REDACTED}`);
  }
}
