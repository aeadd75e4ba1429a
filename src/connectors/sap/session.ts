/**
 * An OData v2 session with SAP Gateway for writing. Gateway refuses a modifying request
 * (POST/PUT/PATCH/MERGE/DELETE) without an `x-csrf-token`, and the token is bound to the session
 * its fetch opened, so the session cookies (`SAP_SESSIONID_<SID>_<client>`, `sap-usercontext`)
 * must travel with it. The session:
 *
 * - fetches the token with `GET <service>/` and `x-csrf-token: Fetch`, keeps the token and every
 *   cookie the answers set, and sends both with each modifying request (cookies with every request);
 * - on `403` with `x-csrf-token: Required` (token expired, session ended) fetches a new token once
 *   and repeats the request once;
 * - on `401` with OAuth2, drops the cached access token and repeats once (as the read client does).
 *
 * Unlike the read client (../shared/client.ts) it does not retry transient failures in-process:
 * a POST that timed out may have created the order, so the caller (the outbox relay) retries the
 * whole delivery, which looks the order up before creating it again. Errors leave as
 * `SapHttpError` with the status and SAP's message; the order target decides what they mean.
 * Messages never carry credentials, the token or cookies.
 */
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { TransientError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { createAuth, type AuthOptions } from '../shared/auth.js';
import { translateHttpError, upstreamMessage } from '../shared/errors.js';
import { displayUrl, SecretScrubber, scrubUrlsIn } from '../shared/scrub.js';

export interface SapSessionOptions {
  /** Names the system in messages: `sap s4.example.com`. */
  system: string;
  baseUrl: string;
  /** Service name appended to baseUrl, e.g. API_SALES_ORDER_SRV. */
  service: string;
  /** sap-client, sent as a query parameter with every request. */
  client?: string;
  auth: AuthOptions;
  timeoutMs: number;
  logger: Logger;
  now: () => Date;
}

export interface SapResponse<T = unknown> {
  status: number;
  data: T;
  headers: Record<string, string | undefined>;
}

/** An HTTP answer from SAP that was not 2xx, with SAP's own words. */
export class SapHttpError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** SAP's message (error.message.value + innererror.errordetails), scrubbed; undefined when the body had none. */
    readonly sapMessage: string | undefined,
  ) {
    super(message);
    this.name = 'SapHttpError';
  }
}

export interface SapSession {
  /** GET `<service>/<path>` (path may carry a query; `sap-client` and `$format=json` are added). */
  get<T = unknown>(path: string, signal: AbortSignal): Promise<SapResponse<T>>;
  /** A modifying request with the CSRF token and session cookies. */
  modify<T = unknown>(method: 'POST' | 'PATCH', path: string, body: unknown, signal: AbortSignal): Promise<SapResponse<T>>;
  scrub(text: string): string;
}

/**
 * SAP's explanation from an error body: `error.message.value` plus the distinct
 * `innererror.errordetails[].message` of severity error (Gateway's generic wrapper
 * "/IWBEP/CX_MGW_BUSI_EXCEPTION" left out), or whatever ../shared/errors.ts finds in other shapes.
 */
export function sapErrorMessage(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === 'string' && body.trim().startsWith('{')) {
    try {
      parsed = JSON.parse(body);
    } catch {
      /* not JSON after all */
    }
  }
  // Error bodies are untyped JSON; probe loosely.
  const error = parsed && typeof parsed === 'object' ? (parsed as { error?: any }).error : undefined;
  if (error && typeof error === 'object') {
    const main = typeof error.message?.value === 'string' ? error.message.value.trim() : typeof error.message === 'string' ? error.message.trim() : '';
    const details: unknown[] = Array.isArray(error.innererror?.errordetails) ? error.innererror.errordetails : [];
    const extra: string[] = [];
    for (const detail of details) {
      const d = detail as { code?: unknown; message?: unknown; severity?: unknown };
      if (typeof d.message !== 'string' || !d.message.trim()) continue;
      if (d.severity !== undefined && d.severity !== 'error') continue;
      if (typeof d.code === 'string' && d.code.startsWith('/IWBEP/CX_MGW_BUSI_EXCEPTION')) continue;
      const text = d.message.trim();
      if (text !== main && !extra.includes(text)) extra.push(text);
    }
    const text = [main, ...extra].filter(Boolean).join('; ');
    if (text) return text;
  }
  return upstreamMessage(parsed);
}

const CSRF_HEADER = 'x-csrf-token';
const SECRET_COOKIE = /session|sso|xsrf|token|auth/i;

export function createSapSession(options: SapSessionOptions): SapSession {
  const auth = createAuth(options.auth, { system: options.system, timeoutMs: options.timeoutMs, now: options.now });
  const http: AxiosInstance = axios.create({
    timeout: options.timeoutMs,
    headers: { Accept: 'application/json' },
    transitional: { clarifyTimeoutError: true },
    // Every status comes back as a response; only transport failures throw.
    validateStatus: () => true,
    maxRedirects: 0,
  });
  const serviceUrl = `${options.baseUrl.replace(/\/+$/, '')}/${options.service.replace(/^\/+|\/+$/g, '')}`;
  const cookies = new Map<string, string>();
  let token: string | undefined;
  /** A fetch has run (SAP may send no token at all when CSRF protection is off for the service). */
  let fetched = false;
  let pendingToken: Promise<string | undefined> | undefined;

  // The token and the session / SSO cookies are credentials too (not sap-usercontext=sap-client=100).
  const scrubber = () => new SecretScrubber([...auth.secrets, token, ...[...cookies].filter(([name]) => SECRET_COOKIE.test(name)).map(([, value]) => value)]);
  const scrub = (text: string) => scrubber().scrub(scrubUrlsIn(text, auth.secretParams));

  function url(path: string, json: boolean): string {
    const [pathPart, query = ''] = path.split('?', 2) as [string, string?];
    const params = query ? query.split('&') : [];
    if (json && !params.some((p) => p.startsWith('$format='))) params.push('$format=json');
    if (options.client && !params.some((p) => p.startsWith('sap-client='))) params.push(`sap-client=${encodeURIComponent(options.client)}`);
    const base = pathPart ? `${serviceUrl}/${pathPart.replace(/^\/+/, '')}` : `${serviceUrl}/`;
    return params.length > 0 ? `${base}?${params.join('&')}` : base;
  }

  function keepCookies(response: AxiosResponse): void {
    const raw = response.headers?.['set-cookie'];
    const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
    for (const line of list) {
      const pair = line.split(';', 1)[0]!;
      const at = pair.indexOf('=');
      if (at <= 0) continue;
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expires = /;\s*expires=([^;]+)/i.exec(line)?.[1];
      const expired = /;\s*max-age=(0|-\d+)\s*(;|$)/i.test(line) || (expires !== undefined && Date.parse(expires) <= options.now().getTime());
      if (!value || expired) cookies.delete(name); // a logoff clears the session cookie
      else cookies.set(name, value);
    }
  }

  function cookieHeader(): Record<string, string> {
    return cookies.size > 0 ? { Cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') } : {};
  }

  function headersOf(response: AxiosResponse): Record<string, string | undefined> {
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(response.headers ?? {})) {
      if (name.toLowerCase() === 'set-cookie') continue;
      headers[name.toLowerCase()] = value == null ? undefined : String(value);
    }
    return headers;
  }

  /** One request; transport failures → TransientError (timeouts, resets), OAuth2 401 → refresh once. */
  async function send(method: string, target: string, headers: Record<string, string>, data: unknown, signal: AbortSignal): Promise<AxiosResponse> {
    let refreshed = false;
    for (;;) {
      const applied = await auth.apply(signal);
      const extra = Object.entries(applied.query).map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
      const full = extra.length === 0 ? target : `${target}${target.includes('?') ? '&' : '?'}${extra.join('&')}`;
      let response: AxiosResponse;
      try {
        response = await http.request({ method, url: full, headers: { ...headers, ...cookieHeader(), ...applied.headers }, data, signal });
      } catch (error) {
        // No answer (every status is a response here): a timeout, reset or refused connection →
        // TransientError; an abort passes through as its reason.
        throw translateHttpError(error, { system: options.system, scrubber: scrubber(), secretParams: auth.secretParams, timeoutMs: options.timeoutMs, now: options.now }, signal);
      }
      keepCookies(response);
      if (response.status === 401 && auth.refreshable && !refreshed) {
        auth.invalidate();
        refreshed = true;
        continue;
      }
      return response;
    }
  }

  async function fetchToken(signal: AbortSignal): Promise<string | undefined> {
    const target = url('', true);
    const response = await send('GET', target, { [CSRF_HEADER]: 'Fetch' }, undefined, signal);
    if (response.status < 200 || response.status >= 300) {
      // Whatever the status, a failed token fetch says nothing about the order: never a rejection.
      const error = failure('GET', target, response, ' (fetching the CSRF token)');
      throw new TransientError(error.message, { status: error.status, upstreamMessage: error.sapMessage });
    }
    const sent = response.headers?.[CSRF_HEADER];
    const value = typeof sent === 'string' && sent && sent.toLowerCase() !== 'required' ? sent : undefined;
    if (!value) options.logger.debug({ system: options.system }, 'SAP sent no x-csrf-token; modifying requests go without one');
    token = value;
    fetched = true;
    return value;
  }

  function ensureToken(signal: AbortSignal, renew: boolean): Promise<string | undefined> {
    if (!renew && fetched) return Promise.resolve(token);
    pendingToken ??= fetchToken(signal).finally(() => {
      pendingToken = undefined;
    });
    return pendingToken;
  }

  function failure(method: string, target: string, response: AxiosResponse, context = ''): SapHttpError {
    const said = sapErrorMessage(response.data);
    const where = `${options.system}: ${method} ${displayUrl(target, auth.secretParams)}${context}`;
    const status = response.status;
    const meaning =
      status === 401 ? ': credentials rejected' : status === 403 ? ': not authorised' : status === 404 ? ': not found' : '';
    return new SapHttpError(scrub(`${where} answered ${status}${meaning}${said ? `: ${said}` : ''}`), status, said ? scrub(said) : undefined);
  }

  function ok<T>(method: string, target: string, response: AxiosResponse): SapResponse<T> {
    if (response.status < 200 || response.status >= 300) throw failure(method, target, response);
    return { status: response.status, data: response.data as T, headers: headersOf(response) };
  }

  return {
    scrub,
    async get<T>(path: string, signal: AbortSignal) {
      const target = url(path, true);
      return ok<T>('GET', target, await send('GET', target, {}, undefined, signal));
    },
    async modify<T>(method: 'POST' | 'PATCH', path: string, body: unknown, signal: AbortSignal) {
      const target = url(path, false);
      const headers = (csrf: string | undefined): Record<string, string> => ({
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(csrf ? { [CSRF_HEADER]: csrf } : {}),
      });
      let response = await send(method, target, headers(await ensureToken(signal, false)), body, signal);
      if (response.status === 403 && String(response.headers?.[CSRF_HEADER] ?? '').toLowerCase() === 'required') {
        options.logger.info({ system: options.system }, 'SAP CSRF token expired; fetching a new one');
        response = await send(method, target, headers(await ensureToken(signal, true)), body, signal);
      }
      return ok<T>(method, target, response);
    },
  };
}
