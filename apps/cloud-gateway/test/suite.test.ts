import { PassThrough } from 'node:stream';
import { DEMO, startSimulator, type RequestLogEntry, type RunningSim } from '@dtg/dingtalk-sim';
import { createLogger } from '@dtg/service-kit';
import { suiteTicketAlarm } from '../src/features/dingtalk/suite-ticket-alarm';
import { ADMIN_TOKEN, METRICS_TOKEN, startCloud, type CloudHarness } from './support/cloud-harness';
import { adminCall, pullEvents, warmUp, type PushOutcome } from './support/dingtalk-callbacks';
import { simControl, waitFor } from '@dtg/testkit';

const SECOND = DEMO.secondCorpId;

describe('third-party suite mode', () => {
  let sim: RunningSim;
  let h: CloudHarness;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(async () => {
    await sim.close();
  });

  async function start(env: Record<string, string> = {}) {
    await simControl(sim.url, 'POST', '/reset');
    h = await startCloud({
      env: {
        DINGTALK_LOGIN_URL: sim.url,
        DINGTALK_API_URL: sim.url,
        DINGTALK_OAPI_URL: sim.url,
        SUITE_KEY: DEMO.suite.suiteKey,
        SUITE_SECRET: DEMO.suite.suiteSecret,
        SUITE_CALLBACK_TOKEN: DEMO.suite.callbackToken,
        SUITE_CALLBACK_AES_KEY: DEMO.suite.aesKey,
        ...env,
      },
    });
    const suiteUrl = `${h.url}/callbacks/dingtalk/suite`;
    await warmUp(suiteUrl, { token: DEMO.suite.callbackToken, aesKey: DEMO.suite.aesKey, ownerKey: DEMO.suite.suiteKey });
    await simControl(sim.url, 'PUT', '/callbacks', { suiteUrl, appUrl: null });
  }
  afterEach(async () => {
    await h.close();
  });

  // agentId is a BIGINT on Postgres (prisma/postgres-schema.ts WIDE_INTS): compared as a number, as the app reads it.
  const isvTenant = async (corpId: string) => {
    const row = await h.services.db.tenant.findUnique({ where: { corpId_mode: { corpId, mode: 'isv' } } });
    return row && { ...row, agentId: row.agentId === null ? null : Number(row.agentId) };
  };
  const settled = () => waitFor(async () => (await h.services.db.callbackEvent.count({ where: { status: 'received' } })) === 0, 'callback events processed');

  async function pushTicket(ticket?: string): Promise<string> {
    const rotated = await simControl<{ ticket: string; push: PushOutcome }>(sim.url, 'POST', '/suite/ticket', ticket ? { ticket } : {});
    expect(rotated.push).toMatchObject({ acknowledged: true });
    await waitFor(async () => (await h.services.dingtalk.tickets.current(DEMO.suite.suiteKey)) === rotated.ticket, 'ticket stored');
    return rotated.ticket;
  }

  /** The second org installs the suite; returns its new tenant and an API key an operator issued for it. */
  async function installSecondOrg() {
    const install = await simControl<{ agentId: number; pushes: PushOutcome[] }>(sim.url, 'POST', `/orgs/${SECOND}/install-suite`, {});
    expect(install.pushes.map((p) => p.acknowledged)).toEqual([true, true]);
    const tenant = await waitFor(() => isvTenant(SECOND), 'ISV tenant created');
    await settled();
    const key = await adminCall(h, ADMIN_TOKEN, 'POST', `/admin/tenants/${tenant.id}/api-keys`, { name: 'store' });
    return { tenant, agentId: install.agentId, apiKey: String(key.body.key) };
  }

  it('when a ticket is pushed and an org installs the suite, then a tenant appears and sends a notification with a corp token got with that ticket', async () => {
    await start();
    const ticket = await pushTicket();
    const late = await simControl<PushOutcome>(sim.url, 'POST', '/callbacks/push', {
      target: 'suite',
      event: { EventType: 'suite_ticket', SuiteKey: DEMO.suite.suiteKey, SuiteTicket: 'an-older-ticket', TimeStamp: String(Date.now() - 3_600_000) },
    });
    expect(late.acknowledged).toBe(true);
    await settled();
    expect(await h.services.dingtalk.tickets.current(DEMO.suite.suiteKey)).toBe(ticket);

    const { tenant, agentId, apiKey } = await installSecondOrg();
    expect(agentId).toBe(300003);
    expect(tenant).toMatchObject({ mode: 'isv', corpId: SECOND, name: DEMO.secondCorpName, agentId, status: 'active', webhookUrl: null, appKey: null });
    expect(await pullEvents(h, apiKey)).toEqual([
      expect.objectContaining({ type: 'tenant.authorization.changed', seq: 1, data: { corpId: SECOND, status: 'active', agentId } }),
    ]);
    // The legacy push was followed through too: the single-use code exchanged, the suite activated.
    const legacy = await simControl<RequestLogEntry[]>(sim.url, 'GET', '/requests?pathPrefix=/service/');
    expect(legacy.map((r) => [r.path, r.errcode ?? 0])).toEqual([
      ['/service/get_permanent_code', 0],
      ['/service/activate_suite', 0],
    ]);

    await simControl(sim.url, 'DELETE', '/requests');
    const sent = await fetch(`${h.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ recipients: { userIds: ['second002'] }, msg: { msgtype: 'text', text: { content: 'welcome from the suite' } } }),
    });
    expect(sent.status).toBe(202);
    const inbox = await waitFor(async () => {
      const entries = await simControl<Array<{ taskId: number }>>(sim.url, 'GET', `/inbox/second002?corpId=${SECOND}&includePending=1`);
      return entries.length > 0 ? entries : undefined;
    }, 'notification in the inbox');
    const task = await simControl<{ sender: Record<string, unknown> }>(sim.url, 'GET', `/tasks/${inbox[0]?.taskId}`);
    expect(JSON.stringify(task.sender)).toContain(String(agentId));

    const corpTokenCalls = await simControl<RequestLogEntry[]>(sim.url, 'GET', '/requests?pathPrefix=/v1.0/oauth2/corpAccessToken');
    expect(corpTokenCalls.length).toBeGreaterThan(0);
    expect(corpTokenCalls.every((c) => (c.body as { suiteTicket?: string }).suiteTicket === ticket)).toBe(true);
    expect(corpTokenCalls[0]?.body).toMatchObject({ authCorpId: SECOND, suiteKey: DEMO.suite.suiteKey });
  });

  it('when a contact changes in the installed org, then its tenant gets user.upserted and user.removed', async () => {
    await start();
    await pushTicket();
    const { apiKey } = await installSecondOrg();
    const added = await simControl<{ pushes: PushOutcome[] }>(sim.url, 'POST', `/orgs/${SECOND}/users?notify=1`, {
      userid: 'second021',
      name: 'Xin Ren',
      deptIds: [1],
    });
    expect(added.pushes.map((p) => p.acknowledged)).toEqual([true]);
    await simControl(sim.url, 'DELETE', `/orgs/${SECOND}/users/second020?notify=1`);
    await settled();
    const events = await pullEvents(h, apiKey);
    expect(events.map((e) => e.type)).toEqual(['tenant.authorization.changed', 'user.upserted', 'user.removed']);
    expect(events[1]?.data).toEqual({
      users: [expect.objectContaining({ userid: 'second021', name: 'Xin Ren', deptIds: [1], unionId: expect.stringMatching(/^isvunion-/) })],
    });
    expect(events[2]?.data).toEqual({ userids: ['second020'] });
  });

  it('when the org removes the suite, then the tenant is suspended, and a re-install re-activates it', async () => {
    await start();
    await pushTicket();
    const { tenant } = await installSecondOrg();
    const removed = await simControl<{ pushes: PushOutcome[] }>(sim.url, 'DELETE', `/orgs/${SECOND}/install-suite`);
    expect(removed.pushes[0]?.acknowledged).toBe(true);
    await waitFor(async () => (await isvTenant(SECOND))?.status === 'suspended', 'tenant suspended');
    const again = await simControl<{ agentId: number }>(sim.url, 'POST', `/orgs/${SECOND}/install-suite`, {});
    await waitFor(async () => (await isvTenant(SECOND))?.status === 'active', 'tenant re-activated');
    await settled();
    const events = await h.services.db.event.findMany({ where: { tenantId: tenant.id }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => JSON.parse(e.data))).toEqual([
      { corpId: SECOND, status: 'active', agentId: 300003 },
      { corpId: SECOND, status: 'suspended', agentId: 300003 },
      { corpId: SECOND, status: 'active', agentId: again.agentId },
    ]);
    expect(await h.services.db.tenant.count({ where: { corpId: SECOND } })).toBe(1);
  });

  it('when no ticket arrives for longer than the alarm time, then it logs a warning, then an error, and the gauge shows the age', async () => {
    await start({ CALLBACK_MAINTENANCE_INTERVAL: '100ms' });
    const lines: Array<{ level: string; message: string; ageSeconds?: number }> = [];
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) =>
      lines.push(
        ...chunk
          .toString('utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l)),
      ),
    );
    let now = Date.now();
    const alarm = suiteTicketAlarm({
      suiteKey: DEMO.suite.suiteKey,
      tickets: h.services.dingtalk.tickets,
      alarmAfterMs: 60_000,
      logger: createLogger({ service: 'test', version: 'test', destination }),
      now: () => now,
    });
    now += 61_000;
    expect((await alarm.check()).level).toBe('warn');
    await pushTicket();
    now = Date.now();
    expect((await alarm.check()).level).toBe('ok');
    now += 121_000;
    expect((await alarm.check()).level).toBe('error');
    await waitFor(() => lines.length >= 2, 'the warning and the error in the log');
    expect(lines.map((l) => [l.level, l.message])).toEqual([
      ['warn', expect.stringContaining('no suite_ticket has been received')],
      ['error', expect.stringContaining('no new suite_ticket')],
    ]);
    expect(lines[1]?.ageSeconds).toBeGreaterThanOrEqual(121);

    const metrics = await (await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const age = /suite_ticket_age_seconds\{[^}]*suite="suitedemokey0001"[^}]*\} ([\d.e+-]+)/.exec(metrics);
    expect(Number(age?.[1])).toBeGreaterThanOrEqual(0);
    expect(Number(age?.[1])).toBeLessThan(60);

    // The housekeeping job runs on its own and prunes the replay cache.
    await h.services.db.callbackNonce.create({ data: { id: 'expired-nonce', expiresAt: new Date(Date.now() - 1) } });
    await waitFor(async () => (await h.services.db.callbackNonce.count({ where: { id: 'expired-nonce' } })) === 0, 'expired nonce pruned');
  });
});
