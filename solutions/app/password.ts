// Password records in the seed's format: `scrypt$<salt>$<hash>`, both base64url, a 32-byte key
// derived with Node's scrypt defaults (N=16384, r=8, p=1). See solutions/03-prisma-schema/seed-data.ts.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const SCHEME = 'scrypt';
const KEY_BYTES = 32;

function deriveKey(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // scrypt runs on libuv's thread pool: the event loop keeps serving other requests meanwhile.
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** A new record with a random salt (the seed's fixed salt is only for a deterministic demo). */
export async function hashPassword(password: string, salt: Buffer = randomBytes(16)): Promise<string> {
  const key = await deriveKey(password, salt);
  return `${SCHEME}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** True if `password` matches `record`. A record in any other format never matches. */
export async function verifyPassword(password: string, record: string): Promise<boolean> {
  const [scheme, salt, hash, ...rest] = record.split('$');
  if (scheme !== SCHEME || !salt || !hash || rest.length > 0) return false;
  const expected = Buffer.from(hash, 'base64url');
  if (expected.length !== KEY_BYTES) return false;
  const actual = await deriveKey(password, Buffer.from(salt, 'base64url'));
  // Constant time: how long the comparison takes says nothing about how many bytes matched.
  return timingSafeEqual(actual, expected);
}

/**
 * A record no password matches, with the same cost to check as a real one. Login checks it when
 * the email is unknown, so "no such user" takes as long as "wrong password".
 */
export const DECOY_PASSWORD_RECORD = `${SCHEME}$${Buffer.from('decoy-salt').toString('base64url')}$${Buffer.alloc(KEY_BYTES).toString('base64url')}`;
