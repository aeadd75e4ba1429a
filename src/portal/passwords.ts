/**
 * Password hashing for portal users: scrypt from node:crypto, memory-hard (128 × N × r bytes
 * per attempt: 32 MiB at N = 32768, r = 8), with a random salt per user. The parameters are
 * stored beside the hash so the cost can be raised without invalidating older hashes.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
  keyLength: number;
}

export interface PasswordHash {
  hash: string;
  salt: string;
  params: ScryptParams;
}

export const DEFAULT_SCRYPT: ScryptParams = { N: 32_768, r: 8, p: 1, keyLength: 32 };

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // Node refuses above maxmem (32 MiB by default), which N = 32768, r = 8 just reaches: allow twice the need.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    // The async form runs on libuv's pool, so a sign-in never stalls the event loop for the ~50-100 ms it costs.
    scrypt(password.normalize('NFC'), salt, params.keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string, N = DEFAULT_SCRYPT.N): Promise<PasswordHash> {
  const params = { ...DEFAULT_SCRYPT, N };
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return { hash: key.toString('base64'), salt: salt.toString('base64'), params };
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const key = await derive(password, Buffer.from(stored.salt, 'base64'), { ...stored.params, keyLength: expected.length });
  return timingSafeEqual(key, expected);
}

/** A stand-in hash for unknown users: checking against it costs what a real check costs, so timing does not tell names apart. */
let decoy: Promise<PasswordHash> | undefined;
export function decoyHash(N: number): Promise<PasswordHash> {
  decoy ??= hashPassword(randomBytes(12).toString('base64'), N);
  return decoy;
}

/** A password a person can type from the terminal once: 16 characters from an unambiguous alphabet (~90 bits). */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(16);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
