// How statuses, counts and dates read in the console.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const number = new Intl.NumberFormat();

export const formatDate = (iso) => dateTime.format(new Date(iso));
export const formatNumber = (n) => number.format(n);
export const plural = (n, one, many = `${one}s`) => `${formatNumber(n)} ${n === 1 ? one : many}`;

export const MESSAGE_TYPE_LABELS = {
  text: 'Text',
  markdown: 'Markdown',
  link: 'Link',
  action_card: 'Action card',
  oa: 'OA',
  image: 'Image',
  voice: 'Voice',
  file: 'File',
};

/** Message status → [label, tone]; tone picks the badge colour. */
export const MESSAGE_STATUS = {
  queued: ['Queued', 'neutral'],
  sending: ['Sending', 'progress'],
  sent: ['Sent, awaiting receipts', 'progress'],
  completed: ['Completed', 'good'],
  failed: ['Failed', 'bad'],
  recalled: ['Recalled', 'neutral'],
};

/** Recipient status → [label, tone], in the order the console lists them. */
export const RECIPIENT_STATUS = {
  read: ['Read', 'good'],
  unread: ['Unread', 'info'],
  sent: ['Delivered', 'progress'],
  pending: ['Pending', 'neutral'],
  unknown: ['Unknown', 'warn'],
  failed: ['Failed', 'bad'],
  forbidden: ['Blocked by DingTalk', 'bad'],
  invalid: ['Not a valid user', 'bad'],
  rejected_by_quota: ['Over quota', 'warn'],
  recalled: ['Recalled', 'neutral'],
};

/** Statuses that mean the recipient will not get (or did not provably get) the message. */
export const PROBLEM_STATUSES = ['unknown', 'failed', 'forbidden', 'invalid', 'rejected_by_quota'];

const REASONS = {
  143105: 'DingTalk’s daily limit for this person was reached (143105)',
  143106: 'Same content already sent to this person today (143106)',
  daily_cap: 'Daily limit per person reached (checked before sending)',
  duplicate_content: 'Same content already sent today (checked before sending)',
};

export function reasonText(reason) {
  if (!reason) return '';
  if (REASONS[reason]) return REASONS[reason];
  if (reason.startsWith('send_outcome_unknown')) return `DingTalk’s answer was lost; not sent again (${reason.slice('send_outcome_unknown:'.length) || 'unknown cause'})`;
  return reason;
}

export const total = (counts) => Object.values(counts).reduce((sum, n) => sum + n, 0);
export const problems = (counts) => PROBLEM_STATUSES.reduce((sum, status) => sum + (counts[status] ?? 0), 0);

/** "54 read, 36 unread, 2 failed" — the non-zero statuses in display order. */
export function countsSentence(counts) {
  const parts = Object.entries(RECIPIENT_STATUS)
    .filter(([status]) => (counts[status] ?? 0) > 0)
    .map(([status, [label]]) => `${formatNumber(counts[status])} ${label.toLowerCase()}`);
  return parts.length > 0 ? parts.join(', ') : 'no recipients yet';
}
