import { validMessages } from '../test/messages.fixture';
import { MSG_MAX_BYTES, WorkNotificationMessageSchema } from '@dtg/contracts';
import { AsyncSendRequestSchema } from './message.schemas';

const issues = (value: unknown) => {
  const result = WorkNotificationMessageSchema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('WorkNotificationMessageSchema', () => {
  it.each(Object.entries(validMessages))('accepts a valid %s message', (_type, msg) => {
    expect(issues(msg)).toEqual([]);
  });

  it('accepts an action card with a button list and orientation', () => {
    const msg = {
      msgtype: 'action_card',
      action_card: {
        markdown: 'x',
        btn_orientation: '1',
        btn_json_list: [
          { title: 'Yes', action_url: 'http://y' },
          { title: 'No', action_url: 'http://n' },
        ],
      },
    };
    expect(issues(msg)).toEqual([]);
  });

  it.each([
    ['unknown msgtype', { msgtype: 'sticker', sticker: {} }],
    ['missing text.content', { msgtype: 'text', text: {} }],
    ['empty text.content', { msgtype: 'text', text: { content: '' } }],
    ['typo in a field name (strict objects)', { msgtype: 'text', text: { content: 'x', contnet: 'y' } }],
    ['body key not matching msgtype', { msgtype: 'text', markdown: { title: 'x', text: 'y' } }],
    ['voice duration of 60 s', { msgtype: 'voice', voice: { media_id: 'm', duration: '60' } }],
    ['voice duration not an integer string', { msgtype: 'voice', voice: { media_id: 'm', duration: '1.5' } }],
    ['link without picUrl', { msgtype: 'link', link: { messageUrl: 'u', title: 't', text: 'x' } }],
    ['link title over 100 chars', { msgtype: 'link', link: { messageUrl: 'u', picUrl: 'p', title: 'x'.repeat(101), text: 'x' } }],
    ['oa bgcolor with 0x', { msgtype: 'oa', oa: { message_url: 'u', head: { bgcolor: '0xFFBBBB', text: 'h' }, body: {} } }],
    ['oa head text over 10 chars', { msgtype: 'oa', oa: { message_url: 'u', head: { bgcolor: 'FFBBBBBB', text: 'x'.repeat(11) }, body: {} } }],
    ['oa without body', { msgtype: 'oa', oa: { message_url: 'u', head: { bgcolor: 'FFBBBBBB', text: 'h' } } }],
    [
      'oa status_bg not 0xFF + 6 hex',
      { msgtype: 'oa', oa: { message_url: 'u', head: { bgcolor: 'FFBBBBBB', text: 'h' }, status_bar: { status_bg: '0x00FF00' }, body: {} } },
    ],
    ['oa body title over 50 chars', { msgtype: 'oa', oa: { message_url: 'u', head: { bgcolor: 'FFBBBBBB', text: 'h' }, body: { title: 'x'.repeat(51) } } }],
    ['markdown text over 5000 chars', { msgtype: 'markdown', markdown: { title: 't', text: 'x'.repeat(5001) } }],
    ['action card with neither single nor buttons', { msgtype: 'action_card', action_card: { markdown: 'x' } }],
    [
      'action card with both single and buttons',
      {
        msgtype: 'action_card',
        action_card: { markdown: 'x', single_title: 'a', single_url: 'u', btn_orientation: '0', btn_json_list: [{ title: 'a', action_url: 'u' }] },
      },
    ],
    ['action card single_title without single_url', { msgtype: 'action_card', action_card: { markdown: 'x', single_title: 'a' } }],
    ['action card buttons without orientation', { msgtype: 'action_card', action_card: { markdown: 'x', btn_json_list: [{ title: 'a', action_url: 'u' }] } }],
    [
      'action card button title over 20 chars',
      { msgtype: 'action_card', action_card: { markdown: 'x', btn_orientation: '0', btn_json_list: [{ title: 'x'.repeat(21), action_url: 'u' }] } },
    ],
    ['action card title over 64 chars', { msgtype: 'action_card', action_card: { title: 'x'.repeat(65), markdown: 'x', single_title: 'a', single_url: 'u' } }],
  ])('rejects %s', (_name, msg) => {
    expect(issues(msg).length).toBeGreaterThan(0);
  });

  it('rejects an action card whose button list exceeds 1000 characters', () => {
    const buttons = Array.from({ length: 10 }, (_, i) => ({ title: `button ${i}`, action_url: `http://x.test/${'p'.repeat(80)}` }));
    expect(issues({ msgtype: 'action_card', action_card: { markdown: 'x', btn_orientation: '0', btn_json_list: buttons } })).toEqual([
      'action_card.btn_json_list: btn_json_list must be at most 1000 characters',
    ]);
  });

  it('when the msg JSON is exactly 2048 UTF-8 bytes, then it is accepted; one more byte is rejected', () => {
    const overhead = Buffer.byteLength(JSON.stringify({ msgtype: 'text', text: { content: '' } }));
    const fits = { msgtype: 'text', text: { content: 'x'.repeat(MSG_MAX_BYTES - overhead) } };
    expect(issues(fits)).toEqual([]);
    const over = { msgtype: 'text', text: { content: 'x'.repeat(MSG_MAX_BYTES - overhead + 1) } };
    expect(issues(over)).toEqual([`: msg is ${MSG_MAX_BYTES + 1} bytes of JSON; the limit is ${MSG_MAX_BYTES}`]);
  });

  it('counts bytes, not characters (CJK text is 3 bytes per character)', () => {
    expect(issues({ msgtype: 'text', text: { content: '好'.repeat(700) } })[0]).toContain('bytes of JSON');
  });
});

describe('AsyncSendRequestSchema', () => {
  const msg = validMessages.text;

  it('requires one of userIds, deptIds or toAllUser', () => {
    expect(AsyncSendRequestSchema.safeParse({ msg }).success).toBe(false);
    expect(AsyncSendRequestSchema.safeParse({ msg, toAllUser: false }).success).toBe(false);
    expect(AsyncSendRequestSchema.safeParse({ msg, userIds: ['user001'] }).success).toBe(true);
    expect(AsyncSendRequestSchema.safeParse({ msg, deptIds: [2] }).success).toBe(true);
    expect(AsyncSendRequestSchema.safeParse({ msg, toAllUser: true }).success).toBe(true);
  });

  it('caps recipients at the strictest documented limits (100 userids, 20 departments)', () => {
    const users = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);
    const depts = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    expect(AsyncSendRequestSchema.safeParse({ msg, userIds: users(100) }).success).toBe(true);
    expect(AsyncSendRequestSchema.safeParse({ msg, userIds: users(101) }).success).toBe(false);
    expect(AsyncSendRequestSchema.safeParse({ msg, deptIds: depts(20) }).success).toBe(true);
    expect(AsyncSendRequestSchema.safeParse({ msg, deptIds: depts(21) }).success).toBe(false);
  });

  it('allows an OA status bar only for at most 5 userids without departments', () => {
    const oa = {
      msgtype: 'oa',
      oa: { message_url: 'u', head: { bgcolor: 'FFBBBBBB', text: 'h' }, status_bar: { status_value: 'pending', status_bg: '0xFFF65E5E' }, body: {} },
    };
    expect(AsyncSendRequestSchema.safeParse({ msg: oa, userIds: ['a', 'b', 'c', 'd', 'e'] }).success).toBe(true);
    expect(AsyncSendRequestSchema.safeParse({ msg: oa, userIds: ['a', 'b', 'c', 'd', 'e', 'f'] }).success).toBe(false);
    expect(AsyncSendRequestSchema.safeParse({ msg: oa, userIds: ['a'], deptIds: [2] }).success).toBe(false);
    expect(AsyncSendRequestSchema.safeParse({ msg: oa, toAllUser: true }).success).toBe(false);
  });
});
