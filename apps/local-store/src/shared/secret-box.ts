// Secrets the store keeps at rest (the OpenID Connect provider's private keys): AES-256-GCM under
// ENCRYPTION_KEY, or, when that is unset, a key derived from CLOUD_API_KEY (HKDF-SHA256): neither is
// in the database, so a copy of the database (a backup, a dump) opens nothing.
// Format "v2.<keyId>.<iv>.<tag>.<ciphertext>" (base64url parts), as the cloud's secret box writes:
// the associated data names what the value is ("oidc_signing_keys:<kid>"), so a sealed value copied
// into another row does not open; keyId tells which key sealed it.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

export interface SecretBox {
  readonly keyId: string;
  seal(plaintext: string, aad: string): string;
  /** Throws when `sealed` was sealed under another key, for another row, or altered. */
  open(sealed: string, aad: string): string;
}

const VERSION = 'v2';
const b64 = (buf: Buffer) => buf.toString('base64url');

/** The key ENCRYPTION_KEY names, else one derived from the cloud API key. */
export function storeEncryptionKey(encryptionKey: string | undefined, cloudApiKey: string): Buffer {
  if (encryptionKey !== undefined) return Buffer.from(encryptionKey, 'base64');
  return Buffer.from(hkdfSync('sha256', Buffer.from(cloudApiKey, 'utf8'), Buffer.alloc(0), 'dtg local store secret box v1', 32));
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('the encryption key must be 32 bytes');
  // A fingerprint, not the key: SHA-256 of a 256-bit key reveals nothing of it.
  const keyId = createHash('sha256').update('dtg-secret-box-key-id:').update(key).digest('hex').slice(0, 16);
  return {
    keyId,
    seal(plaintext, aad) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, keyId, b64(iv), b64(cipher.getAuthTag()), b64(body)].join('.');
    },
    open(sealed, aad) {
      const [version, id, iv, tag, body] = sealed.split('.');
      if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) throw new Error('not a sealed value');
      if (id !== keyId) throw new Error(`sealed under key ${id ?? '?'}, not the store's current encryption key`);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
