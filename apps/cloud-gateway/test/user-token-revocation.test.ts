// Revoking user tokens on a real cloud: by id through the API (what a local store does at sign-out),
// and by rows another process writes to the same database (the admin CLI, another replica), seen at once.
import { ProblemSchema } from '@dtg/service-kit';
import { mintUserToken, verifyUserToken } from '../src/features/auth/user-tokens';
import { ADMIN_TOKEN, otherConnection, startCloud, type CloudHarness } from './support/cloud-harness';

describe('revoking user tokens', () => {
  let cloud: CloudHarness;
  const tenants: Record<'a' | 'b', { id: string; apiKey: string }> = { a: { id: '', apiKey: '' }, b: { id: '', apiKey: '' } };

  beforeAll(async () => {
    cloud = await startCloud({ dispatcher: false });
    for (const name of ['a', 'b'] as const) {
      const res = await fetch(`${cloud.url}/admin/tenants`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, corpId: `dingcorp${name}`, appKey: `key${name}`, appSecret: 'secret-value', agentId: 1 }),
      });
      const body = (await res.json()) as { tenant: { id: string }; apiKey: { key: string } };
      tenants[name] = { id: body.tenant.id, apiKey: body.apiKey.key };
    }
  });
  afterAll(async () => {
    await cloud.close();
  });

  const mint = (tenant: 'a' | 'b', userid: string, issuedAt = Date.now()) => {
    const { token } = mintUserToken(cloud.services.config.USER_TOKEN_SECRET, { tenantId: tenants[tenant].id, userid, role: 'member' }, 60_000, issuedAt);
    const claims = verifyUserToken(cloud.services.config.USER_TOKEN_SECRET, token);
    if (!claims) throw new Error('minted token does not verify');
    return { token, id: claims.tokenId };
  };
  /** 404 = the token works (there is no such message); 401 = refused. */
  const status = async (token: string) => (await fetch(`${cloud.url}/v1/messages/msg_none`, { headers: { authorization: `Bearer ${token}` } })).status;
  const revoke = (id: string, key: string) => fetch(`${cloud.url}/v1/user-tokens/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } });

  it('when a local store revokes a token by its id, then that token is refused at once and the same person’s other tokens still work', async () => {
    const [first, second] = [mint('a', 'user002'), mint('a', 'user002')];
    // Remembered as good before the revocation: the memory must not outlive it.
    expect([await status(first.token), await status(second.token)]).toEqual([404, 404]);
    const revoked = await revoke(first.id, tenants.a.apiKey);
    expect(revoked.status).toBe(204);
    expect([await status(first.token), await status(second.token)]).toEqual([401, 404]);
    expect((await revoke(first.id, tenants.a.apiKey)).status).toBe(204);
  });

  it('when another tenant’s key names a token id, then that tenant’s revocation does not touch this tenant’s token; user tokens may not revoke', async () => {
    const token = mint('a', 'user003');
    expect((await revoke(token.id, tenants.b.apiKey)).status).toBe(204);
    expect(await status(token.token)).toBe(404);
    const byUser = await revoke(token.id, token.token);
    expect(byUser.status).toBe(403);
    expect(ProblemSchema.parse(await byUser.json())).toMatchObject({ code: 'missing_permission', missingPermission: 'events:read' });
    expect(await status(token.token)).toBe(404);
  });

  it('when another process writes a revocation into the database (the admin CLI), then the running cloud refuses the token on its next request', async () => {
    const byId = mint('a', 'user004');
    const byPerson = mint('a', 'user005');
    const later = mint('a', 'user006');
    expect([await status(byId.token), await status(byPerson.token), await status(later.token)]).toEqual([404, 404, 404]);
    const other = await otherConnection(cloud.databaseUrl);
    try {
      const now = Date.now();
      await other.run(
        'INSERT INTO "RevokedUserToken" ("tenantId", jti, "revokedAt", "expiresAt") VALUES (?, ?, ?, ?)',
        tenants.a.id,
        byId.id,
        new Date(now),
        new Date(now + 60_000),
      );
      await other.run(
        'INSERT INTO "UserTokenCutoff" ("tenantId", userid, "revokedBefore", "expiresAt") VALUES (?, ?, ?, ?)',
        tenants.a.id,
        'user005',
        new Date(now),
        new Date(now + 60_000),
      );
    } finally {
      await other.close();
    }
    expect([await status(byId.token), await status(byPerson.token), await status(later.token)]).toEqual([401, 401, 404]);
    // A token issued after the cutoff (the person came back and signed in again) works.
    expect(await status(mint('a', 'user005', Date.now() + 1_000).token)).toBe(404);
  });
});
