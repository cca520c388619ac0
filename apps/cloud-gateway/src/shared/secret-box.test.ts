import { randomBytes } from 'node:crypto';
import { createSecretBox } from './secret-box';

describe('secret box', () => {
  const box = createSecretBox(randomBytes(32).toString('base64'));

  it('when sealed and opened, then the plaintext comes back and the sealed form does not contain it', () => {
    const sealed = box.seal('whsec_topsecret');
    expect(sealed).not.toContain('topsecret');
    expect(box.open(sealed)).toBe('whsec_topsecret');
    expect(box.seal('x')).not.toBe(box.seal('x'));
  });

  it('when the ciphertext is tampered with or the key differs, then opening fails', () => {
    const sealed = box.seal('secret');
    const parts = sealed.split('.');
    const tampered = [...parts.slice(0, 3), Buffer.from('SECRET').toString('base64url')].join('.');
    expect(() => box.open(tampered)).toThrow();
    expect(() => createSecretBox(randomBytes(32).toString('base64')).open(sealed)).toThrow();
    expect(() => box.open('garbage')).toThrow('not a sealed secret');
  });

  it('when the key is not 32 bytes, then it refuses to start', () => {
    expect(() => createSecretBox(randomBytes(16).toString('base64'))).toThrow('32 bytes');
  });
});
