import { InMemoryTokenStore, SuiteTicketUnavailableError, type SuiteTicketSource, type TokenStore } from '../index';
import { DEMO, internalApp, isvInstall, SimHarness, suiteCredentials } from './sim-harness';
import { apiRejection as rejection } from './rejections';

let sim: SimHarness;

beforeAll(async () => {
  sim = await SimHarness.start();
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const appPair = { appKey: DEMO.app.appKey, appSecret: DEMO.app.appSecret };
const suiteTicketCreds = { ...suiteCredentials, suiteTicket: DEMO.suite.initialTicket };

describe('raw token endpoints against the simulator', () => {
  it('internal app token: new and old endpoints', async () => {
    const client = sim.client();
    const fresh = await client.tokens.appToken(appPair);
    const legacy = await client.tokens.appTokenLegacy(appPair);
    expect(fresh.expireIn).toBe(7200);
    // DingTalk returns the same internal-app token while it is valid (§1.3).
    expect(legacy).toEqual(fresh);
    const [gettoken] = await sim.requests('/gettoken');
    expect(gettoken?.query).toMatchObject({ appkey: DEMO.app.appKey });
  });

  it('suite token: new and old endpoints', async () => {
    const client = sim.client();
    expect((await client.tokens.suiteToken(suiteTicketCreds)).expireIn).toBe(7200);
    expect((await client.tokens.suiteTokenLegacy(suiteTicketCreds)).accessToken).toMatch(/.+/);
  });

  it('corp token: new endpoint and old signed endpoint', async () => {
    const client = sim.client();
    const request = { ...suiteTicketCreds, authCorpId: DEMO.corpId };
    const fresh = await client.tokens.corpToken(request);
    const signed = await client.tokens.corpTokenSigned(request);
    // ISV corp tokens are re-issued on every fetch (§1.3).
    expect(signed.accessToken).not.toBe(fresh.accessToken);
    const [entry] = await sim.requests('/service/get_corp_token');
    expect(entry?.errcode).toBe(0);
    expect(entry?.query).toMatchObject({ accessKey: DEMO.suite.suiteKey, suiteTicket: DEMO.suite.initialTicket });
  });

  it('when the secret is wrong, then both generations fail as a configuration error', async () => {
    const client = sim.client();
    const bad = { appKey: DEMO.app.appKey, appSecret: 'wrong' };
    expect(await rejection(client.tokens.appToken(bad))).toMatchObject({ kind: 'fail-config', code: 'invalidClientIdOrSecret', httpStatus: 400 });
    expect(await rejection(client.tokens.appTokenLegacy(bad))).toMatchObject({ kind: 'fail-config', errcode: 40096 });
    // Definite configuration errors are not retried.
    expect(await sim.requests('/v1.0/oauth2/accessToken')).toHaveLength(1);
  });

  it('when the suite ticket is stale, then the error says to refresh the ticket', async () => {
    await sim.control('POST', '/suite/ticket', { ticket: 'demo-suite-ticket-2' });
    const err = await rejection(sim.client().tokens.corpToken({ ...suiteTicketCreds, authCorpId: DEMO.corpId }));
    expect(err).toMatchObject({ kind: 'refresh-suite-ticket', code: 'invalidSuiteTicket' });
    const legacy = await rejection(sim.client().tokens.suiteTokenLegacy(suiteTicketCreds));
    expect(legacy).toMatchObject({ kind: 'refresh-suite-ticket', errcode: 40085 });
  });

  it('when the org never installed the suite, then the corp token is refused as not authorised', async () => {
    const err = await rejection(sim.client().tokens.corpToken({ ...suiteTicketCreds, authCorpId: DEMO.secondCorpId }));
    expect(err).toMatchObject({ kind: 'fail-not-authorized', code: 'invalidAuthInfo' });
  });

  it('when the signed call carries a timestamp outside ±60 s of DingTalk time, then it fails with 853002', async () => {
    const skewed = sim.client({ clock: { now: () => sim.running.sim.clock.now() - 120_000 } });
    const err = await rejection(skewed.tokens.corpTokenSigned({ ...suiteTicketCreds, authCorpId: DEMO.corpId }));
    expect(err).toMatchObject({ errcode: 853002, kind: 'fail-config' });
  });
});

describe('token broker against the simulator', () => {
  it('when 1,000 calls need the app token on a cold cache, then exactly one /gettoken request is made', async () => {
    const org = sim.client({ tokenEndpoints: 'legacy' }).forOrg(internalApp);
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => org.accessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(await sim.control('GET', '/requests?pathPrefix=/gettoken')).toHaveLength(1);
  });

  it('when 1,000 calls need one ISV corp token on a cold cache, then exactly one corpAccessToken request is made', async () => {
    const org = sim.client().forOrg(isvInstall);
    await Promise.all(Array.from({ length: 1000 }, () => org.accessToken()));
    expect(await sim.requests('/v1.0/oauth2/corpAccessToken')).toHaveLength(1);
  });

  it('when time passes, then the token is reused until expireIn − 300 s and refreshed after', async () => {
    const org = sim.client({ tokenEndpoints: 'legacy' }).forOrg(internalApp);
    await org.contacts.getUser('user002');
    await sim.advanceClock((7200 - 300) * 1000 - 1000);
    await org.contacts.getUser('user002');
    expect(await sim.requests('/gettoken')).toHaveLength(1);
    await sim.advanceClock(2000);
    await org.contacts.getUser('user002');
    expect(await sim.requests('/gettoken')).toHaveLength(2);
  });

  it('when DingTalk says the token expired (42001) before the client expected it, then it refreshes once and retries', async () => {
    // The client's clock lags the simulator's, so only DingTalk knows the token has expired.
    const frozenAt = sim.running.sim.clock.now();
    const org = sim.client({ tokenEndpoints: 'legacy', clock: { now: () => frozenAt } }).forOrg(internalApp);
    await org.contacts.getUser('user002');
    await sim.advanceClock(7201 * 1000);
    const user = await org.contacts.getUser('user002');
    expect(user.userid).toBe('user002');
    const log = await sim.requests('/');
    expect(log.map((e) => [e.path, e.errcode])).toEqual([
      ['/gettoken', 0],
      ['/topapi/v2/user/get', 0],
      ['/topapi/v2/user/get', 42001],
      ['/gettoken', 0],
      ['/topapi/v2/user/get', 0],
    ]);
  });

  it('when the token is revoked on the new API, then InvalidAuthentication triggers one refresh and the call succeeds', async () => {
    const client = sim.client();
    const suite = client.forSuite(suiteCredentials);
    await suite.authInfo(DEMO.corpId);
    // The faulted call still succeeds but revokes its token; the next call meets InvalidAuthentication.
    await sim.faults([{ path: '/v1.0/oauth2/apps/authInfo', kind: 'invalidate-token', times: 1 }]);
    await suite.authInfo(DEMO.corpId);
    const info = await suite.authInfo(DEMO.corpId);
    expect(info.authAppInfo.agentList[0]?.agentId).toBe(DEMO.suite.agentId);
    const log = await sim.requests('/v1.0/oauth2/');
    expect(log.map((e) => [e.path, e.code ?? e.httpStatus])).toEqual([
      ['/v1.0/oauth2/suiteAccessToken', 200],
      ['/v1.0/oauth2/apps/authInfo', 200],
      ['/v1.0/oauth2/apps/authInfo', 200],
      ['/v1.0/oauth2/apps/authInfo', 'InvalidAuthentication'],
      ['/v1.0/oauth2/suiteAccessToken', 200],
      ['/v1.0/oauth2/apps/authInfo', 200],
    ]);
  });

  it('when the token stays invalid after the refresh, then the call fails instead of looping', async () => {
    // A store that cannot forget keeps handing out the same dead token.
    const stuck: TokenStore = {
      get: async () => ({ accessToken: 'revoked-token', obtainedAt: sim.running.sim.clock.now(), expireIn: 7200 }),
      set: async () => undefined,
      delete: async () => undefined,
    };
    const org = sim.client({ tokenStore: stuck }).forOrg(internalApp);
    const err = await rejection(org.contacts.getUser('user002'));
    expect(err).toMatchObject({ kind: 'refresh-token', errcode: 88, subCode: '40014' });
    expect(await sim.requests('/topapi/v2/user/get')).toHaveLength(2);
  });

  it('when the token store is shared (a restart), then the persisted token is reused without a request', async () => {
    const tokenStore = new InMemoryTokenStore();
    await sim.client({ tokenStore }).forOrg(internalApp).accessToken();
    await sim.client({ tokenStore }).forOrg(internalApp).contacts.getUser('user003');
    expect(await sim.requests('/v1.0/oauth2/accessToken')).toHaveLength(1);
    expect(await tokenStore.get('app:dingdemoappkey01')).toMatchObject({ expireIn: 7200 });
  });

  it.each(['v1', 'legacy'] as const)(
    'when the stored ticket is stale but a newer one arrives meanwhile, then the %s corp token fetch reloads it once',
    async (tokenEndpoints) => {
      const { ticket } = await sim.control<{ ticket: string }>('POST', '/suite/ticket', {});
      const reads: string[] = [];
      // A source whose first read still returns the old ticket, as a database read racing the push would.
      const source: SuiteTicketSource = {
        current: async () => {
          const value = reads.length === 0 ? DEMO.suite.initialTicket : ticket;
          reads.push(value);
          return value;
        },
      };
      const org = sim.client({ suiteTicketSource: source, tokenEndpoints }).forOrg(isvInstall);
      expect((await org.contacts.getUser('user004')).userid).toBe('user004');
      expect(reads).toEqual([DEMO.suite.initialTicket, ticket]);
    },
  );

  it('when no suite ticket is known yet, then ISV calls fail with SuiteTicketUnavailableError', async () => {
    const org = sim.client({ suiteTicketSource: { current: async () => undefined } }).forOrg(isvInstall);
    await expect(org.accessToken()).rejects.toBeInstanceOf(SuiteTicketUnavailableError);
    expect(await sim.requests('/')).toHaveLength(0);
  });

  it('legacy ISV endpoints: the suite token and the signed corp token are used by the caching layer', async () => {
    const client = sim.client({ tokenEndpoints: 'legacy' });
    await client.forSuite(suiteCredentials).accessToken();
    await client.forOrg(isvInstall).contacts.getUser('user005');
    expect((await sim.requests('/service/')).map((e) => [e.path, e.errcode])).toEqual([
      ['/service/get_suite_token', 0],
      ['/service/get_corp_token', 0],
    ]);
  });
});
