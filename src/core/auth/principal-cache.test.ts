import { describe, expect, it } from 'vitest';
import { createPrincipalCache } from './principal-cache.js';
import type { Principal } from './tokens.js';

const admin = (credentialId: number): Principal => ({ kind: 'admin', credentialId, label: `a${credentialId}` });

describe('principal cache', () => {
  it('forgets entries after the TTL', async () => {
    const cache = createPrincipalCache(20);
    cache.set('d1', admin(1));
    expect(cache.get('d1')).toEqual(admin(1));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(cache.get('d1')).toBeUndefined();
  });

  it('forgets every token of a revoked credential at once', () => {
    const cache = createPrincipalCache(60_000);
    cache.set('d1', admin(1));
    cache.set('d2', admin(2));
    cache.forgetCredential(1);
    expect(cache.get('d1')).toBeUndefined();
    expect(cache.get('d2')).toEqual(admin(2));
  });

  it('stays within its size, dropping the oldest entry', () => {
    const cache = createPrincipalCache(60_000, 2);
    cache.set('d1', admin(1));
    cache.set('d2', admin(2));
    cache.set('d3', admin(3));
    expect([cache.get('d1'), cache.get('d2'), cache.get('d3')].map((p) => p?.credentialId)).toEqual([undefined, 2, 3]);
  });
});
