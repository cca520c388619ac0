import { DEMO } from '../src';
import { uploadMedia } from './media-upload';
import { useSimulator } from './sim-client';

const sim = useSimulator();
const SEND = '/topapi/message/corpconversation/asyncsend_v2';

describe('/media/upload', () => {
  it('stores an upload and answers its media_id, which the uploader can send and no other app can', async () => {
    const token = await sim().appToken();
    const bytes = Buffer.alloc(300_000, 7);
    const uploaded = await uploadMedia(sim(), token, 'image', 'chart.png', bytes);
    expect(uploaded).toMatchObject({ errcode: 0, type: 'image', media_id: expect.stringMatching(/^@lADP/), created_at: expect.any(Number) });
    const [stored] = sim().running.sim.world.media.list();
    expect(stored).toMatchObject({ owner: DEMO.app.appKey, filename: 'chart.png', size: 300_000 });

    const sent = await sim().oapi(SEND, token, {
      agent_id: DEMO.app.agentId,
      userid_list: 'user002',
      msg: { msgtype: 'image', image: { media_id: uploaded.media_id } },
    });
    expect(sent.body).toMatchObject({ errcode: 0 });
    const unknown = await sim().oapi(SEND, token, {
      agent_id: DEMO.app.agentId,
      userid_list: 'user002',
      msg: { msgtype: 'file', file: { media_id: '@lADPmadeup' } },
    });
    expect(unknown.body).toMatchObject({ errcode: 40007 });
    // The suite's install in the same org did not upload it.
    const isv = await sim().oapi(SEND, await sim().corpToken(), {
      agent_id: DEMO.suite.agentId,
      userid_list: 'user002',
      msg: { msgtype: 'image', image: { media_id: uploaded.media_id } },
    });
    expect(isv.body).toMatchObject({ errcode: 40007 });
  });

  it('refuses an unknown type (40004), a wrong extension (40005), an oversize file (40006) and no token (88/40000)', async () => {
    const token = await sim().appToken();
    expect((await uploadMedia(sim(), token, 'sticker', 'a.png')).errcode).toBe(40004);
    expect((await uploadMedia(sim(), token, 'image', 'a.exe')).errcode).toBe(40005);
    expect((await uploadMedia(sim(), token, 'voice', 'a.amr', Buffer.alloc(2 * 1024 * 1024 + 1))).errcode).toBe(40006);
    const form = new FormData();
    form.append('media', new Blob([Buffer.from('x')]), 'a.png');
    const anonymous = await fetch(`${sim().url}/media/upload?type=image`, { method: 'POST', body: form });
    expect(await anonymous.json()).toMatchObject({ errcode: 88, sub_code: '40000' });
    expect(sim().running.sim.world.media.list()).toEqual([]);
  });
});
