import { randomBytes } from 'node:crypto';
import { createSecretBox } from './secret-box';
import { newKey, sealV1 } from '../../test/support/legacy-seal';

describe('secret box', () => {
  const key = newKey();
  const box = createSecretBox(key);

  it('when sealed and opened at the same row and column, then the plaintext comes back and the sealed form does not contain it', () => {
    const sealed = box.seal('whsec_topsecret', 'Tenant.webhookSecretEnc', 'ten_a');
    expect(sealed).not.toContain('topsecret');
    expect(sealed.startsWith(`v2.${box.keyId}.`)).toBe(true);
    expect(box.open(sealed, 'Tenant.webhookSecretEnc', 'ten_a')).toBe('whsec_topsecret');
    expect(box.seal('x', 'Tenant.webhookSecretEnc', 'ten_a')).not.toBe(box.seal('x', 'Tenant.webhookSecretEnc', 'ten_a'));
  });

  it('when a sealed value is moved to another row or another column, then it does not open', () => {
    const sealed = box.seal('app-secret', 'Tenant.appSecretEnc', 'ten_a');
    expect(() => box.open(sealed, 'Tenant.appSecretEnc', 'ten_b')).toThrow();
    expect(() => box.open(sealed, 'Tenant.webhookSecretEnc', 'ten_a')).toThrow();
    expect(() => box.open(sealed, 'DingTalkToken.accessTokenEnc', 'ten_a')).toThrow();
  });

  it('when the ciphertext is tampered with or the key differs, then opening fails', () => {
    const sealed = box.seal('secret', 'SuiteTicket.ticketEnc', 'suite');
    const parts = sealed.split('.');
    const tampered = [...parts.slice(0, 4), Buffer.from('SECRET').toString('base64url')].join('.');
    expect(() => box.open(tampered, 'SuiteTicket.ticketEnc', 'suite')).toThrow();
    expect(() => createSecretBox(newKey()).open(sealed, 'SuiteTicket.ticketEnc', 'suite')).toThrow('neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS');
    expect(() => box.open('garbage', 'SuiteTicket.ticketEnc', 'suite')).toThrow('not a sealed secret');
  });

  it('when the key is rotated, then the previous key still opens what it sealed, new values use the new key, and only those are current', () => {
    const next = newKey();
    const rotating = createSecretBox(next, key);
    const old = box.seal('kept', 'Tenant.appSecretEnc', 'ten_a');
    expect(rotating.open(old, 'Tenant.appSecretEnc', 'ten_a')).toBe('kept');
    expect(rotating.isCurrent(old)).toBe(false);
    const fresh = rotating.seal('kept', 'Tenant.appSecretEnc', 'ten_a');
    expect(rotating.isCurrent(fresh)).toBe(true);
    expect(rotating.keyId).not.toBe(box.keyId);
    expect(() => box.open(fresh, 'Tenant.appSecretEnc', 'ten_a')).toThrow();
    expect(createSecretBox(next).open(fresh, 'Tenant.appSecretEnc', 'ten_a')).toBe('kept');
  });

  it('when a value was sealed by the first releases (v1), then it opens under either configured key and is not current', () => {
    const legacy = sealV1(key, 'from 2026-11');
    expect(box.open(legacy, 'Tenant.appSecretEnc', 'anything')).toBe('from 2026-11');
    expect(box.isCurrent(legacy)).toBe(false);
    expect(createSecretBox(newKey(), key).open(legacy, 'Tenant.appSecretEnc', 'anything')).toBe('from 2026-11');
    expect(() => createSecretBox(newKey()).open(legacy, 'Tenant.appSecretEnc', 'anything')).toThrow('v1');
  });

  it('when a key is not 32 bytes, then it refuses to start', () => {
    expect(() => createSecretBox(randomBytes(16).toString('base64'))).toThrow('32 bytes');
    expect(() => createSecretBox(newKey(), randomBytes(16).toString('base64'))).toThrow('32 bytes');
  });
});
