// How statuses, counts and reasons read in the console (the words come from the catalog).
import { has, list, locale, t } from './i18n.js';

export { formatDate, formatNumber, formatRelative } from './i18n.js';

/** "3 people" / "3 人": `noun` is a plural catalog entry under count.* (department, person, recipient). */
export const plural = (count, noun) => t(`count.${noun}`, { count });

/** A msgtype's name ("Text" / "文本"); an unknown type shows as itself. */
/** The DingTalk channel of a message; messages from before channels existed are work notifications. */
export const channelLabel = (channel) => t(`channel.${channel === 'robot' ? 'robot' : 'work_notification'}`);

export const messageTypeLabel = (msgtype) => (has(`type.${msgtype}`) ? t(`type.${msgtype}`) : msgtype);

/** Message status → tone; the tone picks the badge colour. */
const MESSAGE_TONES = { queued: 'neutral', sending: 'progress', sent: 'progress', completed: 'good', failed: 'bad', recalled: 'neutral' };

/** Recipient status → tone, in the order the console lists them. */
const RECIPIENT_TONES = {
  read: 'good',
  unread: 'info',
  sent: 'progress',
  pending: 'neutral',
  unknown: 'warn',
  failed: 'bad',
  forbidden: 'bad',
  invalid: 'bad',
  rejected_by_quota: 'warn',
  recalled: 'neutral',
};
export const RECIPIENT_STATUSES = Object.keys(RECIPIENT_TONES);

/** [label, tone] of a message status, for badge(). */
export const messageStatus = (status) => (MESSAGE_TONES[status] ? [t(`messageStatus.${status}`), MESSAGE_TONES[status]] : [status, 'neutral']);
/** [label, tone] of a recipient status, for badge() and the receipt tiles. */
export const recipientStatus = (status) => (RECIPIENT_TONES[status] ? [t(`recipientStatus.${status}`), RECIPIENT_TONES[status]] : [status, 'neutral']);

/** Statuses that mean the recipient will not get (or did not provably get) the message. */
export const PROBLEM_STATUSES = ['unknown', 'failed', 'forbidden', 'invalid', 'rejected_by_quota'];

const KNOWN_REASONS = ['143105', '143106', 'daily_cap', 'duplicate_content'];
const UNKNOWN_OUTCOME = 'send_outcome_unknown';

export function reasonText(reason) {
  if (!reason) return '';
  if (KNOWN_REASONS.includes(reason)) return t(`reason.${reason}`);
  if (reason.startsWith(UNKNOWN_OUTCOME)) return t('reason.outcomeUnknown', { cause: reason.slice(UNKNOWN_OUTCOME.length + 1) || t('reason.unknownCause') });
  return reason;
}

export const total = (counts) => Object.values(counts).reduce((sum, n) => sum + n, 0);
export const problems = (counts) => PROBLEM_STATUSES.reduce((sum, status) => sum + (counts[status] ?? 0), 0);

/** "54 read, 36 unread, 2 failed" / "已读 54，未读 36，发送失败 2" — the non-zero statuses in display order. */
export function countsSentence(counts) {
  const parts = RECIPIENT_STATUSES.filter((status) => (counts[status] ?? 0) > 0).map((status) =>
    t('counts.part', { count: counts[status], status: recipientStatus(status)[0].toLocaleLowerCase(locale) }),
  );
  return parts.length > 0 ? list(parts) : t('counts.none');
}
