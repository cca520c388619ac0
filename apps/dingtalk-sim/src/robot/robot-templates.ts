import type { MsgType } from '../messages/msg-validation';

/**
 * The robot's msgKey catalogue (DingTalk's "robot message types" page): each template's required
 * msgParam fields, and the kind of message the recipient's chat shows (for the sim's inbox view).
 */
export const ROBOT_TEMPLATES: Record<string, { fields: readonly string[]; shownAs: MsgType }> = {
  sampleText: { fields: ['content'], shownAs: 'text' },
  sampleMarkdown: { fields: ['title', 'text'], shownAs: 'markdown' },
  sampleImageMsg: { fields: ['photoURL'], shownAs: 'image' },
  sampleLink: { fields: ['text', 'title', 'picUrl', 'messageUrl'], shownAs: 'link' },
  sampleActionCard: { fields: ['title', 'text', 'singleTitle', 'singleURL'], shownAs: 'action_card' },
  sampleActionCard2: { fields: ['title', 'text', ...buttons(2)], shownAs: 'action_card' },
  sampleActionCard3: { fields: ['title', 'text', ...buttons(3)], shownAs: 'action_card' },
  sampleActionCard4: { fields: ['title', 'text', ...buttons(4)], shownAs: 'action_card' },
  sampleActionCard5: { fields: ['title', 'text', ...buttons(5)], shownAs: 'action_card' },
  sampleActionCard6: { fields: ['title', 'text', 'buttonTitle1', 'buttonUrl1', 'buttonTitle2', 'buttonUrl2'], shownAs: 'action_card' },
  sampleAudio: { fields: ['mediaId', 'duration'], shownAs: 'voice' },
  sampleFile: { fields: ['mediaId', 'fileName', 'fileType'], shownAs: 'file' },
  sampleVideo: { fields: ['duration', 'videoMediaId', 'videoType', 'picMediaId'], shownAs: 'file' },
};

function buttons(n: number): string[] {
  return Array.from({ length: n }, (_, i) => [`actionTitle${i + 1}`, `actionURL${i + 1}`]).flat();
}
