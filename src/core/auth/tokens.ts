import { createHash, randomBytes } from 'node:crypto';
import { NotFoundError } from '../errors.js';
import type { Queryable } from '../db/index.js';

/** Who is calling: an admin, or one dealer (who then sees only its own data). */
/** `via: 'session'` marks a portal sign-in (its orders are the portal channel's); absent for tokens. */
export type Principal =
  | { kind: 'admin'; credentialId: number; label: string; via?: 'session' }
  | { kind: 'dealer'; credentialId: number; label: string; dealerId: number; dealerCode: string; dealerName: string; dealerStatus: string; via?: 'session' };

export interface IssuedToken {
  id: number;
  token: string;
  prefix: string;
}

/**
 * Tokens carry 256 random bits, so a plain SHA-256 digest is as safe to store as a slow KDF
 * would be (nothing to brute-force) and lets us find the credential with one index lookup.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function tokenPrefix(token: string): string {
  return token.slice(0, 16);
}

export function generateToken(kind: 'admin' | 'dealer', dealerCode?: string): string {
  const who = kind === 'admin' ? 'admin' : (dealerCode ?? 'dealer').replace(/[^A-Za-z0-9]/g, '');
  return `dh_${who}_${randomBytes(32).toString('base64url')}`;
}

export async function issueToken(
  q: Queryable,
  request: { kind: 'admin'; label?: string } | { kind: 'dealer'; dealerCode: string; label?: string },
  token = generateToken(request.kind, request.kind === 'dealer' ? request.dealerCode : undefined),
): Promise<IssuedToken> {
  const dealerCode = request.kind === 'dealer' ? request.dealerCode : null;
  const { rows } = await q.query<{ id: number | null }>(
    `INSERT INTO api_credentials (kind, dealer_id, token_hash, token_prefix, label)
     SELECT $1, d.id, $3, $4, $5
       FROM (SELECT 1) one LEFT JOIN dealers d ON d.code = $2
      WHERE $2::text IS NULL OR d.id IS NOT NULL
     ON CONFLICT (token_hash) DO UPDATE SET revoked_at = NULL
     RETURNING id`,
    [request.kind, dealerCode, hashToken(token), tokenPrefix(token), request.label ?? ''],
  );
  const id = rows[0]?.id;
  if (id == null) throw new NotFoundError(`no dealer with code ${dealerCode}`, { dealer: dealerCode });
  return { id, token, prefix: tokenPrefix(token) };
}

interface CredentialRow {
  id: number;
  kind: 'admin' | 'dealer';
  label: string;
  dealer_id: number | null;
  dealer_code: string | null;
  dealer_name: string | null;
  dealer_status: string | null;
}

/** Resolves a bearer token to its principal, or null. Touches last_used_at at most once a minute. */
export async function authenticate(q: Queryable, token: string): Promise<Principal | null> {
  const { rows } = await q.query<CredentialRow>(
    `WITH hit AS (
       SELECT c.id, c.kind, c.label, d.id AS dealer_id, d.code AS dealer_code, d.name AS dealer_name, d.status AS dealer_status
         FROM api_credentials c LEFT JOIN dealers d ON d.id = c.dealer_id
        WHERE c.token_hash = $1 AND c.revoked_at IS NULL),
     touched AS (
       UPDATE api_credentials SET last_used_at = now()
        WHERE id IN (SELECT id FROM hit) AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute'))
     SELECT * FROM hit`,
    [hashToken(token)],
  );
  const row = rows[0];
  if (!row) return null;
  if (row.kind === 'admin') return { kind: 'admin', credentialId: row.id, label: row.label };
  return {
    kind: 'dealer',
    credentialId: row.id,
    label: row.label,
    dealerId: row.dealer_id as number,
    dealerCode: row.dealer_code as string,
    dealerName: row.dealer_name as string,
    dealerStatus: row.dealer_status as string,
  };
}

export async function revokeToken(q: Queryable, id: number): Promise<void> {
  const { rowCount } = await q.query('UPDATE api_credentials SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
  if (rowCount === 0) throw new NotFoundError(`no active token with id ${id}`, { id });
}

export const DEMO_TOKEN_LABEL = 'demo';

export interface DemoTokens {
  admin?: string | undefined;
  dealers: Record<string, string>;
}

/**
 * Demo tokens are fixed strings from config/demo.yaml. They exist only while the demo is on:
 * enabling stores them (hashed), disabling revokes every token labelled 'demo'.
 */
export async function syncDemoTokens(q: Queryable, enabled: boolean, tokens: DemoTokens): Promise<void> {
  if (!enabled) {
    await q.query('UPDATE api_credentials SET revoked_at = now() WHERE label = $1 AND revoked_at IS NULL', [DEMO_TOKEN_LABEL]);
    return;
  }
  if (tokens.admin) await issueToken(q, { kind: 'admin', label: DEMO_TOKEN_LABEL }, tokens.admin);
  for (const [dealerCode, token] of Object.entries(tokens.dealers)) {
    await issueToken(q, { kind: 'dealer', dealerCode, label: DEMO_TOKEN_LABEL }, token);
  }
}
