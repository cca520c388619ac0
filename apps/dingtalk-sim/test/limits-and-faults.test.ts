import { DEMO } from '../src';
import { useSimulator } from './sim-client';

const sim = useSimulator();
const USER_GET = '/topapi/v2/user/get';

async function burst<T>(n: number, call: () => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: n }, call));
}

describe('QPS limits', () => {
  it('when an app exceeds the default 20 QPS on one old API, then 88 / sub_code 90018 — other APIs keep their own bucket', async () => {
    const token = await sim().appToken();
    const started = performance.now();
    const results = await burst(60, () => sim().oapi<{ errcode: number; sub_code?: string }>(USER_GET, token, { userid: 'user002' }));
    const elapsedMs = performance.now() - started;
    const ok = results.filter((r) => r.body.errcode === 0).length;
    const throttled = results.filter((r) => r.body.errcode === 88 && r.body.sub_code === '90018').length;
    // Capacity 20, refilled at 20/s while the burst is in flight.
    expect(ok).toBeGreaterThanOrEqual(20);
    expect(ok).toBeLessThanOrEqual(20 + Math.ceil((elapsedMs / 1000) * 20));
    expect(ok + throttled).toBe(60);
    expect(throttled).toBeGreaterThan(0);
    expect((await sim().oapi('/topapi/user/listid', token, { dept_id: 1 })).body['errcode']).toBe(0);
    const log = sim().running.sim.requestLog({ pathPrefix: USER_GET });
    expect(log.filter((e) => e.errcode === 88)).toHaveLength(throttled);
    expect(log[0]?.clientKey).toBe(DEMO.app.appKey);
  });

  it('when a new-host API is over its limit, then HTTP 403 Forbidden.AccessDenied.QpsLimitForAppkeyAndApi (token endpoints have buckets too)', async () => {
    await sim().control('PUT', '/rate-limits', { perApi: { '/v1.0/oauth2/accessToken': 5 } });
    const body = { appKey: DEMO.app.appKey, appSecret: DEMO.app.appSecret };
    const results = await burst(20, () => sim().api('POST', '/v1.0/oauth2/accessToken', undefined, body));
    const ok = results.filter((r) => r.status === 200).length;
    const throttled = results.filter((r) => r.status === 403 && r.body['code'] === 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi').length;
    expect(ok).toBeGreaterThanOrEqual(5);
    expect(ok + throttled).toBe(20);
    expect(throttled).toBeGreaterThan(0);
  });

  it('refills at the configured rate: once the burst is spent, a client pacing under the limit is never throttled', async () => {
    await sim().control('PUT', '/rate-limits', { defaultQps: 50 });
    const token = await sim().appToken();
    const errcodes: number[] = [];
    // 40 requests paced at 40/s after spending the initial burst of 50 (the pacing is the scenario, not a wait for a state).
    await burst(50, () => sim().oapi(USER_GET, token, { userid: 'user002' }));
    for (let i = 0; i < 40; i++) {
      errcodes.push((await sim().oapi<{ errcode: number }>(USER_GET, token, { userid: 'user002' })).body.errcode);
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(errcodes.filter((c) => c !== 0)).toEqual([]);
  });

  it('a global per-API limit answers 90002 / QpsLimitForApi across all callers', async () => {
    await sim().control('PUT', '/rate-limits', { globalPerApi: { [USER_GET]: 2 } });
    const [app, corp] = [await sim().appToken(), await sim().corpToken()];
    const results = await Promise.all(
      [app, corp, app, corp].map((t) => sim().oapi<{ errcode: number; sub_code?: string }>(USER_GET, t, { userid: 'user002' })),
    );
    expect(results.map((r) => r.body.sub_code ?? String(r.body.errcode)).sort()).toEqual(['0', '0', '90002', '90002']);
  });
});

describe('injected faults', () => {
  it('busy → -1 (old) / 429 system.busy (new); qps → 90018; monthly-quota → 90020 / ApiCountLimitForOrg; `times` limits a rule', async () => {
    const token = await sim().appToken();
    await sim().control('POST', '/faults', { rules: [{ kind: 'busy', path: '/topapi', times: 1 }] });
    expect((await sim().oapi(USER_GET, token, { userid: 'user002' })).body['errcode']).toBe(-1);
    expect((await sim().oapi(USER_GET, token, { userid: 'user002' })).body['errcode']).toBe(0);
    await sim().control('POST', '/faults', { rules: [{ kind: 'busy', path: '/v1.0/' }] });
    expect((await sim().api('POST', '/v1.0/oauth2/accessToken', undefined, {})).status).toBe(429);
    await sim().control('POST', '/faults', { rules: [{ kind: 'qps', path: USER_GET }] });
    expect((await sim().oapi(USER_GET, token, { userid: 'user002' })).body).toMatchObject({ errcode: 88, sub_code: '90018' });
    await sim().control('POST', '/faults', { rules: [{ kind: 'monthly-quota' }] });
    expect((await sim().oapi(USER_GET, token, { userid: 'user002' })).body).toMatchObject({ errcode: 88, sub_code: '90020' });
    expect((await sim().api('GET', '/v1.0/contact/users/me', 'x')).body['code']).toBe('Forbidden.AccessDenied.ApiCountLimitForOrg');
    await sim().control('DELETE', '/faults');
    expect((await sim().oapi(USER_GET, token, { userid: 'user002' })).body['errcode']).toBe(0);
  });

  it('5xx → an HTML 502 on the old host (gateway page) and a JSON 503 on the new one', async () => {
    await sim().control('POST', '/faults', { rules: [{ kind: '5xx' }] });
    const old = await sim().oapi(USER_GET, 'x', {});
    expect([old.status, old.headers.get('content-type')]).toEqual([502, 'text/html']);
    const api = await sim().api('GET', '/v1.0/contact/users/me', 'x');
    expect([api.status, api.body['code']]).toEqual([503, 'ServiceUnavailable']);
  });

  it('invalidate-token lets the call through and revokes its token: the next call gets 40014', async () => {
    const token = await sim().appToken();
    await sim().control('POST', '/faults', { rules: [{ kind: 'invalidate-token', path: USER_GET, times: 1 }] });
    expect((await sim().oapi(USER_GET, token, { userid: 'user002' })).body['errcode']).toBe(0);
    expect((await sim().oapi(USER_GET, token, { userid: 'user002' })).body).toMatchObject({ errcode: 88, sub_code: '40014' });
    expect(await sim().appToken()).not.toBe(token);
  });

  it('ip-ban answers {status:1111} to every API until cleared (or 5 sim minutes pass)', async () => {
    await sim().control('POST', '/faults', { rules: [{ kind: 'ip-ban', times: 1 }] });
    const first = await sim().oapi(USER_GET, 'x', {});
    expect(first.body).toMatchObject({ status: 1111, wait: 5, source: 'x5', punish: 'deny' });
    expect((await sim().api('GET', '/v1.0/contact/users/me', 'x')).body['status']).toBe(1111);
    sim().running.sim.clock.advance(300_000);
    expect((await sim().api('GET', '/v1.0/contact/users/me', 'x')).body['code']).toBe('InvalidAuthentication');
  });

  it('reset answers with a TCP reset at once; the request may have taken effect first (unknown outcome)', async () => {
    const token = await sim().appToken();
    await sim().control('POST', '/faults', { rules: [{ kind: 'reset', path: '/topapi/message' }] });
    const outcomes: string[] = [];
    for (let i = 0; i < 12; i++) {
      const sent = sim().oapi('/topapi/message/corpconversation/asyncsend_v2', token, {
        agent_id: DEMO.app.agentId,
        userid_list: 'user002',
        msg: { msgtype: 'text', text: { content: `r${i}` } },
      });
      outcomes.push(
        await sent.then(
          () => 'answered',
          (err: Error) => String((err.cause as { code?: string } | undefined)?.code),
        ),
      );
    }
    expect(outcomes.every((o) => o === 'ECONNRESET' || o === 'UND_ERR_SOCKET')).toBe(true);
    const tasks = sim().running.sim.tasks();
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks.length).toBeLessThan(12);
    const log = sim().running.sim.requestLog({ pathPrefix: '/topapi/message' });
    expect(log.every((e) => e.httpStatus === 0 && e.fault === 'reset')).toBe(true);
  });

  it('timeout holds then drops the connection; for asyncsend_v2 the send may have happened (unknown outcome)', async () => {
    const token = await sim().appToken();
    await sim().control('POST', '/faults', { rules: [{ kind: 'timeout', path: '/topapi/message', holdMs: 50 }] });
    const outcomes: string[] = [];
    for (let i = 0; i < 12; i++) {
      const sent = sim().oapi('/topapi/message/corpconversation/asyncsend_v2', token, {
        agent_id: DEMO.app.agentId,
        userid_list: 'user002',
        msg: { msgtype: 'text', text: { content: `t${i}` } },
      });
      outcomes.push(
        await sent.then(
          () => 'answered',
          (err: Error) => err.name,
        ),
      );
    }
    expect(outcomes.every((o) => o === 'TypeError')).toBe(true);
    const tasks = sim().running.sim.tasks();
    // Seeded coin: some sends took effect, some did not — both outcomes are real.
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks.length).toBeLessThan(12);
    const log = sim().running.sim.requestLog({ pathPrefix: '/topapi/message' });
    expect(log.every((e) => e.httpStatus === 0 && e.fault === 'timeout')).toBe(true);
  });

  it('probability 0 never fires; rules are validated', async () => {
    await sim().control('POST', '/faults', { rules: [{ kind: 'busy', probability: 0 }] });
    expect((await sim().oapi(USER_GET, await sim().appToken(), { userid: 'user002' })).body['errcode']).toBe(0);
    expect((await sim().control('POST', '/faults', { rules: [{ kind: 'meteor' }] })).status).toBe(400);
    expect((await sim().control('POST', '/faults', { rules: [{ kind: 'busy', probability: 2 }] })).status).toBe(400);
  });
});

describe('monthly API call quota (standard edition)', () => {
  const PROGRESS = '/topapi/message/corpconversation/getsendprogress';

  it('when an org has spent its month, then counted calls get 90020 / ApiCountLimitForOrg while contacts and tokens go on, until the month turns (China time)', async () => {
    // 2026-12-31 23:00 China time: an hour before the month turns.
    await sim().control('POST', '/clock', { setMs: Date.parse('2026-12-31T15:00:00Z') });
    await sim().control('PATCH', '/config', { monthlyCallQuota: 2 });
    const token = await sim().appToken();
    const progress = () => sim().oapi<{ errcode: number; sub_code?: string }>(PROGRESS, token, { agent_id: DEMO.app.agentId, task_id: 1 });
    // A bad task id still costs a call: DingTalk counts requests, not successes.
    expect((await progress()).body.errcode).not.toBe(88);
    expect((await progress()).body.errcode).not.toBe(88);
    expect((await progress()).body).toMatchObject({ errcode: 88, sub_code: '90020' });
    expect((await sim().oapi(USER_GET, token, { userid: 'user002' })).body['errcode']).toBe(0);
    expect(await sim().appToken()).toEqual(expect.any(String));
    await sim().control('POST', '/clock', { advanceMs: 3_600_000 });
    expect((await progress()).body.errcode).not.toBe(88);
  });
});
