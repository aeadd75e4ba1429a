/**
 * Browser sessions of the dealer portal (issue 9). The session id is 256 random bits in an
 * HttpOnly cookie; the store keeps its SHA-256 digest. A request carrying the cookie instead of
 * a bearer token acts as the session's user: its dealer on /v1, or an admin on /admin.
 *
 * CSRF: every state-changing request made with the cookie must also send the session's CSRF
 * token in a header. The token is derived from the session id (a hash of it), so it is bound to
 * the session, needs no storage, and a page on another site can neither read nor compute it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../db/index.js';
import type { Principal } from './tokens.js';

export const SESSION_COOKIE = 'dh_session';
export const CSRF_HEADER = 'x-csrf-token';
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

export function sessionDigest(sessionId: string): string {
  return createHash('sha256').update(sessionId, 'utf8').digest('hex');
}

export function csrfTokenFor(sessionId: string): string {
  return createHash('sha256').update(`csrf\0${sessionId}`, 'utf8').digest('base64url');
}

export function csrfMatches(sessionId: string, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(csrfTokenFor(sessionId));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** One cookie's value from a Cookie header, or undefined (no library: one name, one split). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

export interface SessionUser {
  userId: number;
  username: string;
  kind: 'dealer' | 'admin';
  expiresAt: Date;
  principal: Principal;
}

interface SessionRow {
  user_id: number;
  username: string;
  kind: 'dealer' | 'admin';
  expires_at: Date;
  dealer_id: number | null;
  dealer_code: string | null;
  dealer_name: string | null;
  dealer_status: string | null;
}

/**
 * The live session behind a cookie value, or null when it is unknown, expired, logged out or
 * its user disabled. One indexed read, nothing written.
 */
export async function resolveSession(q: Queryable, sessionId: string): Promise<SessionUser | null> {
  const { rows } = await q.query<SessionRow>(
    `SELECT u.id AS user_id, u.username, u.kind, s.expires_at, d.id AS dealer_id, d.code AS dealer_code, d.name AS dealer_name, d.status AS dealer_status
       FROM portal_sessions s JOIN portal_users u ON u.id = s.user_id LEFT JOIN dealers d ON d.id = u.dealer_id
      WHERE s.id_hash = $1 AND s.expires_at > now() AND u.disabled_at IS NULL`,
    [sessionDigest(sessionId)],
  );
  const row = rows[0];
  if (!row) return null;
  const label = `portal:${row.username}`;
  const principal: Principal =
    row.kind === 'admin'
      ? { kind: 'admin', credentialId: row.user_id, label, via: 'session' }
      : {
          kind: 'dealer',
          credentialId: row.user_id,
          label,
          dealerId: row.dealer_id as number,
          dealerCode: row.dealer_code as string,
          dealerName: row.dealer_name as string,
          dealerStatus: row.dealer_status as string,
          via: 'session',
        };
  return { userId: row.user_id, username: row.username, kind: row.kind, expiresAt: row.expires_at, principal };
}
