import { CallbackCrypto, CallbackCryptoError } from './callback-crypto';

// Vectors from dingtalk-api.md §6.5.
const A = {
  token: '123456',
  aesKey: '4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij',
  owner: 'suite4xxxxxxxxxxxxxxx',
  timestamp: '1445827045067',
  nonce: 'nEXhMP4r',
  encrypt:
    '1a3NBxmCFwkCJvfoQ7WhJHB+iX3qHPsc9JbaDznE1i03peOk1LaOQoRz3+nlyGNhwmwJ3vDMG+OzrHMeiZI7gTRWVdUBmfxjZ8Ej23JVYa9VrYeJ5as7XM/ZpulX8NEQis44w53h1qAgnC3PRzM7Zc/D6Ibr0rgUathB6zRHP8PYrfgnNOS9PhSBdHlegK+AGGanfwjXuQ9+0pZcy0w9lQ==',
  signature: '5a65ceeef9aab2d149439f82dc191dd6c5cbe2c0',
  msg: '{"EventType":"check_create_suite_url","Random":"LPIdSnlF","TestSuiteKey":"suite4xxxxxxxxxxxxxxx"}',
  fixedRandomEncrypt:
    '5DJFWzjRNOQk+5GSZxW+VrFMDWCIidPjEjg3//gm5x556BedVi62rDj1F9uXU97a4jw1R4FACUv9RCpoDobNqxhxRB2YtW901k4KHbP1/wpFJ3xdLG0n0A8U1VhENg80zKJd+YROR0YMGum4WYuoXJ6J98vt0ihYeIFoapNddLML5MyNAGM9saSpkouDMSvD+iU14i7V8ix1ia1Tb9ogog==',
  fixedRandomSignature: 'bcf6dcefa4ce2dbaf7b0666c7264d46fd9aad4bd',
  successEncrypt: '5DJFWzjRNOQk+5GSZxW+VpU/+Yf0KeplvXZ8LNdyQj5iN6tX2KSwwhy5oymzMpsFAiG4RS3L0/vY7TX4ZwLTFA==',
  successSignature: '73813ea128535f7945c17f81069c6b8045361375',
};
const B = {
  token: '123456',
  aesKey: '1234567890123456789012345678901234567890123',
  owner: 'dingsnotzck6pm5veliw',
  timestamp: '1614767836',
  nonce: 'A7Co0cJLMzIDtMMI',
  encrypt: 'YvkvaGe4hQxd3VxRmEty0dVlnCOAqwf56xwTRHDHoOURqhalbmBJQk5FNcRk42Gl5T0YQXZNwpwWSm1xAFJ5ZA==',
  signature: '9a95a004dd16f5c307e849b994173f76aa26e5eb',
};
const FIXED_RANDOM = Buffer.from('1234567890123456');

describe('callback crypto against the §6.5 vectors', () => {
  const a = new CallbackCrypto(A.token, A.aesKey, A.owner);
  const b = new CallbackCrypto(B.token, B.aesKey, B.owner);

  it('vector A: signs and decrypts the inbound message', () => {
    expect(a.sign(A.timestamp, A.nonce, A.encrypt)).toBe(A.signature);
    expect(a.open(A.signature, A.timestamp, A.nonce, A.encrypt)).toBe(A.msg);
  });

  it('vector A: re-encrypts byte for byte with a fixed random prefix', () => {
    expect(a.seal(A.msg, A.timestamp, A.nonce, FIXED_RANDOM)).toEqual({ encrypt: A.fixedRandomEncrypt, signature: A.fixedRandomSignature });
    expect(a.seal('success', A.timestamp, A.nonce, FIXED_RANDOM)).toEqual({ encrypt: A.successEncrypt, signature: A.successSignature });
  });

  it('vector B: verifies and decrypts to success', () => {
    expect(b.sign(B.timestamp, B.nonce, B.encrypt)).toBe(B.signature);
    expect(b.open(B.signature, B.timestamp, B.nonce, B.encrypt)).toBe('success');
  });

  it('vector B: re-encrypts with the random prefix recovered from the ciphertext', () => {
    expect(b.encrypt('success', Buffer.from('dICkEDLj0eb6yAbc'))).toBe(B.encrypt);
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
