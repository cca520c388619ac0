import { randomFillSync } from 'node:crypto';

// Random bytes are taken from a pool refilled 4 KB at a time (as Node does for randomUUID): one
// OpenSSL call per id was a visible share of accepting a message, which mints three.
const pool = Buffer.alloc(4096);
let offset = pool.length;

function random(bytes: number): Buffer {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  offset += bytes;
  return pool.subarray(offset - bytes, offset);
}

/**
 * Prefixed, URL-safe ids (`msg_…`, `dlv_…`) that sort by creation time: 9 base-36 characters of
 * the millisecond clock, then 12 random bytes (96 bits, so still unguessable). Time order keeps
 * SQLite's primary-key indexes appending at their right edge; random ids made every insert dirty
 * a different page, and a commit had to write all of them to the WAL.
 */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36).padStart(9, '0')}${random(12).toString('base64url')}`;
}
