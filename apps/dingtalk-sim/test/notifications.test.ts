import { DEMO } from '../src';
import { uploadMedia } from './media-upload';
import { useSimulator } from './sim-client';

const sim = useSimulator();
const SEND = '/topapi/message/corpconversation/asyncsend_v2';
const text = (content: string) => ({ msgtype: 'text', text: { content } });

async function send(body: Record<string, unknown>, token?: string) {
  return sim().oapi<{ errcode: number; task_id: number; errmsg: string }>(SEND, token ?? (await sim().appToken()), { agent_id: DEMO.app.agentId, ...body });
}

async function result(taskId: number, token?: string) {
  const r = await sim().oapi<{ errcode: number; send_result: Record<string, unknown> }>(
    '/topapi/message/corpconversation/getsendresult',
    token ?? (await sim().appToken()),
    { agent_id: DEMO.app.agentId, task_id: taskId },
  );
  return r.body;
}

describe('asyncsend_v2 validation', () => {
  it('when valid, then a numeric task_id comes back at once', async () => {
    const r = await send({ userid_list: 'user002,user003', msg: text('hello') });
    expect(r.body).toMatchObject({ errcode: 0, errmsg: 'ok', task_id: expect.any(Number) });
  });

  it('accepts msg as a JSON string and form-encoded bodies (the doc curl style)', async () => {
    const token = await sim().appToken();
    const r = await sim().request('POST', `${SEND}?access_token=${token}`, {
      form: { agent_id: String(DEMO.app.agentId), userid_list: 'user002', msg: JSON.stringify(text('form style')) },
    });
    expect(r.body).toMatchObject({ errcode: 0, task_id: expect.any(Number) });
  });

  it('rejects a wrong agent_id (40056), a missing one (41011), and a missing msg (40035)', async () => {
    expect((await send({ agent_id: 999, userid_list: 'user002', msg: text('x') })).body.errcode).toBe(40056);
    const token = await sim().appToken();
    expect((await sim().oapi(SEND, token, { userid_list: 'user002', msg: text('x') })).body['errcode']).toBe(41011);
    expect((await send({ userid_list: 'user002' })).body.errcode).toBe(40035);
  });

  it('requires at least one recipient kind and enforces the 100 userid / 20 dept caps', async () => {
    expect((await send({ msg: text('x') })).body.errcode).toBe(40035);
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `user${String(i + 1).padStart(3, '0')}`).join(',');
    expect((await send({ userid_list: ids(100), msg: text('cap ok') })).body.errcode).toBe(0);
    expect((await send({ userid_list: ids(101), msg: text('cap over') })).body.errcode).toBe(400002);
    const depts = Array.from({ length: 21 }, (_, i) => i + 1).join(',');
    expect((await send({ dept_id_list: depts, msg: text('x') })).body.errcode).toBe(400002);
  });

  it('when userid_list and dept_id_list come together, then the task reaches their union once each', async () => {
    const r = await send({ userid_list: 'user002,user050', dept_id_list: '7', msg: text('both lists') });
    expect(r.body.errcode).toBe(0);
    const task = sim().running.sim.task(r.body.task_id);
    const sre = sim()
      .running.sim.world.orgs.members(DEMO.corpId)
      .filter((m) => m.deptIds.some((d) => [7, 8].includes(d)))
      .map((m) => m.userid);
    expect(sre.length).toBeGreaterThan(0);
    expect(new Set(task?.recipients)).toEqual(new Set(['user002', 'user050', ...sre]));
    expect(task?.recipients.length).toBe(new Set(task?.recipients).size);
  });

  it('when an ISV app sends to_all_user, then it is refused (40035) and no task is made; an internal app may', async () => {
    const before = sim().running.sim.tasks().length;
    const isv = await sim().oapi<{ errcode: number; errmsg: string }>(SEND, await sim().corpToken(), {
      agent_id: DEMO.suite.agentId,
      to_all_user: true,
      msg: text('all'),
    });
    expect(isv.body).toMatchObject({ errcode: 40035, errmsg: expect.stringContaining('to_all_user') });
    expect(sim().running.sim.tasks().length).toBe(before);
    expect((await send({ to_all_user: true, msg: text('everyone') })).body.errcode).toBe(0);
  });

  it('when a POST-only old-API endpoint is called with GET, then 43002 and nothing is sent', async () => {
    const token = await sim().appToken();
    const before = sim().running.sim.tasks().length;
    const query = new URLSearchParams({ access_token: token, agent_id: String(DEMO.app.agentId), userid_list: 'user002', msg: JSON.stringify(text('by GET')) });
    const viaGet = await sim().request('GET', `${SEND}?${query.toString()}`);
    expect(viaGet.body).toMatchObject({ errcode: 43002 });
    expect(sim().running.sim.tasks().length).toBe(before);
    expect((await sim().request('GET', `/topapi/v2/user/get?access_token=${token}&userid=user002`)).body).toMatchObject({ errcode: 43002 });
    expect((await sim().request('GET', `/gettoken?appkey=${DEMO.app.appKey}&appsecret=${DEMO.app.appSecret}`)).body).toMatchObject({ errcode: 0 });
  });

  it('rejects msg over 2048 bytes (measured in UTF-8) and accepts exactly 2048', async () => {
    const envelope = JSON.stringify(text('')).length;
    const exact = 'a'.repeat(2048 - envelope);
    expect((await send({ userid_list: 'user002', msg: text(exact) })).body.errcode).toBe(0);
    expect((await send({ userid_list: 'user002', msg: text(`${exact}a`) })).body.errcode).toBe(400002);
    // 700 CJK characters are 2100 bytes although only 700 UTF-16 units.
    expect((await send({ userid_list: 'user002', msg: text('消'.repeat(700)) })).body.errcode).toBe(400002);
  });

  it('validates msgtype-specific required fields and types', async () => {
    const bad = [
      { msgtype: 'text', text: {} },
      { msgtype: 'text', text: { content: 5 } },
      { msgtype: 'link', link: { messageUrl: 'https://x', title: 't', text: 't' } },
      { msgtype: 'oa', oa: { message_url: 'https://x', head: { bgcolor: 'red', text: 'h' }, body: {} } },
      { msgtype: 'action_card', action_card: { markdown: 'm' } },
      { msgtype: 'action_card', action_card: { markdown: 'm', btn_orientation: '0', btn_json_list: [{ title: 'a' }] } },
      { msgtype: 'nope', nope: {} },
      { text: { content: 'no type' } },
    ];
    for (const msg of bad) expect([400002, 40035]).toContain((await send({ userid_list: 'user002', msg })).body.errcode);
    const token = await sim().appToken();
    const media = async (type: string, filename: string) => (await uploadMedia(sim(), token, type, filename)).media_id;
    const good = [
      { msgtype: 'image', image: { media_id: await media('image', 'a.png') } },
      { msgtype: 'voice', voice: { media_id: await media('voice', 'a.amr'), duration: '10' } },
      { msgtype: 'file', file: { media_id: await media('file', 'a.pdf') } },
      { msgtype: 'link', link: { messageUrl: 'https://x', picUrl: '@lADO', title: 't', text: 't' } },
      { msgtype: 'oa', oa: { message_url: 'https://x', head: { bgcolor: 'FFBBBBBB', text: 'h' }, body: { title: 'b' } } },
      { msgtype: 'markdown', markdown: { title: 't', text: '# hi' } },
      { msgtype: 'action_card', action_card: { title: 't', markdown: 'm', single_title: 'go', single_url: 'https://x' } },
      { msgtype: 'action_card', action_card: { markdown: 'm', btn_orientation: '1', btn_json_list: [{ title: 'a', action_url: 'https://x' }] } },
    ];
    for (const msg of good) expect((await send({ userid_list: 'user002', msg })).body.errcode).toBe(0);
  });
});

describe('task progression and results', () => {
  it('moves 0 → 1 → 2 with progress_in_percent as sim time passes', async () => {
    sim().running.sim.clock.freeze(true);
    const token = await sim().appToken();
    const { task_id } = (await send({ userid_list: 'user002,user003', msg: text('progress') }, token)).body;
    const progress = async () =>
      (
        await sim().oapi<{ progress: { status: number; progress_in_percent: number } }>('/topapi/message/corpconversation/getsendprogress', token, {
          agent_id: DEMO.app.agentId,
          task_id,
        })
      ).body.progress;
    expect(await progress()).toEqual({ status: 0, progress_in_percent: 0 });
    sim().running.sim.clock.advance(1500);
    expect(await progress()).toEqual({ status: 1, progress_in_percent: 50 });
    sim().running.sim.clock.advance(1500);
    expect(await progress()).toEqual({ status: 2, progress_in_percent: 100 });
    sim().running.sim.clock.freeze(false);
  });

  it('splits recipients into invalid / read / unread deterministically, and the control plane can mark reads', async () => {
    const token = await sim().appToken();
    const { task_id } = (await send({ userid_list: 'user002,ghost1,user003,user004,user005,user006', msg: text('result') }, token)).body;
    const early = (await result(task_id, token)).send_result;
    expect(early).toMatchObject({ invalid_user_id_list: ['ghost1'], read_user_id_list: [], unread_user_id_list: [] });
    sim().running.sim.clock.advance(3000);
    const done = (await result(task_id, token)).send_result as Record<string, string[]>;
    const delivered = [...(done['read_user_id_list'] ?? []), ...(done['unread_user_id_list'] ?? [])].sort();
    expect(delivered).toEqual(['user002', 'user003', 'user004', 'user005', 'user006']);
    const unread = done['unread_user_id_list'] ?? [];
    const marked = await sim().control<{ marked: string[] }>('POST', `/tasks/${task_id}/read`, { userids: unread });
    expect(marked.body.marked).toEqual(unread);
    expect((await result(task_id, token)).send_result['unread_user_id_list']).toEqual([]);
    const inbox = await sim().control<Array<{ taskId: number; read: boolean }>>('GET', '/inbox/user002');
    expect(inbox.body).toEqual([expect.objectContaining({ taskId: task_id, read: true })]);
  });

  it('readPercent 100 makes every delivered recipient read', async () => {
    sim().running.sim.updateConfig({ readPercent: 100 });
    const { task_id } = (await send({ userid_list: 'user002,user003', msg: text('all read') })).body;
    sim().running.sim.clock.advance(3000);
    expect((await result(task_id)).send_result['read_user_id_list']).toEqual(['user002', 'user003']);
  });

  it('dept_id_list expands to every member of the sub-tree once; to_all_user reaches the whole org', async () => {
    const { task_id } = (await send({ dept_id_list: '2,999', msg: text('engineering') })).body;
    const task = (await sim().control<{ recipients: string[]; results: { invalidDepts: number[] } }>('GET', `/tasks/${task_id}`)).body;
    const expected = ['2', '5', '6', '7', '8'].map(Number);
    const members = sim()
      .running.sim.world.orgs.members(DEMO.corpId)
      .filter((m) => m.deptIds.some((d) => expected.includes(d)));
    expect(task.recipients).toEqual(members.map((m) => m.userid).sort());
    expect(task.results.invalidDepts).toEqual([999]);
    expect(new Set(task.recipients).size).toBe(task.recipients.length);
    const all = (await send({ to_all_user: true, msg: text('everyone') })).body;
    expect((await sim().control<{ recipients: string[] }>('GET', `/tasks/${all.task_id}`)).body.recipients).toHaveLength(DEMO.userCount);
  });

  it('getsendresult refuses tasks with more than 100 recipients (41052) and tasks older than 24 h', async () => {
    const token = await sim().appToken();
    const big = (await send({ dept_id_list: '1', msg: text('big') }, token)).body;
    expect((await result(big.task_id, token)).errcode).toBe(41052);
    const small = (await send({ userid_list: 'user002', msg: text('small') }, token)).body;
    sim().running.sim.clock.advance(24 * 3600_000 + 1);
    const fresh = await sim().appToken();
    expect((await result(small.task_id, fresh)).errcode).toBe(40035);
  });

  it('applies flow control silently: same content once a day (143106), daily cap (143105) — the send still succeeds', async () => {
    sim().running.sim.updateConfig({ dailyCapInternal: 2 });
    const token = await sim().appToken();
    const first = (await send({ userid_list: 'user002,user003', msg: text('same') }, token)).body;
    const dup = (await send({ userid_list: 'user002', msg: text('same') }, token)).body;
    expect(dup.errcode).toBe(0);
    expect((await result(dup.task_id, token)).send_result).toMatchObject({
      forbidden_user_id_list: ['user002'],
      forbidden_list: [{ code: '143106', count: 1, userid: 'user002' }],
    });
    await send({ userid_list: 'user002', msg: text('second') }, token);
    const capped = (await send({ userid_list: 'user002', msg: text('third') }, token)).body;
    expect((await result(capped.task_id, token)).send_result).toMatchObject({ forbidden_list: [{ code: '143105', count: 2, userid: 'user002' }] });
    // A new China-time day resets both limits.
    sim().running.sim.clock.advance(24 * 3600_000);
    const nextDay = (await send({ userid_list: 'user002', msg: text('same') }, await sim().appToken())).body;
    expect(first.task_id).toBeLessThan(nextDay.task_id);
    expect((await sim().control<{ results: { delivered: string[] } }>('GET', `/tasks/${nextDay.task_id}`)).body.results.delivered).toEqual(['user002']);
  });

  it('ISV senders have the lower daily cap of 100', async () => {
    sim().running.sim.setRateLimits({ defaultQps: 10_000 });
    const token = await sim().corpToken();
    const body = (i: number) => ({ agent_id: DEMO.suite.agentId, userid_list: 'user010', msg: text(`isv ${i}`) });
    for (let i = 0; i < 100; i++) expect((await sim().oapi(SEND, token, body(i))).body['errcode']).toBe(0);
    const over = (await sim().oapi<{ task_id: number }>(SEND, token, body(100))).body;
    expect((await sim().control<{ results: { forbidden: unknown[] } }>('GET', `/tasks/${over.task_id}`)).body.results.forbidden).toEqual([
      { code: '143105', count: 100, userid: 'user010' },
    ]);
  });

  it('failUserids end up in failed_user_id_list', async () => {
    sim().running.sim.updateConfig({ failUserids: ['user003'] });
    const { task_id } = (await send({ userid_list: 'user002,user003', msg: text('fail') })).body;
    sim().running.sim.clock.advance(3000);
    expect((await result(task_id)).send_result['failed_user_id_list']).toEqual(['user003']);
  });

  it('recall works within 24 h and marks inbox entries; status bar only on oa messages', async () => {
    const token = await sim().appToken();
    const { task_id } = (await send({ userid_list: 'user002', msg: text('recall me') }, token)).body;
    sim().running.sim.clock.advance(3000);
    const recall = await sim().oapi('/topapi/message/corpconversation/recall', token, { agent_id: DEMO.app.agentId, msg_task_id: task_id });
    expect(recall.body['errcode']).toBe(0);
    expect((await sim().control<Array<{ recalled: boolean }>>('GET', '/inbox/user002')).body[0]?.recalled).toBe(true);
    const bar = { agent_id: DEMO.app.agentId, task_id, status_value: 'done' };
    expect((await sim().oapi('/topapi/message/corpconversation/status_bar/update', token, bar)).body['errcode']).toBe(400002);
    const oa = { msgtype: 'oa', oa: { message_url: 'https://x', head: { bgcolor: 'FFBBBBBB', text: 'h' }, body: { title: 'b' } } };
    const oaTask = (await send({ userid_list: 'user002', msg: oa }, token)).body;
    expect(
      (await sim().oapi('/topapi/message/corpconversation/status_bar/update', token, { ...bar, task_id: oaTask.task_id, status_bg: '0xFF00FF00' })).body[
        'errcode'
      ],
    ).toBe(0);
    sim().running.sim.clock.advance(24 * 3600_000 + 1);
    const late = await sim().oapi('/topapi/message/corpconversation/recall', await sim().appToken(), { agent_id: DEMO.app.agentId, msg_task_id: task_id });
    expect(late.body['errcode']).toBe(400002);
  });

  it("another app's task is not visible (40035)", async () => {
    const { task_id } = (await send({ userid_list: 'user002', msg: text('mine') })).body;
    const r = await sim().oapi('/topapi/message/corpconversation/getsendprogress', await sim().corpToken(), { agent_id: DEMO.suite.agentId, task_id });
    expect(r.body['errcode']).toBe(40035);
  });
});
