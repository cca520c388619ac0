import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export class CallbackCryptoError extends Error {
  constructor(
    /** The official library's code: 900004 bad key, 900005 signature, 900008 decrypt, 900009 length, 900010 owner key. */
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const BLOCK = 32;

/**
 * DingTalk's callback crypto (dingtalk-api.md §6.2): AES-256-CBC with IV = key[0..16], no cipher
 * padding but PKCS#7 to 32-byte blocks over `random(16) + be32(len) + msg + ownerKey`, and a SHA1
 * signature over the sorted [token, timestamp, nonce, encrypt].
 */
export class CallbackCrypto {
  private readonly key: Buffer;

  constructor(
    private readonly token: string,
    encodingAesKey: string,
    private readonly ownerKey: string,
  ) {
    if (!/^[A-Za-z0-9]{43}$/.test(encodingAesKey)) throw new CallbackCryptoError(900004, 'EncodingAESKey must be 43 alphanumerics');
    this.key = Buffer.from(`${encodingAesKey}=`, 'base64');
  }

  sign(timestamp: string, nonce: string, encrypt: string): string {
    const parts = [this.token, timestamp, nonce, encrypt].sort();
    return createHash('sha1').update(parts.join('')).digest('hex');
  }

  verify(signature: string, timestamp: string, nonce: string, encrypt: string): boolean {
    const expected = Buffer.from(this.sign(timestamp, nonce, encrypt));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  encrypt(msg: string, random: Buffer = randomBytes(16)): string {
    const body = Buffer.from(msg, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    const plain = Buffer.concat([random, length, body, Buffer.from(this.ownerKey, 'utf8')]);
    const pad = BLOCK - (plain.length % BLOCK);
    const cipher = createCipheriv('aes-256-cbc', this.key, this.key.subarray(0, 16));
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
  }

  decrypt(encrypt: string): string {
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-cbc', this.key, this.key.subarray(0, 16));
      decipher.setAutoPadding(false);
      plain = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
    } catch {
      throw new CallbackCryptoError(900008, 'decryption failed');
    }
    const pad = plain[plain.length - 1] ?? 0;
    if (pad < 1 || pad > BLOCK || plain.length < 20 + pad) throw new CallbackCryptoError(900008, 'bad padding');
    const unpadded = plain.subarray(0, plain.length - pad);
    const length = unpadded.readUInt32BE(16);
    if (20 + length > unpadded.length) throw new CallbackCryptoError(900009, 'length mismatch');
    const owner = unpadded.subarray(20 + length).toString('utf8');
    if (owner !== this.ownerKey) throw new CallbackCryptoError(900010, 'owner key mismatch');
    return unpadded.subarray(20, 20 + length).toString('utf8');
  }

  /** Verifies then decrypts an envelope; throws 900005 on a bad signature. */
  open(signature: string, timestamp: string, nonce: string, encrypt: string): string {
    if (!this.verify(signature, timestamp, nonce, encrypt)) throw new CallbackCryptoError(900005, 'signature mismatch');
    return this.decrypt(encrypt);
  }

  /** What DingTalk POSTs: query `signature/timestamp/nonce`, body `{encrypt}`. */
  seal(msg: string, timestamp: string, nonce: string, random?: Buffer): { signature: string; encrypt: string } {
    const encrypt = this.encrypt(msg, random);
    return { signature: this.sign(timestamp, nonce, encrypt), encrypt };
  }
}
