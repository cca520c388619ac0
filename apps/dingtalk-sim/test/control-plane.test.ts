import { spawn } from 'node:child_process';
import path from 'node:path';
import { waitFor } from '@dtg/testkit';
import { DEMO, demoFixture, type FixtureInput } from '../src';
import { useSimulator } from './sim-client';

const sim = useSimulator();

describe('control plane', () => {
  it('moves, sets and freezes the sim clock', async () => {
    const frozen = await sim().control<{ nowMs: number; frozen: boolean }>('POST', '/clock', { freeze: true });
    expect(frozen.body.frozen).toBe(true);
    const advanced = await sim().control<{ nowMs: number }>('POST', '/clock', { advanceMs: 60_000 });
    expect(advanced.body.nowMs).toBe(frozen.body.nowMs + 60_000);
    const realMs = Date.now();
    await waitFor(() => Date.now() > realMs, 'real time to move on');
    expect((await sim().control<{ nowMs: number }>('GET', '/clock')).body.nowMs).toBe(advanced.body.nowMs);
    const set = await sim().control<{ nowMs: number; iso: string }>('POST', '/clock', { setMs: Date.UTC(2030, 0, 1) });
    expect(set.body.iso).toBe('2030-01-01T00:00:00.000Z');
    await sim().control('POST', '/clock', { freeze: false });
    expect((await sim().control('POST', '/clock', { advanceMs: 'soon' })).status).toBe(400);
  });

  it('keeps a request log with sequence numbers, filters by prefix and sequence, never stores secrets', async () => {
    await sim().appToken();
    await sim().oapi('/topapi/v2/user/get', 'bad', { userid: 'user002' });
    const all = (
      await sim().control<Array<{ seq: number; path: string; query: Record<string, string>; errcode?: number; httpStatus: number }>>('GET', '/requests')
    ).body;
    expect(all.map((e) => [e.path, e.errcode, e.httpStatus])).toEqual([
      ['/gettoken', 0, 200],
      ['/topapi/v2/user/get', 88, 200],
    ]);
    expect(all[0]?.query['appsecret']).toBe('[REDACTED]');
    const since = (await sim().control<unknown[]>('GET', `/requests?sinceSeq=${all[0]?.seq}`)).body;
    expect(since).toHaveLength(1);
    expect((await sim().control<unknown[]>('GET', '/requests?pathPrefix=/topapi')).body).toHaveLength(1);
    await sim().control('DELETE', '/requests');
    expect((await sim().control<unknown[]>('GET', '/requests')).body).toEqual([]);
  });

  it('reset forgets tokens, tasks and faults', async () => {
    const token = await sim().appToken();
    await sim().control('POST', '/faults', { rules: [{ kind: 'busy', path: '/nothing' }] });
    await sim().control('POST', '/reset');
    expect((await sim().oapi('/topapi/v2/user/get', token, { userid: 'user002' })).body['sub_code']).toBe('40014');
    expect((await sim().control('GET', '/faults')).body).toEqual({ rules: [] });
  });

  it('loads a custom fixture (validated with zod) which later resets return to', async () => {
    const base = demoFixture();
    const small: FixtureInput = {
      ...base,
      orgs: [
        {
          corpId: DEMO.corpId,
          corpName: 'Tiny',
          departments: [{ deptId: 1, name: 'Tiny' }],
          members: [{ userid: 'solo', personId: 'user001', name: 'Solo', deptIds: [1] }],
        },
      ],
      suites: [],
    };
    expect((await sim().control('POST', '/fixture', small)).status).toBe(200);
    const token = await sim().appToken();
    expect((await sim().oapi('/topapi/user/listid', token, { dept_id: 1 })).body['result']).toEqual({ userid_list: ['solo'] });
    await sim().control('POST', '/reset');
    expect((await sim().oapi('/topapi/user/listid', await sim().appToken(), { dept_id: 1 })).body['result']).toEqual({ userid_list: ['solo'] });
    const bad = await sim().control<{ issues: Array<{ path: string }> }>('POST', '/fixture', {
      ...small,
      orgs: [{ ...small.orgs[0], members: [{ userid: 'x', personId: 'ghost', name: 'X', deptIds: [9] }] }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i) => i.path)).toEqual(['orgs.0.members.0.personId', 'orgs.0.members.0.deptIds']);
    await sim().control('POST', '/fixture', base);
  });

  it('patches config with only the keys sent and rejects bad values', async () => {
    const patched = await sim().control<{ readPercent: number; defaultQps: number }>('PATCH', '/config', { readPercent: 10 });
    expect(patched.body).toMatchObject({ readPercent: 10, defaultQps: 20 });
    expect((await sim().control('PATCH', '/config', { readPercent: 101 })).status).toBe(400);
    expect((await sim().control('GET', '/nothing-here')).status).toBe(404);
    expect((await sim().request('POST', '/_sim/faults', { raw: '{', headers: { 'content-type': 'application/json' } })).status).toBe(400);
  });
});

describe('main.ts', () => {
  it('prints one listening line on SIM_PORT and exits cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), path.join(__dirname, '../src/main.ts')], {
      env: { ...process.env, SIM_PORT: '0', SIM_LOG: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => resolve(chunk.toString()));
      child.on('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    expect(line).toMatch(/^dingtalk-sim listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    const url = line.trim().split(' ').pop() ?? '';
    expect((await fetch(`${url}/_sim/health`)).status).toBe(200);
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
