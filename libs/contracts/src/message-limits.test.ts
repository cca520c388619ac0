import { messageLimits, MessageLimitsSchema } from './message-limits';
import { WorkNotificationMessageSchema } from './work-notification';

describe('messageLimits', () => {
  it("reads DingTalk's field limits and the byte cap from the message schemas", () => {
    expect(MessageLimitsSchema.parse(messageLimits())).toEqual({
      maxBytes: 2048,
      maxLength: {
        text: {},
        markdown: { text: 5000 },
        link: { title: 100, text: 500 },
        action_card: { title: 64, markdown: 1000, single_title: 20, single_url: 500 },
      },
    });
  });

  it('names limits the schemas enforce: one character more is refused', () => {
    const { link } = messageLimits().maxLength;
    const msg = (title: string) => ({ msgtype: 'link', link: { messageUrl: 'https://e.x', picUrl: '@m', title, text: 't' } });
    expect(WorkNotificationMessageSchema.safeParse(msg('x'.repeat(link!.title!))).success).toBe(true);
    expect(WorkNotificationMessageSchema.safeParse(msg('x'.repeat(link!.title! + 1))).success).toBe(false);
  });
});
