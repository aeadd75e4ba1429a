/**
 * The HTTP client every REST/OData connector uses: one axios instance per connector instance,
 * a per-request timeout, authentication, p-retry around each request for transient failures
 * (network errors, timeouts, 5xx, 408, 429) with exponential backoff and jitter, `Retry-After`
 * honoured up to a cap, no retry for other 4xx, and errors translated once (./errors.ts).
 */
import axios, { isAxiosError, type AxiosInstance } from 'axios';
import pRetry from 'p-retry';
import { z } from 'zod';
import { TransientError, UpstreamRejectedError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { createAuth, type AuthOptions, type AuthProvider } from './auth.js';
import { translateHttpError, type ErrorContext } from './errors.js';
import { displayUrl, SecretScrubber, scrubUrlsIn } from './scrub.js';

export const retrySchema = z
  .object({
    /** Retries after the first attempt, for transient failures only. */
    retries: z.number().int().min(0).max(20).default(4),
    /** First backoff delay in ms; doubles per retry, randomised ×1–2 (jitter). */
    minDelayMs: z.number().int().min(0).default(500),
    maxDelayMs: z.number().int().min(0).default(30_000),
    /** Longest Retry-After waited in-process, in ms; a longer one ends the request (the job retries later). */
    maxRetryAfterMs: z.number().int().min(0).default(120_000),
  })
  .strict();
export type RetryOptions = z.infer<typeof retrySchema>;

export interface HttpClientOptions {
  /** Names the system in messages and logs, e.g. `sap s4`. */
  system: string;
  baseUrl: string;
  auth: AuthOptions;
  timeoutMs: number;
  retry: RetryOptions;
  headers?: Record<string, string>;
  /** A 404 is a configuration error (wrong service/path) unless told otherwise. */
  notFoundIsConfig?: boolean;
  logger: Logger;
  now: () => Date;
  /** Waits for Retry-After; injectable so tests can assert the wait without spending it. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface HttpResponse<T> {
  status: number;
  data: T;
  headers: Record<string, string | undefined>;
  /** The URL requested (absolute, before auth query parameters). */
  url: string;
}

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  /** Absolute (same origin as baseUrl) or a path appended to baseUrl. */
  url: string;
  headers?: Record<string, string>;
  data?: unknown;
}

export interface HttpClient {
  request<T = unknown>(request: HttpRequest, signal: AbortSignal): Promise<HttpResponse<T>>;
  get<T = unknown>(url: string, signal: AbortSignal): Promise<HttpResponse<T>>;
  /** baseUrl + path, or an absolute URL checked to stay on baseUrl's origin. */
  resolve(url: string): string;
  /** Text for messages and check details: URLs and known secrets scrubbed. */
  scrub(text: string): string;
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const base = new URL(options.baseUrl);
  const auth: AuthProvider = createAuth(options.auth, { system: options.system, timeoutMs: options.timeoutMs, now: options.now });
  const sleep = options.sleep ?? abortableSleep;
  const axiosInstance: AxiosInstance = axios.create({
    timeout: options.timeoutMs,
    headers: { Accept: 'application/json', ...options.headers },
    transitional: { clarifyTimeoutError: true },
  });
  const scrubber = () => new SecretScrubber(auth.secrets);
  const context = (): ErrorContext => ({
    system: options.system,
    scrubber: scrubber(),
    secretParams: auth.secretParams,
    notFoundIsConfig: options.notFoundIsConfig,
    timeoutMs: options.timeoutMs,
    now: options.now,
  });

  function resolve(url: string): string {
    if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) return `${options.baseUrl.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
    const target = new URL(url);
    if (target.origin !== base.origin) {
      throw new UpstreamRejectedError(`${options.system}: refusing to follow a link to another origin (${target.origin}); credentials would go with it`);
    }
    return target.toString();
  }

  async function attempt<T>(request: HttpRequest, url: string, signal: AbortSignal): Promise<HttpResponse<T>> {
    let refreshed = false;
    for (;;) {
      const applied = await auth.apply(signal);
      // Appended as text: re-serialising through URLSearchParams would re-encode an OData $filter.
      const extra = Object.entries(applied.query).map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
      const target = extra.length === 0 ? url : `${url}${url.includes('?') ? '&' : '?'}${extra.join('&')}`;
      try {
        const response = await axiosInstance.request<T>({
          method: request.method ?? 'GET',
          url: target,
          headers: { ...request.headers, ...applied.headers },
          data: request.data,
          signal,
        });
        const headers: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = value == null ? undefined : String(value);
        return { status: response.status, data: response.data, headers, url };
      } catch (error) {
        // An expired or revoked OAuth2 token: fetch a new one and try once more, outside the retry budget.
        if (!refreshed && auth.refreshable && isAxiosError(error) && error.response?.status === 401) {
          auth.invalidate();
          refreshed = true;
          continue;
        }
        throw translateHttpError(error, context(), signal);
      }
    }
  }

  async function request<T>(req: HttpRequest, signal: AbortSignal): Promise<HttpResponse<T>> {
    const url = resolve(req.url);
    const { retry } = options;
    return pRetry(() => attempt<T>(req, url, signal), {
      retries: retry.retries,
      factor: 2,
      minTimeout: retry.minDelayMs,
      maxTimeout: retry.maxDelayMs,
      randomize: true,
      signal,
      shouldRetry: ({ error }) => error instanceof TransientError && (error.retryAfterMs ?? 0) <= retry.maxRetryAfterMs,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        if (!(error instanceof TransientError) || retriesLeft <= 0) return;
        const waitMs = error.retryAfterMs;
        if (waitMs !== undefined && waitMs > retry.maxRetryAfterMs) return;
        options.logger.warn(
          { system: options.system, url: displayUrl(url, auth.secretParams), attempt: attemptNumber, retriesLeft, retryAfterMs: waitMs, error: error.message },
          'transient upstream failure; retrying',
        );
        if (waitMs) await sleep(waitMs, signal);
      },
    });
  }

  return {
    request,
    get: (url, signal) => request({ url }, signal),
    resolve,
    scrub: (text) => scrubber().scrub(scrubUrlsIn(text, auth.secretParams)),
  };
}
