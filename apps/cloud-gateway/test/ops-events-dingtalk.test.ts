// Operational events about DingTalk (issue #24), each sent once per transition to a real receiver
// and verified with Standard Webhooks: tenant.credentials_failing when DingTalk (the simulator)
// refuses a tenant's secret at a token fetch, suite_ticket.stale when no ticket came for too long.
import { randomBytes } from 'node:crypto';
import { DEMO } from '@dtg/dingtalk-sim';
import { createLogger } from '@dtg/service-kit';
import { waitFor } from '@dtg/testkit';
import { suiteTicketAlarm } from '../src/features/dingtalk/suite-ticket-alarm';
import { METRICS_TOKEN } from './support/cloud-harness';
import { startIdentityStack, type IdentityStack } from './support/identity-stack';
import { startReceiver, type WebhookReceiver } from './support/webhook-receiver';

const OPS_SECRET = `whsec_${randomBytes(24).toString('base64')}`;

describe('operational events about DingTalk', () => {
  let operator: WebhookReceiver;
  let stack: IdentityStack;

  beforeEach(async () => {
    operator = await startReceiver([OPS_SECRET]);
    stack = await startIdentityStack({ env: { OPS_WEBHOOK_URL: operator.url, OPS_WEBHOOK_SECRET: OPS_SECRET } });
  });
  afterEach(async () => {
    await stack.close();
    await operator.close();
  });

  const received = (type: string) => operator.received.filter((r) => (r.body as unknown as { type: string }).type === type);
  const data = (r: { body: unknown } | undefined) => (r?.body as { data: Record<string, unknown> } | undefined)?.data;

  it('when DingTalk refuses a tenant secret, then tenant.credentials_failing is sent once, and a good fetch clears it', async () => {
    const tenant = await stack.createTenant({ appSecret: 'not-the-secret-0123456789' });
    const token = async () => (await stack.cloud.services.dingtalk.forTenant(await stack.cloud.services.tenants.get(tenant.id))).accessToken();
    await expect(token()).rejects.toThrow();
    await expect(token()).rejects.toThrow();
    await waitFor(() => received('tenant.credentials_failing').length > 0, 'tenant.credentials_failing at the operator');
    const row = () => stack.cloud.services.db.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
    expect((await row()).credentialsFailingSince).not.toBeNull();
    await stack.cloud.services.jobs.drain();
    const [event] = received('tenant.credentials_failing');
    expect(received('tenant.credentials_failing')).toHaveLength(1);
    expect(event?.verified).toBe(true);
    expect(data(event)).toMatchObject({ tenantId: tenant.id, token: 'app', kind: 'fail-config' });
    expect(JSON.stringify(event?.body)).not.toContain('not-the-secret');

    await stack.call('PATCH', `/admin/tenants/${tenant.id}`, { body: { appSecret: DEMO.app.appSecret } });
    await expect(token()).resolves.toEqual(expect.any(String));
    await waitFor(async () => (await row()).credentialsFailingSince === null, 'mark cleared by a good fetch');

    const metrics = await (await fetch(`${stack.cloud.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(metrics).toContain('dingtalk_token_refreshes_total{kind="app",outcome="failed",service="cloud-gateway"} 2');
    expect(metrics).toContain('dingtalk_token_refreshes_total{kind="app",outcome="ok",service="cloud-gateway"} 1');
  });

  it('when no suite_ticket arrives past the alarm time, then suite_ticket.stale is sent once per stale ticket', async () => {
    let now = Date.now();
    const { dingtalk, ops, jobs } = stack.cloud.services;
    const alarm = suiteTicketAlarm({
      suiteKey: DEMO.suite.suiteKey,
      tickets: dingtalk.tickets,
      alarmAfterMs: 60_000,
      logger: createLogger({ service: 'test', version: 'test', level: 'error', silent: true }),
      ops,
      now: () => now,
    });
    expect((await alarm.check()).level).toBe('ok');
    now += 61_000;
    await alarm.check();
    now += 61_000;
    await alarm.check();
    await waitFor(() => received('suite_ticket.stale').length > 0, 'suite_ticket.stale at the operator');
    await jobs.drain();
    expect(received('suite_ticket.stale')).toHaveLength(1);
    expect(received('suite_ticket.stale')[0]?.verified).toBe(true);
    expect(data(received('suite_ticket.stale')[0])).toMatchObject({ suiteKey: DEMO.suite.suiteKey, lastReceivedAt: null, alarmAfterSeconds: 60 });
    const metrics = await (await fetch(`${stack.cloud.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(metrics).toContain('dtg_ops_events_total{type="suite_ticket.stale",service="cloud-gateway"} 1');

    // A new ticket re-arms it: when that one grows old too, the operator hears again.
    await dingtalk.tickets.save(DEMO.suite.suiteKey, 'ticket-2', new Date(now));
    expect((await alarm.check()).level).toBe('ok');
    now += 61_000;
    await alarm.check();
    await waitFor(() => received('suite_ticket.stale').length === 2, 'a second suite_ticket.stale');
    expect(data(received('suite_ticket.stale')[1])).toMatchObject({ lastReceivedAt: new Date(now - 61_000).toISOString() });
  });
});
