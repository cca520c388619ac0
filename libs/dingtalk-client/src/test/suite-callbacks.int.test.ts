import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DingTalkApiError, DingTalkCallbackCrypto, InMemorySuiteTicketSource, type DingTalkClient } from '../index';
import { DEMO, SimHarness, suiteCredentials } from './sim-harness';

/**
 * A callback endpoint as the product would run it: verify + decrypt with our crypto, answer the
 * encrypted `success`. The simulator only counts a push as acknowledged if that reply verifies.
 */
class CallbackReceiver {
  readonly events: Array<Record<string, unknown>> = [];
  private server?: Server;

  constructor(
    private readonly crypto: DingTalkCallbackCrypto,
    private readonly onEvent: (event: Record<string, unknown>) => void = () => undefined,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const query = new URL(req.url ?? '', 'http://receiver').searchParams;
        const timestamp = query.get('timestamp') ?? '';
        const nonce = query.get('nonce') ?? '';
        const { encrypt } = JSON.parse(body) as { encrypt: string };
        const plain = this.crypto.decryptRequest({ signature: query.get('signature') ?? '', timestamp, nonce, encrypt });
        const event = JSON.parse(plain) as Record<string, unknown>;
        this.events.push(event);
        this.onEvent(event);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(this.crypto.encryptedReply('success', timestamp, nonce)));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/callbacks`;
  }

  eventsOfType(type: string): Array<Record<string, unknown>> {
    return this.events.filter((e) => e.EventType === type);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

let sim: SimHarness;
let suiteReceiver: CallbackReceiver;
let appReceiver: CallbackReceiver;
let tickets: InMemorySuiteTicketSource;
let client: DingTalkClient;

beforeAll(async () => {
  sim = await SimHarness.start();
  // Like the product: pushed tickets are stored, and the client always reads the newest one.
  tickets = new InMemorySuiteTicketSource({ [DEMO.suite.suiteKey]: DEMO.suite.initialTicket });
  const storeTicket = (event: Record<string, unknown>) => {
    if (event.EventType === 'suite_ticket') tickets.set(String(event.SuiteKey), String(event.SuiteTicket));
  };
  suiteReceiver = new CallbackReceiver(new DingTalkCallbackCrypto(DEMO.suite.callbackToken, DEMO.suite.aesKey, DEMO.suite.suiteKey), storeTicket);
  appReceiver = new CallbackReceiver(new DingTalkCallbackCrypto(DEMO.app.callbackToken, DEMO.app.aesKey, DEMO.corpId));
  const [suiteUrl, appUrl] = await Promise.all([suiteReceiver.start(), appReceiver.start()]);
  await sim.reset();
  await sim.control('PUT', '/callbacks', { suiteUrl, appUrl });
});
afterAll(async () => {
  await Promise.all([suiteReceiver.stop(), appReceiver.stop()]);
  await sim.close();
});
beforeEach(() => {
  client = sim.client({ suiteTicketSource: tickets });
});

interface PushResult {
  httpStatus: number;
  acknowledged: boolean;
}

describe('suite calls against the simulator', () => {
  it('reads the authorisation info (new and old signed) with the agentId for work notifications', async () => {
    const suite = client.forSuite(suiteCredentials);
    const info = await suite.authInfo(DEMO.corpId);
    expect(info.authCorpInfo.corpName).toBe(DEMO.corpName);
    expect(info.authAppInfo.agentList.map((a) => a.agentId)).toEqual([DEMO.suite.agentId]);
    const legacy = await suite.authInfoSigned(DEMO.corpId);
    expect(legacy.auth_corp_info.corpid).toBe(DEMO.corpId);
    expect(legacy.auth_info.agent.map((a) => a.agentid)).toEqual([DEMO.suite.agentId]);
  });

  it('when the suite_ticket rotates, then the push decrypts with our crypto and the new ticket works', async () => {
    const rotated = await sim.control<{ ticket: string; push: PushResult }>('POST', '/suite/ticket', {});
    expect(rotated.push.acknowledged).toBe(true);
    expect(suiteReceiver.eventsOfType('suite_ticket').at(-1)).toMatchObject({ SuiteKey: DEMO.suite.suiteKey, SuiteTicket: rotated.ticket });
    expect(await tickets.current(DEMO.suite.suiteKey)).toBe(rotated.ticket);
    const corpTokenCall = client.forOrg({ mode: 'isv', ...suiteCredentials, corpId: DEMO.corpId }).accessToken();
    await expect(corpTokenCall).resolves.toEqual(expect.any(String));
  });

  it('when a second org installs the suite, then tmp_auth_code → permanent code → activate → corp calls work', async () => {
    const install = await sim.control<{ agentId: number; pushes: PushResult[] }>('POST', `/orgs/${DEMO.secondCorpId}/install-suite`, {});
    expect(install.pushes.every((p) => p.acknowledged)).toBe(true);
    const tmp = suiteReceiver.eventsOfType('tmp_auth_code').find((e) => e.AuthCorpId === DEMO.secondCorpId);
    const suite = client.forSuite(suiteCredentials);
    const permanent = await suite.permanentCode(String(tmp?.AuthCode));
    expect(permanent.auth_corp_info).toEqual({ corpid: DEMO.secondCorpId, corp_name: 'Second Org' });
    await suite.activateSuite(DEMO.secondCorpId, permanent.permanent_code);
    const reused = await suite.permanentCode(String(tmp?.AuthCode)).catch((e: unknown) => e);
    expect(reused).toBeInstanceOf(DingTalkApiError);
    expect(reused).toMatchObject({ errcode: 40078, kind: 'fail-invalid-code' });
    const [permanentCall] = await sim.requests('/service/get_permanent_code');
    expect(Object.keys(permanentCall?.query ?? {})).toEqual(['suite_access_token']);

    const org = client.forOrg({ mode: 'isv', ...suiteCredentials, corpId: DEMO.secondCorpId, agentId: install.agentId });
    expect((await org.contacts.getUser('second001')).userid).toBe('second001');
    const taskId = await org.messages.send({ userIds: ['second002'], msg: { msgtype: 'text', text: { content: 'welcome' } } });
    expect(taskId).toEqual(expect.any(Number));
  });

  it('when the org directory changes with notify, then the app callback decrypts with the corpId as owner key', async () => {
    await sim.control('PATCH', `/orgs/${DEMO.corpId}/users/user050?notify=1`, { title: 'Promoted' });
    const event = appReceiver.eventsOfType('user_modify_org').at(-1);
    expect(event).toMatchObject({ CorpId: DEMO.corpId, UserId: ['user050'] });
  });
});
