import type { Principal } from './tokens.js';

/**
 * Remembers resolved tokens for a few seconds so a busy client does not cost a database round
 * trip per request. Revoking through this process's admin API forgets the entry at once; other
 * replicas notice within `ttlMs`. Keyed by the token's digest, never the token itself.
 */
export interface PrincipalCache {
  get(digest: string): Principal | undefined;
  set(digest: string, principal: Principal): void;
  forgetCredential(credentialId: number): void;
}

export function createPrincipalCache(ttlMs = 5_000, maxEntries = 10_000): PrincipalCache {
  const entries = new Map<string, { principal: Principal; expires: number }>();
  return {
    get(digest) {
      const entry = entries.get(digest);
      if (!entry) return undefined;
      if (entry.expires < performance.now()) {
        entries.delete(digest);
        return undefined;
      }
      return entry.principal;
    },
    set(digest, principal) {
      // Maps iterate in insertion order: dropping the first entry drops the oldest.
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(digest, { principal, expires: performance.now() + ttlMs });
    },
    forgetCredential(credentialId) {
      for (const [digest, entry] of entries) if (entry.principal.credentialId === credentialId) entries.delete(digest);
    },
  };
}
