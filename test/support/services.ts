/**
 * Tests that need a real service (PostgreSQL, Redis, Chromium) declare it here. When the service
 * is absent they skip with a message — unless REQUIRE_SERVICES=1 (CI), where they fail instead.
 */
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'vitest';

export type Service = 'postgres' | 'redis' | 'chromium';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const how: Record<Service, { available: () => boolean; missing: string }> = {
  postgres: { available: () => Boolean(process.env.DATABASE_URL), missing: 'DATABASE_URL is not set' },
  redis: { available: () => Boolean(process.env.REDIS_URL), missing: 'REDIS_URL is not set' },
  chromium: { available: () => existsSync(CHROMIUM_PATH), missing: `no browser at ${CHROMIUM_PATH}` },
};

export function serviceAvailable(service: Service): boolean {
  return how[service].available();
}

export const servicesRequired = process.env.REQUIRE_SERVICES === '1';

/** `describe` that runs only when every named service is there (see the file comment). */
export function describeWith(services: Service[], name: string, body: () => void): void {
  const missing = services.filter((service) => !serviceAvailable(service));
  if (missing.length === 0) {
    describe(name, body);
    return;
  }
  const reason = missing.map((service) => `${service}: ${how[service].missing}`).join('; ');
  if (servicesRequired) {
    describe(name, () => {
      it('has the services it needs', () => {
        throw new Error(`REQUIRE_SERVICES=1 but ${reason}`);
      });
    });
    return;
  }
  console.warn(`[skip] ${name} — ${reason}`);
  describe.skip(name, body);
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}
