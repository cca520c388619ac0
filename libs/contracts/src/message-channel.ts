// Which DingTalk channel carries a message: a work notification (工作通知, the default) or the app
// robot's 1:1 chat (dingtalk-api.md §4.8). The robot takes templates (msgKey/msgParam), so only the
// msg types that have one can go that way; the input parser says so before anything is stored.
import { z } from 'zod';
import type { WorkNotificationMessage } from './work-notification';

export const MessageChannelSchema = z.enum(['work_notification', 'robot']);
export type MessageChannel = z.infer<typeof MessageChannelSchema>;

/** msg types with a robot template: text, markdown, link, image, voice, action_card (1–5 buttons). */
export const ROBOT_MSGTYPES = ['text', 'markdown', 'link', 'image', 'voice', 'action_card'] as const;
export const MAX_ROBOT_ACTION_CARD_BUTTONS = 5;

/** Why this msg cannot go by robot (path and message for the 400), or undefined when it can. */
export function robotChannelIssue(msg: WorkNotificationMessage): { path: string[]; message: string } | undefined {
  if (!(ROBOT_MSGTYPES as readonly string[]).includes(msg.msgtype)) {
    return { path: ['msg', 'msgtype'], message: `${msg.msgtype} has no robot template; robot messages are ${ROBOT_MSGTYPES.join(', ')}` };
  }
  if (msg.msgtype === 'action_card' && (msg.action_card.btn_json_list?.length ?? 0) > MAX_ROBOT_ACTION_CARD_BUTTONS) {
    return { path: ['msg', 'action_card', 'btn_json_list'], message: `robot action cards carry at most ${MAX_ROBOT_ACTION_CARD_BUTTONS} buttons` };
  }
  return undefined;
}
