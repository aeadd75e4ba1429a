import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PrincipalCache } from '../auth/principal-cache.js';
import { CSRF_HEADER, csrfMatches, readCookie, resolveSession, SAFE_METHODS, SESSION_COOKIE } from '../auth/sessions.js';
import { authenticate, hashToken, type Principal } from '../auth/tokens.js';
import type { Store } from '../db/index.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export type Audience = 'any' | 'dealer' | 'admin';

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header) throw new UnauthorizedError('missing Authorization header; send "Authorization: Bearer <token>"');
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw new UnauthorizedError('the Authorization header must be "Bearer <token>"');
  return match[1];
}

/**
 * Adds a hook to every route of the scope it is called in: the caller must present a valid
 * token of the given audience. Dealer routes then read `request.principal.dealerId` and never
 * a dealer id from the request, so one dealer cannot name another's data.
 */
export function requirePrincipal(scope: FastifyInstance, store: Store, audience: Audience, cache: PrincipalCache): void {
  scope.decorateRequest('principal', null);
  scope.addHook('onRequest', async (request) => {
    // A portal session cookie stands in for a token only when no Authorization header is sent.
    const sessionId = request.headers.authorization ? undefined : readCookie(request.headers.cookie, SESSION_COOKIE);
    let principal: Principal | undefined;
    if (sessionId) {
      principal = (await resolveSession(store, sessionId))?.principal;
      if (!principal) throw new UnauthorizedError('your session has ended; sign in again', { code: 'session_expired' });
      if (!SAFE_METHODS.has(request.method) && !csrfMatches(sessionId, request.headers[CSRF_HEADER])) {
        throw new ForbiddenError(`a request made with the session cookie must send the session's CSRF token in the ${CSRF_HEADER} header`, { code: 'csrf' });
      }
    } else {
      const token = bearerToken(request);
      const digest = hashToken(token);
      principal = cache.get(digest);
      if (!principal) {
        principal = (await authenticate(store, token)) ?? undefined;
        if (!principal) throw new UnauthorizedError('unknown or revoked token');
        cache.set(digest, principal);
      }
    }
    if (audience === 'admin' && principal.kind !== 'admin') throw new ForbiddenError('this route needs an admin token');
    if (audience === 'dealer' && principal.kind !== 'dealer') throw new ForbiddenError('this route needs a dealer token');
    if (principal.kind === 'dealer' && principal.dealerStatus !== 'active') {
      throw new ForbiddenError(`dealer ${principal.dealerCode} is ${principal.dealerStatus}`);
    }
    request.principal = principal;
  });
}

export function dealerOf(request: FastifyRequest): Extract<Principal, { kind: 'dealer' }> {
  const principal = request.principal;
  if (principal?.kind !== 'dealer') throw new ForbiddenError('this route needs a dealer token');
  return principal;
}
