// Issue #24's proof with real processes: a local store down past ENDPOINT_DISABLE_AFTER gets its
// endpoint disabled and the operator's receiver is sent endpoint.disabled, signed with Standard
// Webhooks; once the store is back and the endpoint re-enabled, every event is applied once.
import { randomBytes } from 'node:crypto';
import { verifyWebhook } from '@dtg/webhook-signing';
import { startStack, startTestEndpoint, waitFor, type Stack } from '@dtg/testkit';

const OPS_SECRET = `whsec_${randomBytes(24).toString('base64')}`;

interface OpsDelivery {
  verified: boolean;
  body: { type: string; timestamp: string; data: Record<string, unknown> };
}

async function startOperatorReceiver(): Promise<{ url: string; received: OpsDelivery[]; close(): Promise<void> }> {
  const received: OpsDelivery[] = [];
  const endpoint = await startTestEndpoint('/ops', (raw, req, res) => {
    let verified = true;
    try {
      verifyWebhook(raw, req.headers, [OPS_SECRET]);
    } catch {
      verified = false;
    }
    received.push({ verified, body: JSON.parse(raw.toString('utf8')) as OpsDelivery['body'] });
    res.writeHead(204).end();
  });
  return { ...endpoint, received };
}

describe('operational webhooks across processes', () => {
  let operator: Awaited<ReturnType<typeof startOperatorReceiver>>;
  let stack: Stack;

  beforeAll(async () => {
    operator = await startOperatorReceiver();
    stack = await startStack({
      cloudEnv: {
        OPS_WEBHOOK_URL: operator.url,
        OPS_WEBHOOK_SECRET: OPS_SECRET,
        ENDPOINT_DISABLE_AFTER: '3s',
        OPS_CHECK_INTERVAL: '500ms',
        // Retries every half second for longer than the threshold.
        WEBHOOK_RETRY_SCHEDULE: Array(40).fill('500ms').join(','),
      },
    });
  }, 120_000);
  afterAll(async () => {
    await stack.close();
    await operator.close();
  });

  const processed = async () => Number((await stack.pg.query("SELECT count(*)::int AS n FROM processed_events WHERE type = 'test.ping'")).rows[0].n);

  it('when the store is down past the threshold, then endpoint.disabled reaches the operator, and re-enabling delivers everything once', async () => {
    await stack.local.kill();
    expect((await stack.admin('POST', `/admin/tenants/${stack.tenant.id}/test-events`, { count: 3 })).status).toBe(202);

    const disabled = await waitFor(() => operator.received.find((r) => r.body.type === 'endpoint.disabled'), 'endpoint.disabled at the operator', 30_000);
    expect(disabled.verified).toBe(true);
    expect(disabled.body.data).toMatchObject({ tenantId: stack.tenant.id, pendingDeliveries: 3 });
    expect((await stack.admin('GET', `/admin/tenants/${stack.tenant.id}`)).body.endpoint).toMatchObject({ state: 'disabled' });

    await stack.local.start();
    const enabled = await stack.admin('POST', `/admin/tenants/${stack.tenant.id}/enable-endpoint`);
    expect(enabled.body).toMatchObject({ wasDisabled: true, resumed: 3 });
    await waitFor(
      async () => (await stack.admin('GET', `/admin/deliveries?tenantId=${stack.tenant.id}&status=pending`)).body.items.length === 0,
      'nothing pending',
      30_000,
    );
    await waitFor(async () => (await processed()) === 3, 'three pings applied', 30_000);
    expect((await stack.admin('GET', `/admin/tenants/${stack.tenant.id}`)).body.endpoint).toMatchObject({ state: 'healthy' });
    expect(operator.received.filter((r) => r.body.type === 'endpoint.disabled')).toHaveLength(1);
  }, 120_000);
});
