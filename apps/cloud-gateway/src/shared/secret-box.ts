// Secrets at rest (DingTalk app secrets, webhook signing secrets, callback settings, cached access
// tokens, suite tickets): AES-256-GCM under ENCRYPTION_KEY.
//
// Format "v2.<keyId>.<iv>.<tag>.<ciphertext>" (base64url parts). The associated data names the
// column and row ("Tenant.appSecretEnc:ten_…"), so a sealed value copied into another row or column
// does not open. keyId tells which key sealed it: ENCRYPTION_KEY_PREVIOUS still opens what the
// previous key sealed while `admin keys rotate` re-seals everything under the current one.
// "v1.<iv>.<tag>.<ciphertext>" (no key id, no associated data) is what the first releases wrote;
// it still opens, and the cloud re-seals it as v2 at start (reseal.ts).
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Every column that holds a sealed value; the row id is the table's primary key. */
export const SEALED_COLUMNS = {
  'Tenant.appSecretEnc': { table: 'Tenant', column: 'appSecretEnc', id: 'id' },
  'Tenant.webhookSecretEnc': { table: 'Tenant', column: 'webhookSecretEnc', id: 'id' },
  'Tenant.previousSecretEnc': { table: 'Tenant', column: 'previousSecretEnc', id: 'id' },
  'Tenant.callbackTokenEnc': { table: 'Tenant', column: 'callbackTokenEnc', id: 'id' },
  'Tenant.callbackAesKeyEnc': { table: 'Tenant', column: 'callbackAesKeyEnc', id: 'id' },
  'DingTalkToken.accessTokenEnc': { table: 'DingTalkToken', column: 'accessTokenEnc', id: 'key' },
  'SuiteTicket.ticketEnc': { table: 'SuiteTicket', column: 'ticketEnc', id: 'suiteKey' },
  'Operator.totpSecretEnc': { table: 'Operator', column: 'totpSecretEnc', id: 'id' },
} as const;
export type SealedColumn = keyof typeof SEALED_COLUMNS;

export interface SecretBox {
  /** Id of the key new values are sealed with. */
  readonly keyId: string;
  seal(plaintext: string, column: SealedColumn, rowId: string): string;
  open(sealed: string, column: SealedColumn, rowId: string): string;
  /** Sealed in the current format under the current key: nothing for a rotation to do. */
  isCurrent(sealed: string): boolean;
  /** The key id of a v2 value, when neither configured key is it (v1 carries no id). */
  foreignKeyId(sealed: string): string | undefined;
}

const CURRENT = 'v2';
const LEGACY = 'v1';

function decodeKey(keyBase64: string): Buffer {
  const key = Buffer.from(keyBase64, 'base64');
  if (key.length !== 32) throw new Error('encryption key must be 32 bytes, base64-encoded');
  return key;
}

/** A fingerprint of the key, not the key: SHA-256 of a 256-bit random key reveals nothing of it. */
function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('dtg-secret-box-key-id:').update(key).digest('hex').slice(0, 16);
}

const b64 = (buf: Buffer) => buf.toString('base64url');

function gcmOpen(key: Buffer, iv: string, tag: string, body: string, aad?: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

/** `currentKey` (and `previousKey`, during a rotation) must decode to exactly 32 bytes (`openssl rand -base64 32`). */
export function createSecretBox(currentKey: string, previousKey?: string): SecretBox {
  const current = decodeKey(currentKey);
  const keys = new Map<string, Buffer>([[keyIdOf(current), current]]);
  if (previousKey !== undefined) {
    const previous = decodeKey(previousKey);
    keys.set(keyIdOf(previous), previous);
  }
  const keyId = keyIdOf(current);
  const aad = (column: SealedColumn, rowId: string) => `${column}:${rowId}`;

  return {
    keyId,
    seal(plaintext, column, rowId) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(aad(column, rowId), 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [CURRENT, keyId, b64(iv), b64(cipher.getAuthTag()), b64(body)].join('.');
    },
    open(sealed, column, rowId) {
      const parts = sealed.split('.');
      if (parts[0] === CURRENT && parts.length === 5) {
        const [, id = '', iv = '', tag = '', body = ''] = parts;
        const key = keys.get(id);
        if (!key) throw new Error(`sealed under key ${id}, which is neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS`);
        return gcmOpen(key, iv, tag, body, aad(column, rowId));
      }
      if (parts[0] === LEGACY && parts.length === 4) {
        const [, iv = '', tag = '', body = ''] = parts;
        // v1 carries no key id: whichever configured key authenticates it sealed it.
        for (const key of keys.values()) {
          try {
            return gcmOpen(key, iv, tag, body);
          } catch {
            // not this key
          }
        }
        throw new Error('a v1 sealed value opens with neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS');
      }
      throw new Error('not a sealed secret');
    },
    isCurrent(sealed) {
      return sealed.startsWith(`${CURRENT}.${keyId}.`);
    },
    foreignKeyId(sealed) {
      const [version, id] = sealed.split('.');
      return version === CURRENT && id !== undefined && !keys.has(id) ? id : undefined;
    },
  };
}
