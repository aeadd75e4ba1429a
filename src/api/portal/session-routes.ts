import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { csrfMatches, csrfTokenFor, CSRF_HEADER, readCookie, resolveSession, SESSION_COOKIE, type SessionUser } from '../../core/auth/sessions.js';
import { ForbiddenError, UnauthorizedError } from '../../core/errors.js';
import type { HttpDeps, RouteModule } from '../../core/http/server.js';
import { login, loginWithLink, logout, type LoginPolicy } from '../../portal/accounts.js';
import { errorResponse } from '../schemas.js';

const sessionView = z.object({
  username: z.string(),
  kind: z.enum(['dealer', 'admin']),
  dealer: z.object({ code: z.string(), name: z.string() }).nullable(),
  csrfToken: z.string(),
  expiresAt: z.date(),
});

export function loginPolicy(config: HttpDeps['config']): LoginPolicy {
  const { lockout, sessionHours, scryptCost } = config.portal;
  return { maxFailures: lockout.maxFailures, lockoutMinutes: lockout.minutes, sessionHours, scryptCost };
}

/** Secure whenever the browser reached us over TLS, directly or (as it told the proxy) through one. */
function overTls(request: FastifyRequest): boolean {
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return request.protocol === 'https' || first === 'https';
}

function setSessionCookie(request: FastifyRequest, reply: FastifyReply, sessionId: string, expiresAt: Date): void {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  const secure = overTls(request) ? '; Secure' : '';
  reply.header('set-cookie', `${SESSION_COOKIE}=${sessionId}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`);
}

function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${overTls(request) ? '; Secure' : ''}`);
}

function view(session: SessionUser, sessionId: string): z.infer<typeof sessionView> {
  const p = session.principal;
  return {
    username: session.username,
    kind: session.kind,
    dealer: p.kind === 'dealer' ? { code: p.dealerCode, name: p.dealerName } : null,
    csrfToken: csrfTokenFor(sessionId),
    expiresAt: session.expiresAt,
  };
}

/**
 * Sign-in, sign-out and "who am I" for the portal's browser sessions. Public routes: they work
 * without a session (and JSON-only bodies keep a cross-site form from posting a sign-in).
 */
export const portalSessionRoutes: RouteModule = {
  prefix: '',
  audience: 'public',
  register(app, { store, config }) {
    const policy = loginPolicy(config);
    const errors = { 400: errorResponse, 401: errorResponse, 403: errorResponse, 429: errorResponse };

    const opened = async (request: FastifyRequest, reply: FastifyReply, sessionId: string) => {
      const session = await resolveSession(store, sessionId);
      if (!session) throw new UnauthorizedError('the new session could not be read back');
      setSessionCookie(request, reply, sessionId, session.expiresAt);
      return view(session, sessionId);
    };

    app.post(
      '/portal/login',
      {
        schema: {
          summary: 'Sign in to the portal with a username and password; sets the session cookie',
          tags: ['portal'],
          body: z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(256) }).strict(),
          response: { 200: sessionView, ...errors },
        },
      },
      async (request, reply) => {
        const outcome = await login(store, request.body.username, request.body.password, policy);
        if (outcome.status === 'locked') {
          const seconds = Math.max(1, Math.ceil((outcome.until.getTime() - Date.now()) / 1000));
          reply.header('retry-after', seconds);
          return reply.code(429).send({
            error: { code: 'account_locked', message: `too many failed sign-ins; try again in ${Math.ceil(seconds / 60)} min`, requestId: String(request.id), details: { retryAfterSeconds: seconds } },
          });
        }
        if (outcome.status === 'invalid') throw new UnauthorizedError('wrong username or password', { code: 'invalid_credentials' });
        return opened(request, reply, outcome.sessionId);
      },
    );

    app.post(
      '/portal/login-link',
      {
        schema: {
          summary: 'Sign in with a one-time login link token (dealer-hub portal login-link); sets the session cookie',
          tags: ['portal'],
          body: z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'not a login link token') }).strict(),
          response: { 200: sessionView, ...errors },
        },
      },
      async (request, reply) => {
        const session = await loginWithLink(store, request.body.token, policy.sessionHours);
        if (!session) throw new UnauthorizedError('this login link is unknown, used or expired; ask for a new one', { code: 'invalid_link' });
        return opened(request, reply, session.sessionId);
      },
    );

    app.get(
      '/portal/session',
      { schema: { summary: 'The signed-in portal user and the CSRF token for state-changing requests', tags: ['portal'], response: { 200: sessionView, ...errors } } },
      async (request) => {
        const sessionId = readCookie(request.headers.cookie, SESSION_COOKIE);
        const session = sessionId ? await resolveSession(store, sessionId) : null;
        if (!session || !sessionId) throw new UnauthorizedError('not signed in', { code: 'no_session' });
        return view(session, sessionId);
      },
    );

    app.post(
      '/portal/logout',
      { schema: { summary: 'End the portal session (needs the CSRF header) and clear its cookie', tags: ['portal'], response: { 204: z.null(), ...errors } } },
      async (request, reply) => {
        const sessionId = readCookie(request.headers.cookie, SESSION_COOKIE);
        if (sessionId && (await resolveSession(store, sessionId))) {
          if (!csrfMatches(sessionId, request.headers[CSRF_HEADER])) throw new ForbiddenError(`sign-out needs the session's CSRF token in the ${CSRF_HEADER} header`, { code: 'csrf' });
          await logout(store, sessionId);
        }
        clearSessionCookie(request, reply);
        return reply.code(204).send(null);
      },
    );
  },
};
