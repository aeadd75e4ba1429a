import { z } from 'zod';

/**
 * The HTTP server's defences (issue 10): timeouts for slow clients, rate limits per IP and per
 * token, and the HSTS lifetime. Spread into `server` in schema.ts, so they read as
 * `server.requestTimeoutMs`, `server.rateLimit`, …
 */
const LOOPBACK = ['127.0.0.1', '::1'];

export const rateLimitSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Answer 429 with Retry-After once a client exceeds its budget.'),
    windowMs: z.number().int().positive().default(60_000).describe('Length of the counting window, in ms.'),
    perIp: z
      .number()
      .int()
      .positive()
      .default(6_000)
      .describe('Requests one client address may make per window (set server.trustProxy behind a load balancer, or every client shares its address).'),
    perToken: z.number().int().positive().default(3_000).describe('Requests one bearer token may make per window, from any number of addresses.'),
    ipAllowList: z
      .array(z.string().min(1))
      .default(LOOPBACK)
      .describe('Addresses exempt from the per-IP limit (not the per-token one): by default loopback, i.e. a local reverse proxy or the operator.'),
    exempt: z
      .array(z.string().startsWith('/'))
      .default(['/healthz', '/readyz', '/metrics'])
      .describe('Paths never limited: probes and scrapes poll them from one address.'),
  })
  .strict();

export const serverSecurityFields = {
  requestTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(60_000)
    .describe('Longest time a client may take to send a whole request (headers and body), in ms; a slower one is cut off with 408.'),
  headersTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(15_000)
    .describe('Longest time a client may take to send the request headers, in ms (at most requestTimeoutMs).'),
  connectionTimeoutMs: z.number().int().positive().default(65_000).describe('An idle socket (no bytes either way) is closed after this many ms.'),
  rateLimit: rateLimitSchema.default(rateLimitSchema.parse({})).describe('Request budgets per client address and per bearer token; counts are shared in Redis when redis.url is set.'),
  hstsMaxAgeSeconds: z
    .number()
    .int()
    .min(0)
    .default(15_552_000)
    .describe('Strict-Transport-Security max-age sent on responses to HTTPS requests (X-Forwarded-Proto counts with trustProxy); 0: no HSTS header.'),
};

export type RateLimitConfig = z.output<typeof rateLimitSchema>;
