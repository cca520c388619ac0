// Signed traffic across the real processes: the cloud's Standard Webhooks into the store and
// DingTalk's encrypted callbacks into the cloud — tampered with, forged, stale, from the future,
// bound to another org, replayed. At LOG_LEVEL=debug; the last test scans every line printed.
import { DEMO } from '@dtg/dingtalk-sim';
import { generateWebhookSecret } from '@dtg/webhook-signing';
import { postCallback, signPush, simControl, startDrillStack, waitFor, type CallbackKeys, type DrillStack } from '@dtg/testkit';
import { jsonCall } from './support/json-call';
import { postgresRowCounts, sqliteRowCounts } from './support/row-counts';
import { expectCleanLogs, HandledSecrets } from './support/secret-scan';
import { provisionSecondTenant, type SecondTenant } from './support/second-tenant';
import { postWebhook, signEnvelope, type SignedWebhook } from './support/signed-requests';

const PROBLEM = 'application/problem+json';

interface Envelope {
  id: string;
  type: string;
  seq: number;
  data: Record<string, unknown>;
}

describe('signed webhooks and DingTalk callbacks (real processes)', () => {
  let stack: DrillStack;
  let second: SecondTenant;
  const handled = new HandledSecrets();

  beforeAll(async () => {
    stack = await startDrillStack({ logLevel: 'debug', suite: true, gates: true });
    second = await provisionSecondTenant(stack, 'http://127.0.0.1:9/second-app/', handled);
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  const events = async (after = 0) =>
    (await jsonCall(stack.cloud.url, 'GET', `/v1/events?after=${after}&limit=1000`, stack.tenant.apiKey)).body.events as Envelope[];
  const processed = async (eventId?: string) =>
    Number(
      (await stack.db.query(`SELECT count(*)::int AS n FROM processed_events${eventId ? ' WHERE event_id = $1' : ''}`, eventId ? [eventId] : [])).rows[0].n,
    );

  /** A new test event the store has not received: the network to the store is cut meanwhile. */
  async function withHeldBackEvent(fn: (event: Envelope) => Promise<void>): Promise<void> {
    const gates = stack.gates;
    if (!gates) throw new Error('needs gates');
    gates.toLocal.cut();
    gates.toCloud.cut();
    try {
      const last = (await events()).at(-1)?.seq ?? 0;
      expect((await stack.admin('POST', `/admin/tenants/${stack.tenant.id}/test-events`, { count: 1 })).status).toBe(202);
      const [event] = await events(last);
      if (!event) throw new Error('the test event was not emitted');
      await fn(event);
    } finally {
      gates.toLocal.restore();
      gates.toCloud.restore();
    }
  }

  describe('webhooks into the local store', () => {
    it('when a webhook is tampered with, forged, stale, from the future or unsigned, then 401 problem+json and the store writes nothing', async () => {
      await withHeldBackEvent(async (event) => {
        const secret = stack.tenant.webhookSecret;
        const now = Math.floor(Date.now() / 1000);
        const good = signEnvelope(event, secret);
        const attempts: Record<string, SignedWebhook> = {
          'tampered body': { headers: good.headers, body: JSON.stringify({ ...event, data: { ...event.data, n: 999_999 } }) },
          'another webhook-id': { body: good.body, headers: { ...good.headers, 'webhook-id': `${event.id}x` } },
          'another timestamp': { body: good.body, headers: { ...good.headers, 'webhook-timestamp': String(now - 1) } },
          'forged secret': signEnvelope(event, generateWebhookSecret()),
          'another tenant’s secret': signEnvelope(event, second.webhookSecret),
          'stale (10 min old)': signEnvelope(event, secret, now - 600),
          'from the future (10 min)': signEnvelope(event, secret, now + 600),
          unsigned: { body: good.body, headers: { 'content-type': 'application/json' } },
          'garbage signature': { body: good.body, headers: { ...good.headers, 'webhook-signature': 'v1,AAAA v1a,BBBB' } },
        };
        const before = await postgresRowCounts(stack.db);
        for (const [what, hook] of Object.entries(attempts)) {
          const res = await postWebhook(stack.local.url, hook);
          expect([what, res.status, res.contentType.split(';')[0]]).toEqual([what, 401, PROBLEM]);
        }
        expect(await postgresRowCounts(stack.db)).toEqual(before);
        expect(await processed(event.id)).toBe(0);
      });
    });

    it('when a genuine webhook is replayed, then the copy is acknowledged as a duplicate and the event is applied once', async () => {
      await withHeldBackEvent(async (event) => {
        const hook = signEnvelope(event, stack.tenant.webhookSecret);
        expect((await postWebhook(stack.local.url, hook)).body).toEqual({ status: 'applied' });
        const before = await postgresRowCounts(stack.db);
        for (let i = 0; i < 3; i++) expect((await postWebhook(stack.local.url, hook)).body).toEqual({ status: 'duplicate' });
        expect(await postgresRowCounts(stack.db)).toEqual(before);
      });
      // The cloud's own deliveries of the held-back events arrive once the network is back: once each.
      const all = await events();
      await waitFor(async () => (await processed()) === all.length, 'every event delivered', 30_000);
      const { rows } = await stack.db.query('SELECT count(DISTINCT event_id)::int AS d FROM processed_events');
      expect(rows[0].d).toBe(all.length);
    });
  });

  describe('DingTalk callbacks into the cloud', () => {
    const appKeys: CallbackKeys = { token: DEMO.app.callbackToken, aesKey: DEMO.app.aesKey, ownerKey: DEMO.corpId };
    const suiteKeys: CallbackKeys = { token: DEMO.suite.callbackToken, aesKey: DEMO.suite.aesKey, ownerKey: DEMO.suite.suiteKey };
    const appUrl = () => `${stack.cloud.url}/callbacks/dingtalk?tenant=${stack.tenant.id}`;
    const suiteUrl = () => `${stack.cloud.url}/callbacks/dingtalk/suite`;
    const footprint = () => {
      const counts = sqliteRowCounts(stack.cloudDbFile);
      return ['CallbackEvent', 'CallbackNonce', 'Job', 'Event', 'SuiteTicket'].map((t) => `${t}=${counts[`cloud.${t}`]}`);
    };
    /** Another valid base64 character in the middle of the ciphertext. */
    const flip = (s: string) => {
      const at = Math.floor(s.length / 2);
      return `${s.slice(0, at)}${s[at] === 'A' ? 'B' : 'A'}${s.slice(at + 1)}`;
    };

    it('when a callback is tampered with, forged, stale, from the future or bound to another org, then 401 and nothing is stored', async () => {
      const endpoints = [
        { url: appUrl(), keys: appKeys, event: { EventType: 'user_modify_org', UserId: ['user010'], CorpId: DEMO.corpId, TimeStamp: String(Date.now()) } },
        {
          url: suiteUrl(),
          keys: suiteKeys,
          event: { EventType: 'suite_ticket', SuiteKey: DEMO.suite.suiteKey, SuiteTicket: 'forged-ticket', TimeStamp: String(Date.now()) },
        },
      ];
      const before = footprint();
      for (const { url, keys, event } of endpoints) {
        const good = signPush(keys, event);
        const attempts = {
          'tampered ciphertext': { ...good, encrypt: flip(good.encrypt) },
          'forged signature': { ...good, signature: 'f'.repeat(40) },
          'another nonce': { ...good, nonce: `${good.nonce}0` },
          'wrong token': signPush({ ...keys, token: 'notTheToken' }, event),
          'wrong EncodingAESKey': signPush({ ...keys, aesKey: 'Z'.repeat(43) }, event),
          'stale (10 min old)': signPush(keys, event, { timestamp: Date.now() - 600_000 }),
          'from the future (10 min)': signPush(keys, event, { timestamp: Date.now() + 600_000 }),
          'another owner (CorpId/SuiteKey)': signPush({ ...keys, ownerKey: 'dingsomeothercorp' }, event),
        };
        for (const [what, push] of Object.entries(attempts)) {
          const res = await postCallback(url, push);
          expect([url, what, res.status, res.contentType.split(';')[0]]).toEqual([url, what, 401, PROBLEM]);
        }
      }
      expect(footprint()).toEqual(before);
    });

    it('when a genuine callback is replayed, then the copy is refused and the event is stored once', async () => {
      const event = { EventType: 'user_modify_org', UserId: ['user011'], CorpId: DEMO.corpId, TimeStamp: String(Date.now()) };
      const push = signPush(appKeys, event);
      const stored = () => sqliteRowCounts(stack.cloudDbFile)['cloud.CallbackEvent'] ?? 0;
      const before = stored();
      const first = await postCallback(appUrl(), push);
      expect(first.status).toBe(200);
      expect(Object.keys(first.body).sort()).toEqual(['encrypt', 'msg_signature', 'nonce', 'timeStamp']);
      const replay = await postCallback(appUrl(), push);
      expect([replay.status, replay.contentType.split(';')[0]]).toEqual([401, PROBLEM]);
      // DingTalk's own redelivery (same payload, new nonce and timestamp) is answered but not stored again.
      expect((await postCallback(appUrl(), signPush(appKeys, event))).status).toBe(200);
      expect(stored()).toBe(before + 1);
    });

    it('when the simulator pushes a real callback, then the cloud acknowledges it (the refusals above are about forgeries)', async () => {
      await simControl(stack.sim.url, 'PUT', '/callbacks', { appUrl: appUrl() });
      const push = await simControl<{ acknowledged: boolean }>(stack.sim.url, 'POST', '/callbacks/push', { target: 'app', event: { EventType: 'check_url' } });
      expect(push.acknowledged).toBe(true);
    });
  });

  it('when all of the above ran at LOG_LEVEL=debug, then no secret, token, key or signature secret appears in any service’s output', async () => {
    await expectCleanLogs(stack, handled);
  });
});
