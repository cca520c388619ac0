import { CallbackCrypto, CallbackCryptoError } from './callback-crypto';
import { CALLBACK_VECTOR_A, CALLBACK_VECTOR_B, REENCRYPT_RANDOM } from './callback-vectors';

const A = CALLBACK_VECTOR_A;
const B = CALLBACK_VECTOR_B;
const FIXED_RANDOM = Buffer.from(REENCRYPT_RANDOM);

describe('callback crypto against the §6.5 vectors', () => {
  const a = new CallbackCrypto(A.token, A.aesKey, A.owner);
  const b = new CallbackCrypto(B.token, B.aesKey, B.owner);

  it('vector A: signs and decrypts the inbound message', () => {
    expect(a.sign(A.timestamp, A.nonce, A.encrypt)).toBe(A.signature);
    expect(a.open(A.signature, A.timestamp, A.nonce, A.encrypt)).toBe(A.msg);
  });

  it('vector A: re-encrypts byte for byte with a fixed random prefix', () => {
    expect(a.seal(A.msg, A.timestamp, A.nonce, FIXED_RANDOM)).toEqual({ encrypt: A.reEncrypted, signature: A.reEncryptedSignature });
    expect(a.seal('success', A.timestamp, A.nonce, FIXED_RANDOM)).toEqual({ encrypt: A.successEncrypted, signature: A.successSignature });
  });

  it('vector B: verifies and decrypts to success', () => {
    expect(b.sign(B.timestamp, B.nonce, B.encrypt)).toBe(B.signature);
    expect(b.open(B.signature, B.timestamp, B.nonce, B.encrypt)).toBe('success');
  });

  it('vector B: re-encrypts with the random prefix recovered from the ciphertext', () => {
    expect(b.encrypt('success', Buffer.from(B.randomPrefix))).toBe(B.encrypt);
  });

  it('pads to 32-byte blocks, a full extra block when already aligned', () => {
    const c = new CallbackCrypto('t', A.aesKey, '');
    // 16 random + 4 length + 12 msg = 32 bytes → 32 bytes of padding.
    expect(Buffer.from(c.encrypt('x'.repeat(12)), 'base64')).toHaveLength(64);
    expect(Buffer.from(c.encrypt('x'.repeat(13)), 'base64')).toHaveLength(64);
    expect(c.decrypt(c.encrypt('x'.repeat(12)))).toBe('x'.repeat(12));
  });

  it('round-trips unicode payloads of many lengths', () => {
    for (let n = 0; n < 80; n += 7) {
      const msg = JSON.stringify({ EventType: 'user_add_org', UserId: ['张三'.repeat(n)] });
      const { encrypt, signature } = a.seal(msg, '1', 'nonce');
      expect(a.open(signature, '1', 'nonce', encrypt)).toBe(msg);
    }
  });

  it('rejects a tampered signature (900005), a wrong owner key (900010) and a wrong AES key (900008/900010)', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return (err as CallbackCryptoError).code;
      }
      return undefined;
    };
    expect(code(() => a.open('0'.repeat(40), A.timestamp, A.nonce, A.encrypt))).toBe(900005);
    expect(code(() => new CallbackCrypto(A.token, A.aesKey, 'someone-else').decrypt(A.encrypt))).toBe(900010);
    expect([900008, 900009, 900010]).toContain(code(() => new CallbackCrypto(A.token, B.aesKey, A.owner).decrypt(A.encrypt)));
    expect(code(() => new CallbackCrypto('t', 'short', 'o'))).toBe(900004);
  });
});
