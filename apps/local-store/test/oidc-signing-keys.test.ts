// The provider's signing keys: made on first use, sealed at rest, rotated with the old key still
// published until what it signed has expired, and dropped (with a fresh key made) when they no
// longer open under the store's encryption key.
import request from 'supertest';
import { startTestStore, type TestStore } from './support/test-store';

interface Jwks {
  keys: { kid: string; d?: string }[];
}

describe('OpenID Connect signing keys', () => {
  let store: TestStore;
  const issuer = 'http://127.0.0.1:9';

  beforeAll(async () => {
    store = await startTestStore({ env: { LOCAL_PUBLIC_URL: issuer } });
  });
  afterAll(() => store.close());

  const jwks = async (): Promise<Jwks> => (await request(store.app).get('/oidc/jwks')).body as Jwks;
  const rows = () =>
    store.database.db.sql.query<{ kid: string; sealed_jwk: string; expires_at: Date | null }>(
      'SELECT kid, sealed_jwk, expires_at FROM oidc_signing_keys ORDER BY created_at',
    );

  it('when the provider first starts, then one key is made, published without its private part and stored only sealed', async () => {
    const published = await jwks();
    expect(published.keys).toHaveLength(1);
    expect(published.keys[0]?.d).toBeUndefined();
    const [row] = await rows();
    expect(row?.kid).toBe(published.keys[0]?.kid);
    expect(row?.sealed_jwk).toMatch(/^v2\./);
    expect(row?.sealed_jwk).not.toContain('"d"');
    expect(row?.expires_at).toBeNull();
  });

  it('when the keys rotate, then the new key signs and the old one stays published until its id_tokens expire', async () => {
    const [old] = (await jwks()).keys;
    const kids = await store.services.oidc.rotateKeys();
    expect(kids).toHaveLength(2);
    expect(kids[1]).toBe(old?.kid);
    const published = (await jwks()).keys.map((key) => key.kid);
    expect(published).toEqual(kids);
    const retired = (await rows()).find((row) => row.kid === old?.kid);
    const ttl = (retired?.expires_at?.getTime() ?? 0) - Date.now();
    expect(ttl).toBeGreaterThan(3_500_000);
    expect(ttl).toBeLessThan(3_700_000);
  });

  it('when a stored key does not open under the store’s key (it was changed), then it is dropped and a fresh key made', async () => {
    await store.database.db.sql.query("UPDATE oidc_signing_keys SET sealed_jwk = regexp_replace(sealed_jwk, '^v2\\.[0-9a-f]+\\.', 'v2.0000000000000000.')");
    const kids = await store.services.oidc.rotateKeys();
    expect(kids).toHaveLength(1);
    expect((await rows()).map((row) => row.kid)).toEqual(kids);
    expect(store.logLines().some((line) => String(line['message']).includes('does not open'))).toBe(true);
  });
});
