import { createCipheriv, createDecipheriv } from 'node:crypto';
import fc from 'fast-check';
import { CALLBACK_VECTOR_A, CALLBACK_VECTOR_B, REENCRYPT_RANDOM } from '@dtg/dingtalk-sim';
import { DingTalkCallbackCrypto } from './callback-crypto';
import { DingTalkCallbackCryptoError } from './callback-crypto.error';
import { thrown } from '../test/rejections';

// The §6.5 vectors, as the simulator's crypto is tested against them too.
const A = CALLBACK_VECTOR_A;
const B = CALLBACK_VECTOR_B;

const cryptoA = () => new DingTalkCallbackCrypto(A.token, A.aesKey, A.owner);
const cryptoB = () => new DingTalkCallbackCrypto(B.token, B.aesKey, B.owner);

const cryptoError = (fn: () => unknown) => thrown(fn, DingTalkCallbackCryptoError);

describe('DingTalkCallbackCrypto — vector A', () => {
  it('derives the documented AES key and IV', () => {
    const key = Buffer.from(`${A.aesKey}=`, 'base64');
    expect(key.toString('hex')).toBe('e20e63eb8aa5ca5df3bdeb6ac73e638a871daf9f3a7e7db3be3a5af3396cde28');
    expect(key.subarray(0, 16).toString('hex')).toBe('e20e63eb8aa5ca5df3bdeb6ac73e638a');
  });

  it('computes the inbound signature', () => {
    expect(cryptoA().sign(A.timestamp, A.nonce, A.encrypt)).toBe(A.signature);
    expect(cryptoA().verify(A.signature, A.timestamp, A.nonce, A.encrypt)).toBe(true);
  });

  it('decrypts the inbound payload to the 97-byte message', () => {
    const msg = cryptoA().decrypt(A.encrypt);
    expect(msg).toBe(A.msg);
    expect(Buffer.byteLength(msg)).toBe(97);
  });

  it('the plaintext buffer is random prefix + length + msg + owner key + 22 bytes of 0x16 (160 bytes)', () => {
    const key = Buffer.from(`${A.aesKey}=`, 'base64');
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(Buffer.from(A.encrypt, 'base64')), decipher.final()]);
    expect(plain).toHaveLength(160);
    expect(plain.subarray(0, 16).toString()).toBe(A.randomPrefix);
    expect(plain.readUInt32BE(16)).toBe(97);
    expect(plain.subarray(20 + 97, 160 - 22).toString()).toBe(A.owner);
    expect([...plain.subarray(160 - 22)]).toEqual(Array(22).fill(0x16));
  });

  it('decryptRequest verifies then decrypts', () => {
    const request = { signature: A.signature, timestamp: A.timestamp, nonce: A.nonce, encrypt: A.encrypt };
    expect(cryptoA().decryptRequest(request)).toBe(A.msg);
  });

  it('re-encrypting with the documented random prefix reproduces the inbound ciphertext', () => {
    expect(cryptoA().encrypt(A.msg, A.randomPrefix)).toBe(A.encrypt);
  });

  it('encrypts with random 1234567890123456 to the documented ciphertext and msg_signature', () => {
    const reply = cryptoA().encryptedReply(A.msg, A.timestamp, A.nonce, REENCRYPT_RANDOM);
    expect(reply).toEqual({
      msg_signature: A.reEncryptedSignature,
      timeStamp: A.timestamp,
      nonce: A.nonce,
      encrypt: A.reEncrypted,
    });
  });

  it('encrypts the `success` reply to the derived vector', () => {
    const reply = cryptoA().encryptedReply('success', A.timestamp, A.nonce, REENCRYPT_RANDOM);
    expect(reply.encrypt).toBe(A.successEncrypted);
    expect(reply.msg_signature).toBe(A.successSignature);
  });
});

describe('DingTalkCallbackCrypto — vector B', () => {
  it('computes the signature', () => {
    expect(cryptoB().sign(B.timestamp, B.nonce, B.encrypt)).toBe(B.signature);
  });

  it('decrypts to success', () => {
    const request = { signature: B.signature, timestamp: B.timestamp, nonce: B.nonce, encrypt: B.encrypt };
    expect(cryptoB().decryptRequest(request)).toBe('success');
  });

  it('re-encrypts with its random prefix (17 bytes of padding) to the same ciphertext', () => {
    expect(cryptoB().encrypt('success', B.randomPrefix)).toBe(B.encrypt);
    expect(Buffer.from(B.encrypt, 'base64')).toHaveLength(64);
  });
});

describe('DingTalkCallbackCrypto — round trips and rejections', () => {
  it('when any UTF-8 message is encrypted with a fresh random prefix, then it decrypts back unchanged', () => {
    const crypto = cryptoA();
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (msg) => {
        expect(crypto.decrypt(crypto.encrypt(msg))).toBe(msg);
      }),
      { numRuns: 200 },
    );
  });

  it('when replies are built, then decryptRequest accepts them and every ciphertext differs', () => {
    const crypto = cryptoB();
    const first = crypto.encryptedReply('success', '1700000000000', 'nonce123');
    const second = crypto.encryptedReply('success', '1700000000000', 'nonce123');
    expect(first.encrypt).not.toBe(second.encrypt);
    const request = { signature: first.msg_signature, timestamp: first.timeStamp, nonce: first.nonce, encrypt: first.encrypt };
    expect(crypto.decryptRequest(request)).toBe('success');
  });

  it('when the signature is tampered with, then decryptRequest rejects with 900005', () => {
    const tampered = `${A.signature.slice(0, -1)}1`;
    expect(cryptoA().verify(tampered, A.timestamp, A.nonce, A.encrypt)).toBe(false);
    const request = { signature: tampered, timestamp: A.timestamp, nonce: A.nonce, encrypt: A.encrypt };
    const err = cryptoError(() => cryptoA().decryptRequest(request));
    expect(err.code).toBe(900005);
    expect(err.message).toContain('signature mismatch');
  });

  it('when the signature has the wrong length, then verify is false rather than throwing', () => {
    expect(cryptoA().verify('abc', A.timestamp, A.nonce, A.encrypt)).toBe(false);
  });

  it('when the timestamp or nonce was changed, then the signature no longer verifies', () => {
    expect(cryptoA().verify(A.signature, '1445827045068', A.nonce, A.encrypt)).toBe(false);
    expect(cryptoA().verify(A.signature, A.timestamp, 'nEXhMP4s', A.encrypt)).toBe(false);
  });

  it('when decrypting with the wrong AES key, then it is rejected as a decryption failure', () => {
    const wrongKey = new DingTalkCallbackCrypto(A.token, B.aesKey, A.owner);
    const err = cryptoError(() => wrongKey.decrypt(A.encrypt));
    expect([900008, 900009, 900010]).toContain(err.code);
  });

  it('when the payload is bound to another owner key, then decrypt rejects with 900010', () => {
    const otherOwner = new DingTalkCallbackCrypto(A.token, A.aesKey, 'dingsomeothercorp');
    expect(cryptoError(() => otherOwner.decrypt(A.encrypt)).code).toBe(900010);
  });

  it('when the ciphertext is not whole AES blocks or not base64, then decrypt rejects with 900008', () => {
    expect(cryptoError(() => cryptoA().decrypt(A.encrypt.slice(0, 20))).code).toBe(900008);
    expect(cryptoError(() => cryptoA().decrypt('')).code).toBe(900008);
  });

  it('when the declared length exceeds the payload, then decrypt rejects with 900009', () => {
    const crypto = cryptoA();
    // A payload whose 4-byte length field claims more bytes than follow it.
    const liar = new DingTalkCallbackCrypto(A.token, A.aesKey, '');
    const forged = forgeLength(liar.encrypt('hi', REENCRYPT_RANDOM), A.aesKey, 1000);
    expect(cryptoError(() => crypto.decrypt(forged)).code).toBe(900009);
  });

  it('when the EncodingAESKey is not 43 alphanumerics, then construction fails with 900004', () => {
    expect(cryptoError(() => new DingTalkCallbackCrypto('t', 'short', 'x')).code).toBe(900004);
    expect(cryptoError(() => new DingTalkCallbackCrypto('t', `${A.aesKey.slice(0, 42)}+`, 'x')).code).toBe(900004);
  });

  it('when the random prefix is not 16 bytes, then encrypt fails with 900007', () => {
    expect(cryptoError(() => cryptoA().encrypt('x', 'short')).code).toBe(900007);
  });

  it('when timestamp or nonce are malformed, then replies and requests are refused with 900002 / 900003', () => {
    expect(cryptoError(() => cryptoA().encryptedReply('success', 'abc', 'n')).code).toBe(900002);
    expect(cryptoError(() => cryptoA().encryptedReply('success', '1', '')).code).toBe(900003);
  });
});

/** Decrypts, rewrites the big-endian length field, re-encrypts — only to build a malformed payload. */
function forgeLength(encrypt: string, aesKey: string, length: number): string {
  const key = Buffer.from(`${aesKey}=`, 'base64');
  const iv = key.subarray(0, 16);
  const decipher = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
  plain.writeUInt32BE(length, 16);
  const cipher = createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}
