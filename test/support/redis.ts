import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? '';

/**
 * Deletes the keys under one test's BullMQ prefix, and nothing else: the Redis is shared
 * with other test files and other developers, so never FLUSHDB.
 */
export async function deleteKeysWithPrefix(prefix: string, url = REDIS_URL): Promise<number> {
  if (!prefix || /[*?[\]]/.test(prefix)) throw new Error(`refusing to delete keys for prefix "${prefix}"`);
  const redis = new Redis(url);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
  return deleted;
}
