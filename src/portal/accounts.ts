/**
 * Portal users and their sign-in: password check with lockout, sessions, one-time login links.
 * Every state change is one statement (so one transaction): a failure count and its lockout,
 * a success and its new session, a link's use and its session.
 */
import { createHash, randomBytes } from 'node:crypto';
import { newSessionId, sessionDigest } from '../core/auth/sessions.js';
import type { Queryable } from '../core/db/index.js';
import { NotFoundError, UserError } from '../core/errors.js';
import { decoyHash, hashPassword, verifyPassword, type PasswordHash, type ScryptParams } from './passwords.js';

export interface LoginPolicy {
  maxFailures: number;
  lockoutMinutes: number;
  sessionHours: number;
  scryptCost: number;
}

export type LoginOutcome =
  | { status: 'ok'; sessionId: string; userId: number; expiresAt: Date }
  | { status: 'invalid' }
  | { status: 'locked'; until: Date };

interface UserRow {
  id: number;
  password_hash: string | null;
  password_salt: string | null;
  password_params: ScryptParams | null;
  locked_until: Date | null;
}

const normalise = (username: string) => username.trim().toLowerCase();

/** Opens a session for the user the statement `who` yields (its id column), in the same statement. */
async function openSession(q: Queryable, who: string, params: unknown[], hours: number): Promise<{ sessionId: string; userId: number; expiresAt: Date } | null> {
  const sessionId = newSessionId();
  const n = params.length;
  const { rows } = await q.query<{ user_id: number; expires_at: Date }>(
    `WITH who AS (${who}),
     -- The user's ended sessions go as a new one starts, so the table holds live sessions and a few stale ones.
     purge AS (DELETE FROM portal_sessions WHERE user_id IN (SELECT id FROM who) AND expires_at < now())
     INSERT INTO portal_sessions (id_hash, user_id, expires_at, user_agent)
     SELECT $${n + 1}, id, now() + make_interval(secs => $${n + 2}), $${n + 3} FROM who
     RETURNING user_id, expires_at`,
    [...params, sessionDigest(sessionId), Math.round(hours * 3600), null],
  );
  const row = rows[0];
  return row ? { sessionId, userId: row.user_id, expiresAt: row.expires_at } : null;
}

/**
 * Checks a password. Unknown users cost the same scrypt work as known ones. A locked user is
 * refused before the password is looked at; the failure that reaches `maxFailures` locks.
 */
export async function login(q: Queryable, username: string, password: string, policy: LoginPolicy): Promise<LoginOutcome> {
  const name = normalise(username);
  const { rows } = await q.query<UserRow>(
    `SELECT id, password_hash, password_salt, password_params, locked_until FROM portal_users
      WHERE username = $1 AND disabled_at IS NULL`,
    [name],
  );
  const user = rows[0];
  if (user?.locked_until && user.locked_until > new Date()) return { status: 'locked', until: user.locked_until };
  const stored: PasswordHash | null =
    user?.password_hash && user.password_salt && user.password_params ? { hash: user.password_hash, salt: user.password_salt, params: user.password_params } : null;
  const ok = await verifyPassword(password, stored ?? (await decoyHash(policy.scryptCost)));
  if (!user || !stored) return { status: 'invalid' };
  if (!ok) {
    // Counting and locking in one conditional update: concurrent wrong guesses each count.
    const { rows: after } = await q.query<{ locked_until: Date | null }>(
      `UPDATE portal_users
          SET failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
              locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + make_interval(secs => $3) ELSE locked_until END,
              updated_at = now()
        WHERE id = $1 RETURNING locked_until`,
      [user.id, policy.maxFailures, Math.round(policy.lockoutMinutes * 60)],
    );
    const until = after[0]?.locked_until;
    return until && until > new Date() ? { status: 'locked', until } : { status: 'invalid' };
  }
  const session = await openSession(
    q,
    `UPDATE portal_users SET failed_logins = 0, locked_until = NULL, last_login_at = now(), updated_at = now()
      WHERE id = $1 AND disabled_at IS NULL AND (locked_until IS NULL OR locked_until <= now()) RETURNING id`,
    [user.id],
    policy.sessionHours,
  );
  return session ? { status: 'ok', ...session } : { status: 'invalid' };
}

export async function logout(q: Queryable, sessionId: string): Promise<void> {
  await q.query('DELETE FROM portal_sessions WHERE id_hash = $1', [sessionDigest(sessionId)]);
}

const linkDigest = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** Uses a login link once: the link is spent and the session opened in one statement. */
export async function loginWithLink(q: Queryable, token: string, sessionHours: number): Promise<{ sessionId: string; userId: number; expiresAt: Date } | null> {
  return openSession(
    q,
    `UPDATE portal_login_links l SET used_at = now()
       FROM portal_users u
      WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > now() AND u.id = l.user_id AND u.disabled_at IS NULL
      RETURNING u.id`,
    [linkDigest(token)],
    sessionHours,
  );
}

export interface NewUser {
  username: string;
  dealer?: string | undefined;
  admin?: boolean;
  password?: string | undefined;
  source?: string;
}

/**
 * Creates a user, or updates the one with that name (kind, dealer, password, enabled again).
 * Returns its id. An unknown dealer code is refused.
 */
export async function upsertUser(q: Queryable, user: NewUser, scryptCost: number): Promise<number> {
  if (Boolean(user.admin) === Boolean(user.dealer)) throw new UserError('a portal user needs exactly one of a dealer code or admin');
  const hashed = user.password === undefined ? null : await hashPassword(user.password, scryptCost);
  const { rows } = await q.query<{ id: number | null }>(
    `INSERT INTO portal_users (username, kind, dealer_id, password_hash, password_salt, password_params, source)
     SELECT $1, $2, d.id, $4, $5, $6::jsonb, $7
       FROM (SELECT 1) one LEFT JOIN dealers d ON d.code = $3
      WHERE $3::text IS NULL OR d.id IS NOT NULL
     ON CONFLICT (username) DO UPDATE
       SET kind = EXCLUDED.kind, dealer_id = EXCLUDED.dealer_id, source = EXCLUDED.source, disabled_at = NULL, updated_at = now(),
           password_hash = COALESCE(EXCLUDED.password_hash, portal_users.password_hash),
           password_salt = COALESCE(EXCLUDED.password_salt, portal_users.password_salt),
           password_params = COALESCE(EXCLUDED.password_params, portal_users.password_params)
     RETURNING id`,
    [normalise(user.username), user.admin ? 'admin' : 'dealer', user.dealer ?? null, hashed?.hash ?? null, hashed?.salt ?? null, hashed ? JSON.stringify(hashed.params) : null, user.source ?? 'cli'],
  );
  const id = rows[0]?.id;
  if (id == null) throw new NotFoundError(`no dealer with code ${user.dealer}`, { dealer: user.dealer });
  return id;
}

/** A one-time login link token for a user, valid for `minutes`. Only its digest is stored. */
export async function createLoginLink(q: Queryable, userId: number, minutes: number): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const { rows } = await q.query<{ expires_at: Date }>(
    `INSERT INTO portal_login_links (token_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(mins => $3)) RETURNING expires_at`,
    [linkDigest(token), userId, minutes],
  );
  return { token, expiresAt: rows[0]!.expires_at };
}

/** The user a login link is for: the named one, else the dealer's first user (created, without a password, when it has none). */
export async function userForLink(q: Queryable, target: { username?: string; dealer?: string; admin?: boolean }, scryptCost: number): Promise<{ id: number; username: string }> {
  if (target.username) {
    const { rows } = await q.query<{ id: number; username: string }>('SELECT id, username FROM portal_users WHERE username = $1 AND disabled_at IS NULL', [normalise(target.username)]);
    if (!rows[0]) throw new NotFoundError(`no portal user ${target.username}`);
    return rows[0];
  }
  const { rows } = await q.query<{ id: number; username: string }>(
    `SELECT u.id, u.username FROM portal_users u LEFT JOIN dealers d ON d.id = u.dealer_id
      WHERE u.disabled_at IS NULL AND (CASE WHEN $2 THEN u.kind = 'admin' ELSE d.code = $1 END) ORDER BY u.id LIMIT 1`,
    [target.dealer ?? null, Boolean(target.admin)],
  );
  if (rows[0]) return rows[0];
  const username = target.admin ? 'admin' : String(target.dealer).toLowerCase();
  const id = await upsertUser(q, { username, dealer: target.dealer, admin: target.admin ?? false }, scryptCost);
  return { id, username };
}

export interface DemoUser {
  username: string;
  dealer?: string | undefined;
  admin: boolean;
  password: string;
}

/**
 * Demo users follow demo.enabled like the demo tokens: present (with the published password)
 * while it is on, disabled when it is off. A password that already matches is not hashed again.
 */
export async function syncDemoUsers(q: Queryable, enabled: boolean, users: readonly DemoUser[], scryptCost: number): Promise<void> {
  if (!enabled) {
    await q.query(`UPDATE portal_users SET disabled_at = now() WHERE source = 'demo' AND disabled_at IS NULL`);
    await q.query(`DELETE FROM portal_sessions WHERE user_id IN (SELECT id FROM portal_users WHERE source = 'demo')`);
    return;
  }
  for (const user of users) {
    const { rows } = await q.query<UserRow & { disabled_at: Date | null }>(
      'SELECT id, password_hash, password_salt, password_params, locked_until, disabled_at FROM portal_users WHERE username = $1',
      [normalise(user.username)],
    );
    const row = rows[0];
    const same =
      row?.password_hash && row.password_salt && row.password_params && row.disabled_at === null
        ? await verifyPassword(user.password, { hash: row.password_hash, salt: row.password_salt, params: row.password_params })
        : false;
    if (!same) await upsertUser(q, { ...user, source: 'demo' }, scryptCost);
  }
}
