import { z } from 'zod';
import type { WorkNotificationMessage } from '@dtg/contracts';

/**
 * userIds per batchSend: the doc's field table says 20, its error text 100 (dingtalk-api.md §4.8,
 * a [CONFLICT]); the stricter value, so a send the table allows is never refused.
 */
export const MAX_ROBOT_USERIDS_PER_SEND = 20;

/**
 * The robot's message templates (DingTalk's "robot message types" page) and the msgParam fields
 * each requires. sampleActionCard2…5 carry 2…5 vertical buttons, sampleActionCard6 two side by side.
 */
export const ROBOT_MSG_KEYS = {
  sampleText: ['content'],
  sampleMarkdown: ['title', 'text'],
  sampleImageMsg: ['photoURL'],
  sampleLink: ['text', 'title', 'picUrl', 'messageUrl'],
  sampleActionCard: ['title', 'text', 'singleTitle', 'singleURL'],
  sampleActionCard2: ['title', 'text', 'actionTitle1', 'actionURL1', 'actionTitle2', 'actionURL2'],
  sampleActionCard3: ['title', 'text', 'actionTitle1', 'actionURL1', 'actionTitle2', 'actionURL2', 'actionTitle3', 'actionURL3'],
  sampleActionCard4: ['title', 'text', 'actionTitle1', 'actionURL1', 'actionTitle2', 'actionURL2', 'actionTitle3', 'actionURL3', 'actionTitle4', 'actionURL4'],
  sampleActionCard5: [
    'title',
    'text',
    'actionTitle1',
    'actionURL1',
    'actionTitle2',
    'actionURL2',
    'actionTitle3',
    'actionURL3',
    'actionTitle4',
    'actionURL4',
    'actionTitle5',
    'actionURL5',
  ],
  sampleActionCard6: ['title', 'text', 'buttonTitle1', 'buttonUrl1', 'buttonTitle2', 'buttonUrl2'],
  sampleAudio: ['mediaId', 'duration'],
  sampleFile: ['mediaId', 'fileName', 'fileType'],
  sampleVideo: ['duration', 'videoMediaId', 'videoType', 'picMediaId'],
} as const satisfies Record<string, readonly string[]>;
export type RobotMsgKey = keyof typeof ROBOT_MSG_KEYS;

export const RobotBatchSendRequestSchema = z.strictObject({
  /** The robot's code; for an internal app's robot DingTalk uses the app's AppKey. */
  robotCode: z.string().min(1),
  userIds: z.array(z.string().min(1)).min(1).max(MAX_ROBOT_USERIDS_PER_SEND),
  msgKey: z.string().min(1),
  /** Template parameters, sent as the JSON string DingTalk expects. */
  msgParam: z.record(z.string(), z.string()),
});
export type RobotBatchSendRequest = z.input<typeof RobotBatchSendRequestSchema>;

/** DingTalk omits empty lists; they default to [] so callers can iterate without checks. */
export const RobotBatchSendResultSchema = z.object({
  processQueryKey: z.string().min(1),
  /** Unknown userids: nothing was sent to them. */
  invalidStaffIdList: z.array(z.string()).default([]),
  /** Dropped by DingTalk's flow control: nothing was sent to them. */
  flowControlledStaffIdList: z.array(z.string()).default([]),
});
export type RobotBatchSendResult = z.infer<typeof RobotBatchSendResultSchema>;

export const RobotReadStatusSchema = z.object({
  /** `SUCCESS` once delivered ([UNVERIFIED] other values; the SDK's example is misspelt `SUCESS`). */
  sendStatus: z.string(),
  messageReadInfoList: z
    .array(z.object({ userId: z.string(), name: z.string().optional(), readStatus: z.string(), readTimestamp: z.number().optional() }))
    .default([]),
});
export type RobotReadStatus = z.infer<typeof RobotReadStatusSchema>;

export const RobotRecallResultSchema = z.object({
  successResult: z.array(z.string()).default([]),
  /** processQueryKey → DingTalk's reason. */
  failedResult: z.record(z.string(), z.string()).default({}),
});
export type RobotRecallResult = z.infer<typeof RobotRecallResultSchema>;

export interface RobotMessage {
  msgKey: RobotMsgKey;
  msgParam: Record<string, string>;
}

/**
 * A work-notification msg as the robot's template and parameters, or why it has none: `oa` has no
 * robot template, and a file needs a file name and type the msg does not carry.
 */
export function robotMessageOf(msg: WorkNotificationMessage): RobotMessage | { unsupported: string } {
  switch (msg.msgtype) {
    case 'text':
      return { msgKey: 'sampleText', msgParam: { content: msg.text.content } };
    case 'markdown':
      return { msgKey: 'sampleMarkdown', msgParam: { title: msg.markdown.title, text: msg.markdown.text } };
    case 'link':
      return { msgKey: 'sampleLink', msgParam: { title: msg.link.title, text: msg.link.text, picUrl: msg.link.picUrl, messageUrl: msg.link.messageUrl } };
    case 'image':
      return { msgKey: 'sampleImageMsg', msgParam: { photoURL: msg.image.media_id } };
    case 'voice':
      return { msgKey: 'sampleAudio', msgParam: { mediaId: msg.voice.media_id, duration: msg.voice.duration } };
    case 'action_card':
      return actionCard(msg);
    default:
      return { unsupported: `${msg.msgtype} messages have no robot template; send them as work notifications` };
  }
}

type ActionCard = Extract<WorkNotificationMessage, { msgtype: 'action_card' }>;

function actionCard(msg: ActionCard): RobotMessage | { unsupported: string } {
  const card = msg.action_card;
  const base = { title: card.title ?? '', text: card.markdown };
  if (card.single_title !== undefined && card.single_url !== undefined) {
    return { msgKey: 'sampleActionCard', msgParam: { ...base, singleTitle: card.single_title, singleURL: card.single_url } };
  }
  const buttons = card.btn_json_list ?? [];
  if (buttons.length === 2 && card.btn_orientation === '1') {
    const [a, b] = buttons as [(typeof buttons)[number], (typeof buttons)[number]];
    return {
      msgKey: 'sampleActionCard6',
      msgParam: { ...base, buttonTitle1: a.title, buttonUrl1: a.action_url, buttonTitle2: b.title, buttonUrl2: b.action_url },
    };
  }
  if (buttons.length === 1) {
    const [only] = buttons as [(typeof buttons)[number]];
    return { msgKey: 'sampleActionCard', msgParam: { ...base, singleTitle: only.title, singleURL: only.action_url } };
  }
  if (buttons.length < 2 || buttons.length > 5) return { unsupported: 'robot action cards carry 1 to 5 buttons' };
  const params: Record<string, string> = { ...base };
  buttons.forEach((button, i) => {
    params[`actionTitle${i + 1}`] = button.title;
    params[`actionURL${i + 1}`] = button.action_url;
  });
  return { msgKey: `sampleActionCard${buttons.length}` as RobotMsgKey, msgParam: params };
}
