import { createCipheriv, createDecipheriv, createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { DingTalkCallbackCryptoError } from './callback-crypto.error';

/** DingTalk pads to 32-byte blocks (not AES's 16), so Node's built-in PKCS#7 padding is switched off. */
const PAD_BLOCK = 32;
const RANDOM_BYTES = 16;
const RANDOM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export interface EncryptedReply {
  msg_signature: string;
  timeStamp: string;
  nonce: string;
  encrypt: string;
}

export interface EncryptedRequest {
  signature: string;
  timestamp: string;
  nonce: string;
  encrypt: string;
}

/**
 * DingTalk HTTP-callback crypto (AES-256-CBC, IV = first 16 key bytes, PKCS#7 to 32 bytes,
 * SHA-1 signature over the sorted parts). `ownerKey` is the CorpId, AppKey or SuiteKey the
 * payload is bound to; a payload for another owner is rejected on decrypt.
 */
export class DingTalkCallbackCrypto {
  private readonly aesKey: Buffer;
  private readonly iv: Buffer;

  constructor(
    private readonly token: string,
    encodingAesKey: string,
    private readonly ownerKey: string,
  ) {
    if (!/^[A-Za-z0-9]{43}$/.test(encodingAesKey)) {
      throw new DingTalkCallbackCryptoError(900004, 'EncodingAESKey must be 43 characters [A-Za-z0-9]');
    }
    this.aesKey = Buffer.from(`${encodingAesKey}=`, 'base64');
    this.iv = this.aesKey.subarray(0, 16);
  }

  /** hex(SHA1(sorted([token, timestamp, nonce, encrypt]).join(''))) */
  sign(timestamp: string, nonce: string, encrypt: string): string {
    try {
      const parts = [this.token, timestamp, nonce, encrypt].sort();
      return createHash('sha1').update(parts.join(''), 'utf8').digest('hex');
    } catch (cause) {
      throw new DingTalkCallbackCryptoError(900006, undefined, { cause });
    }
  }

  /** Constant-time comparison, so response timing does not reveal how much of a forged signature matched. */
  verify(signature: string, timestamp: string, nonce: string, encrypt: string): boolean {
    const expected = Buffer.from(this.sign(timestamp, nonce, encrypt), 'utf8');
    const given = Buffer.from(signature, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** `random` (16 bytes) is only for reproducing test vectors; production uses a fresh random prefix. */
  encrypt(msg: string, random?: string | Buffer): string {
    const prefix = random === undefined ? randomPrefix() : Buffer.from(random);
    if (prefix.length !== RANDOM_BYTES) throw new DingTalkCallbackCryptoError(900007, 'random prefix must be 16 bytes');
    const body = Buffer.from(msg, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length, 0);
    const plain = pad(Buffer.concat([prefix, length, body, Buffer.from(this.ownerKey, 'utf8')]));
    try {
      const cipher = createCipheriv('aes-256-cbc', this.aesKey, this.iv).setAutoPadding(false);
      return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
    } catch (cause) {
      throw new DingTalkCallbackCryptoError(900007, undefined, { cause });
    }
  }

  decrypt(encrypt: string): string {
    const plain = unpad(this.decipher(encrypt));
    if (plain.length < RANDOM_BYTES + 4) throw new DingTalkCallbackCryptoError(900009, 'payload shorter than its header');
    const msgLength = plain.readUInt32BE(RANDOM_BYTES);
    const msgEnd = RANDOM_BYTES + 4 + msgLength;
    if (msgEnd > plain.length) throw new DingTalkCallbackCryptoError(900009, 'declared length exceeds payload');
    const owner = plain.subarray(msgEnd);
    if (!owner.equals(Buffer.from(this.ownerKey, 'utf8'))) throw new DingTalkCallbackCryptoError(900010);
    return plain.subarray(RANDOM_BYTES + 4, msgEnd).toString('utf8');
  }

  /** The body DingTalk expects in answer to a push (usually for msg `success`). */
  encryptedReply(msg: string, timestamp: string, nonce: string, random?: string | Buffer): EncryptedReply {
    requireTimestampAndNonce(timestamp, nonce);
    const encrypt = this.encrypt(msg, random);
    return { msg_signature: this.sign(timestamp, nonce, encrypt), timeStamp: timestamp, nonce, encrypt };
  }

  /** Verifies the query signature of an inbound push, then decrypts its `encrypt` body field. */
  decryptRequest(request: EncryptedRequest): string {
    requireTimestampAndNonce(request.timestamp, request.nonce);
    if (!this.verify(request.signature, request.timestamp, request.nonce, request.encrypt)) {
      throw new DingTalkCallbackCryptoError(900005);
    }
    return this.decrypt(request.encrypt);
  }

  private decipher(encrypt: string): Buffer {
    const data = Buffer.from(encrypt, 'base64');
    if (data.length === 0 || data.length % 16 !== 0) {
      throw new DingTalkCallbackCryptoError(900008, 'ciphertext is not a whole number of AES blocks');
    }
    try {
      const decipher = createDecipheriv('aes-256-cbc', this.aesKey, this.iv).setAutoPadding(false);
      return Buffer.concat([decipher.update(data), decipher.final()]);
    } catch (cause) {
      throw new DingTalkCallbackCryptoError(900008, undefined, { cause });
    }
  }
}

function randomPrefix(): Buffer {
  let out = '';
  for (let i = 0; i < RANDOM_BYTES; i += 1) out += RANDOM_ALPHABET[randomInt(RANDOM_ALPHABET.length)];
  return Buffer.from(out, 'utf8');
}

function pad(data: Buffer): Buffer {
  const amount = PAD_BLOCK - (data.length % PAD_BLOCK);
  return Buffer.concat([data, Buffer.alloc(amount, amount)]);
}

function unpad(data: Buffer): Buffer {
  const amount = data[data.length - 1] ?? 0;
  const padding = data.subarray(data.length - amount);
  if (amount < 1 || amount > PAD_BLOCK || !padding.every((byte) => byte === amount)) {
    throw new DingTalkCallbackCryptoError(900008, 'bad padding (wrong key or corrupted payload)');
  }
  return data.subarray(0, data.length - amount);
}

function requireTimestampAndNonce(timestamp: string, nonce: string): void {
  if (!/^\d+$/.test(timestamp)) throw new DingTalkCallbackCryptoError(900002, 'timestamp must be digits');
  if (nonce.length === 0) throw new DingTalkCallbackCryptoError(900003, 'nonce must not be empty');
}
