/**
 * Authentication for outbound HTTP: none, basic, bearer, API key (header or query) and OAuth2
 * client credentials. OAuth2 tokens are cached until shortly before they expire, fetched once
 * for concurrent callers, and dropped when the API answers 401 (the client then retries once).
 */
import axios from 'axios';
import { z } from 'zod';
import { ConfigError, UpstreamRejectedError } from '../../core/errors.js';
import { SecretScrubber } from './scrub.js';
import { translateHttpError } from './errors.js';

const secret = z.string().min(1, 'must not be empty (use ${ENV_VAR})');

export const authSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z.object({ type: z.literal('basic'), username: secret, password: secret }).strict(),
  z.object({ type: z.literal('bearer'), token: secret }).strict(),
  z
    .object({
      type: z.literal('apiKey'),
      in: z.enum(['header', 'query']).default('header'),
      /** Header or query parameter name, e.g. X-API-Key or api_key. */
      name: z.string().min(1).default('X-API-Key'),
      value: secret,
    })
    .strict(),
  z
    .object({
      type: z.literal('oauth2'),
      tokenUrl: z.url(),
      clientId: secret,
      clientSecret: secret,
      scope: z.string().optional(),
      audience: z.string().optional(),
      /** How the client authenticates at the token endpoint (RFC 6749 §2.3.1). */
      clientAuth: z.enum(['basic', 'body']).default('basic'),
    })
    .strict(),
]);
export type AuthOptions = z.infer<typeof authSchema>;

export interface AuthProvider {
  /** Headers and query parameters for the next request (may fetch a token). */
  apply(signal: AbortSignal): Promise<{ headers: Record<string, string>; query: Record<string, string> }>;
  /** True when a 401 may be cured by fetching a new token. */
  readonly refreshable: boolean;
  invalidate(): void;
  /** Every secret value, for scrubbing messages. */
  readonly secrets: string[];
  /** Query parameter names that carry secrets. */
  readonly secretParams: string[];
}

export interface AuthDeps {
  system: string;
  timeoutMs: number;
  now: () => Date;
}

/** Seconds of token lifetime we give up early, so a token never expires in flight. */
const EXPIRY_MARGIN_S = 60;

/** Credentials that never change: the same headers or query parameters on every request. */
function fixed(applied: { headers?: Record<string, string>; query?: Record<string, string> }, secrets: string[], secretParams: string[] = []): AuthProvider {
  const value = { headers: applied.headers ?? {}, query: applied.query ?? {} };
  return { apply: async () => value, refreshable: false, invalidate() {}, secrets, secretParams };
}

export function createAuth(auth: AuthOptions, deps: AuthDeps): AuthProvider {
  switch (auth.type) {
    case 'none':
      return fixed({}, []);
    case 'basic': {
      const encoded = SecretScrubber.forBasic(auth.username, auth.password);
      return fixed({ headers: { Authorization: `Basic ${encoded}` } }, [auth.password, encoded]);
    }
    case 'bearer':
      return fixed({ headers: { Authorization: `Bearer ${auth.token}` } }, [auth.token]);
    case 'apiKey':
      return auth.in === 'header'
        ? fixed({ headers: { [auth.name]: auth.value } }, [auth.value])
        : fixed({ query: { [auth.name]: auth.value } }, [auth.value], [auth.name]);
    case 'oauth2':
      return createOAuth2(auth, deps);
  }
}

function createOAuth2(auth: Extract<AuthOptions, { type: 'oauth2' }>, deps: AuthDeps): AuthProvider {
  const basic = SecretScrubber.forBasic(auth.clientId, auth.clientSecret);
  const scrubber = new SecretScrubber([auth.clientSecret, basic]);
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function fetchToken(signal: AbortSignal): Promise<string> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (auth.scope) form.set('scope', auth.scope);
    if (auth.audience) form.set('audience', auth.audience);
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
    if (auth.clientAuth === 'basic') headers.Authorization = `Basic ${basic}`;
    else {
      form.set('client_id', auth.clientId);
      form.set('client_secret', auth.clientSecret);
    }
    try {
      const response = await axios.post(auth.tokenUrl, form.toString(), { headers, timeout: deps.timeoutMs, signal, transitional: { clarifyTimeoutError: true } });
      const body = response.data as { access_token?: unknown; expires_in?: unknown };
      if (typeof body?.access_token !== 'string' || !body.access_token) {
        throw new ConfigError(`${deps.system}: the OAuth2 token endpoint answered without an access_token`);
      }
      const lifetime = Number(body.expires_in ?? 3600);
      const seconds = Number.isFinite(lifetime) && lifetime > 0 ? lifetime : 3600;
      cached = { token: body.access_token, expiresAt: deps.now().getTime() + Math.max(seconds - EXPIRY_MARGIN_S, seconds / 2) * 1000 };
      return body.access_token;
    } catch (error) {
      // 400/401 from a token endpoint (invalid_client, invalid_grant) is a configuration problem.
      const translated = translateHttpError(error, { system: `${deps.system} token endpoint`, scrubber, timeoutMs: deps.timeoutMs, now: deps.now }, signal);
      if (translated instanceof UpstreamRejectedError) throw new ConfigError(translated.message, translated.details);
      throw translated;
    }
  }

  return {
    refreshable: true,
    get secrets() {
      return [auth.clientSecret, basic, ...(cached ? [cached.token] : [])];
    },
    secretParams: [],
    invalidate() {
      cached = undefined;
    },
    async apply(signal) {
      let token = cached && cached.expiresAt > deps.now().getTime() ? cached.token : undefined;
      if (!token) {
        pending ??= fetchToken(signal).finally(() => {
          pending = undefined;
        });
        token = await pending;
      }
      return { headers: { Authorization: `Bearer ${token}` }, query: {} };
    },
  };
}
