/**
 * The server's defences against hostile or careless clients (issue 10): security headers on
 * every response, and request budgets per client address and per bearer token.
 *
 * Headers come from @fastify/helmet (Fastify 5 plugin, applied in an onRequest hook, so 404s,
 * 401s and 429s carry them too). The CSP is 'self' only — the portal is static files with no
 * inline script or style, so it needs nothing more. HSTS is sent only when the request came
 * over TLS (directly, or X-Forwarded-Proto with trustProxy): on plain HTTP it means nothing.
 *
 * Rate limits use @fastify/rate-limit's limiter (`createRateLimit`) twice in one onRequest
 * hook — address first, then token — because its own per-route hook runs only once per
 * request. They run before authentication, so a flood of guessed tokens never reaches the
 * database. The counts live in Redis when redis.url is set, so replicas share one budget.
 */
import { createHash } from 'node:crypto';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import type { AppConfig } from '../config/schema.js';
import { UserError } from '../errors.js';

/** The portal's needs exactly: its own scripts, styles, images (and data: icons), fetches to the API. */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export async function registerSecurityHeaders(app: FastifyInstance, config: AppConfig): Promise<void> {
  await app.register(fastifyHelmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: false,
  });
  const maxAge = config.server.hstsMaxAgeSeconds;
  if (maxAge > 0) {
    app.addHook('onRequest', async (request, reply) => {
      if (request.protocol === 'https') reply.header('strict-transport-security', `max-age=${maxAge}; includeSubDomains`);
    });
  }
}

/** A digest, not the token: rate-limit keys end up in Redis and must not hold credentials. */
function tokenKey(request: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1] ? createHash('sha256').update(match[1]).digest('hex').slice(0, 32) : undefined;
}

function tooMany(retryAfterSeconds: number, what: string): Error {
  return Object.assign(new Error(`rate limit exceeded for this ${what}; retry in ${retryAfterSeconds} s`), { statusCode: 429 });
}

export async function registerRateLimits(app: FastifyInstance, config: AppConfig): Promise<void> {
  const limits = config.server.rateLimit;
  if (!limits.enabled) return;
  const redisUrl = config.redis.url;
  // Fail fast and open: a Redis outage must not take the API down with it (skipOnError).
  const redis = redisUrl ? new Redis(redisUrl, { connectTimeout: 500, maxRetriesPerRequest: 1, lazyConnect: false }) : undefined;
  if (redis) {
    redis.on('error', (error: Error) => app.log.warn({ err: error }, 'rate-limit store (redis) unavailable; requests pass unlimited'));
    app.addHook('onClose', async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
  }
  await app.register(fastifyRateLimit, {
    global: false,
    timeWindow: limits.windowMs,
    skipOnError: true,
    ...(redis ? { redis, nameSpace: `${config.redis.prefix}:rate-limit:` } : {}),
  });
  const allowed = new Set(limits.ipAllowList);
  const exempt = new Set(limits.exempt);
  const perIp = app.createRateLimit({ max: limits.perIp, keyGenerator: (request) => `ip:${request.ip}` });
  const perToken = app.createRateLimit({ max: limits.perToken, keyGenerator: (request) => `token:${tokenKey(request)}` });

  app.addHook('onRequest', async (request, reply) => {
    if (exempt.has(request.url.split('?')[0] ?? '')) return;
    const checks: Array<{ what: string; limit: typeof perIp }> = [];
    if (!allowed.has(request.ip)) checks.push({ what: 'client address', limit: perIp });
    if (tokenKey(request)) checks.push({ what: 'token', limit: perToken });
    for (const { what, limit } of checks) {
      const result = await limit(request);
      if (result.isAllowed) continue;
      reply.header('x-ratelimit-limit', result.max).header('x-ratelimit-remaining', result.remaining).header('x-ratelimit-reset', result.ttlInSeconds);
      if (result.isExceeded) {
        const retryAfter = Math.max(1, result.ttlInSeconds);
        reply.header('retry-after', retryAfter);
        throw tooMany(retryAfter, what);
      }
    }
  });
}

/**
 * Fastify's and Node's timeouts from config. Node checks the header and request deadlines on a
 * timer (30 s by default); a shorter one makes a trickling client go close to its deadline.
 */
export function timeoutOptions(config: AppConfig) {
  const { requestTimeoutMs, headersTimeoutMs, connectionTimeoutMs } = config.server;
  const headersTimeout = Math.min(headersTimeoutMs, requestTimeoutMs);
  return {
    requestTimeout: requestTimeoutMs,
    connectionTimeout: connectionTimeoutMs,
    http: { headersTimeout, connectionsCheckingInterval: Math.min(5_000, Math.max(100, Math.floor(headersTimeout / 4))) },
  };
}

/** Where the first NUL character is in a parsed request part, or undefined. Iterative: JSON may nest deeply. */
export function findNul(value: unknown, where: string): string | undefined {
  const stack: Array<[unknown, string]> = [[value, where]];
  while (stack.length > 0) {
    const [current, path] = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return path;
    } else if (current !== null && typeof current === 'object' && !Buffer.isBuffer(current)) {
      for (const [key, child] of Object.entries(current)) {
        if (key.includes('\u0000')) return `${path}.${key.replaceAll('\u0000', '\\u0000')}`;
        stack.push([child, `${path}.${key}`]);
      }
    }
  }
  return undefined;
}

/**
 * PostgreSQL text cannot hold NUL (U+0000): such a value used to fail deep in a query as a 500
 * (found by test/fuzz/routes.test.ts). It is refused up front, naming where it was.
 */
export function refuseNulCharacters(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const at = findNul(request.params, 'params') ?? findNul(request.query, 'querystring') ?? findNul(request.body, 'body');
    if (at) throw new UserError(`${at}: text must not contain NUL (\\u0000) characters`, { code: 'invalid_request' }, 400);
  });
}
