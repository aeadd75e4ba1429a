/**
 * The one place where an HTTP failure becomes a dealer-hub error: what the caller should do
 * (retry later, hold, fix the configuration) plus the upstream's own words, never credentials.
 */
import { isAxiosError } from 'axios';
import { ConfigError, TransientError, UpstreamRejectedError } from '../../core/errors.js';
import { displayUrl, type SecretScrubber } from './scrub.js';

export interface ErrorContext {
  /** Names the system in messages: `sap s4`, `http wms`. */
  system: string;
  scrubber: SecretScrubber;
  /** Extra query parameter names to hide in URLs (an API key's parameter). */
  secretParams?: readonly string[];
  /** A 404 means the configured path/service is wrong (reads of collections): ConfigError. */
  notFoundIsConfig?: boolean;
  timeoutMs?: number;
  now?: () => Date;
  /** Longest Retry-After honoured, in ms; longer values are reported as they are. */
  maxRetryAfterMs?: number;
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ENETUNREACH', 'EHOSTUNREACH', 'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/** `Retry-After: 120` or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT` → ms from `now` (≥ 0). */
export function parseRetryAfter(value: unknown, now: Date = new Date()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== 'string' && typeof text !== 'number') return undefined;
  const trimmed = String(text).trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

function firstString(...values: unknown[]): string | undefined {
  for (const value of values) if (typeof value === 'string' && value.trim()) return value.trim();
  return undefined;
}

/**
 * The upstream's explanation from an error body: OData v2/v4 JSON (`error.message.value`,
 * `error.innererror.errordetails[].message`), OData XML (`<message>`), or common REST shapes
 * (`message`, `error_description`, `errors[].message`, `detail`, `title`).
 */
export function upstreamMessage(body: unknown): string | undefined {
  if (typeof body === 'string') {
    const trimmed = body.trim();
    if (trimmed.startsWith('{')) {
      try {
        return upstreamMessage(JSON.parse(trimmed));
      } catch {
        return trimmed.slice(0, 300);
      }
    }
    const xml = /<message[^>]*>([^<]+)<\/message>/i.exec(trimmed);
    if (xml?.[1]) return xml[1].trim();
    return trimmed ? trimmed.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300) : undefined;
  }
  if (!body || typeof body !== 'object') return undefined;
  // Error bodies are untyped JSON of many shapes; probe them loosely.
  const b = body as Record<string, any>;
  const error = b.error;
  if (error && typeof error === 'object') {
    const main = firstString(error.message?.value, error.message);
    const details: unknown[] = Array.isArray(error.innererror?.errordetails) ? error.innererror.errordetails : Array.isArray(error.details) ? error.details : [];
    const extra = details
      .map((d) => firstString((d as Record<string, unknown>)?.message))
      .filter((m): m is string => Boolean(m) && m !== main);
    const code = firstString(error.code);
    const text = [main, ...new Set(extra)].filter(Boolean).join('; ');
    if (text) return code ? `${text} [${code}]` : text;
  }
  const fromErrors = Array.isArray(b.errors) ? firstString(...b.errors.map((e: any) => e?.message ?? e)) : undefined;
  return firstString(b.error_description, b.message, fromErrors, b.detail, b.title, typeof error === 'string' ? error : undefined);
}

/** Translates anything thrown by an axios call. An abort is passed through as its reason. */
export function translateHttpError(error: unknown, context: ErrorContext, signal?: AbortSignal): Error {
  if (signal?.aborted) return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason ?? 'aborted'));
  const clean = (text: string) => context.scrubber.scrub(text);
  if (!isAxiosError(error)) {
    if (error instanceof TransientError || error instanceof ConfigError || error instanceof UpstreamRejectedError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new TransientError(clean(`${context.system}: request failed: ${message}`));
  }
  const method = (error.config?.method ?? 'get').toUpperCase();
  const rawUrl = error.config ? axiosUrl(error.config.baseURL, error.config.url) : '';
  const url = displayUrl(rawUrl, context.secretParams);
  const where = `${context.system}: ${method} ${url}`;
  const response = error.response;
  if (!response) {
    const code = error.code ?? 'ERR_NETWORK';
    if (code === 'ETIMEDOUT' || code === 'ECONNABORTED') {
      return new TransientError(clean(`${where} timed out${context.timeoutMs ? ` after ${context.timeoutMs} ms` : ''}`), { code, url });
    }
    if (code === 'ERR_CANCELED') return new TransientError(clean(`${where} was cancelled`), { code, url });
    const known = TRANSIENT_CODES.has(code) || code === 'ERR_NETWORK';
    return new TransientError(clean(`${where} failed: ${known ? code : error.message}`), { code, url });
  }
  const status = response.status;
  const said = upstreamMessage(response.data);
  const suffix = said ? `: ${said}` : '';
  const details = { status, url, upstreamMessage: said ? clean(said) : undefined };
  if (status >= 500 || status === 408 || status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers?.['retry-after'], context.now?.() ?? new Date());
    return new TransientError(clean(`${where} answered ${status}${suffix}`), { ...details, retryAfterMs });
  }
  if (status === 401) return new ConfigError(clean(`${where} answered 401: credentials rejected${suffix}`), details);
  if (status === 403) return new ConfigError(clean(`${where} answered 403: not authorised for this resource${suffix}`), details);
  if (status === 404 && context.notFoundIsConfig !== false) {
    return new ConfigError(clean(`${where} answered 404: service or path not found — check baseUrl and paths${suffix}`), details);
  }
  return new UpstreamRejectedError(clean(`${where} rejected the request (${status})${suffix}`), details);
}

function axiosUrl(base: string | undefined, url: string | undefined): string {
  if (!url) return base ?? '';
  if (/^https?:\/\//i.test(url) || !base) return url;
  return `${base.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
}
