// The recipients of one message, filterable by outcome. `update` is called on every change of the
// receipts; the filter keeps its place (and its focus) across updates. A message can have 100,000
// recipients, so rows come from the store a page at a time: the message's detail carries the first
// 500 of everyone, a group's rows are asked for by status, and "Show more" adds the next page.
// Pages past the first 500 of a group are not refreshed by later updates (choose the group again).
import { store } from './api.js';
import { h, uid } from './dom.js';
import { formatNumber, PROBLEM_STATUSES, reasonText, recipientStatus } from './format.js';
import { t } from './i18n.js';
import { badge, dataTable } from './ui.js';

/** [key, statuses (none: everyone)]; the label is group.<key> in the catalog. */
const GROUPS = [
  ['all', undefined],
  ['read', ['read']],
  ['unread', ['unread']],
  ['waiting', ['pending', 'sent']],
  ['problems', PROBLEM_STATUSES],
  ['recalled', ['recalled']],
];
/** The most the store answers in one page (and what the detail carries). */
const PAGE = 500;

const initial = (name) => (name.trim()[0] ?? '?').toUpperCase();

function row(recipient, names) {
  const name = names.get(recipient.userid);
  return h(
    'tr',
    {},
    h(
      'td',
      {},
      name === undefined
        ? h('span', { class: 'muted' }, t('recipients.notInDirectory'))
        : h('span', { class: 'person' }, h('span', { class: 'avatar small', 'aria-hidden': 'true' }, initial(name)), name),
    ),
    h('td', {}, h('code', {}, recipient.userid)),
    h('td', {}, badge(recipientStatus(recipient.status))),
    h('td', {}, reasonText(recipient.reason)),
  );
}

export function recipientsTable(messageId) {
  let message;
  let names = new Map();
  let selected = 'all';
  let shown = [];
  let cursor = null;
  /** Rows added by "Show more" since the group was chosen: kept across updates. */
  let extra = [];
  /** Only the newest request may draw: a slow answer for a group left since must not. */
  let generation = 0;
  const group = uid('show');
  const rows = h('tbody');
  const empty = h('p', { class: 'empty', hidden: true }, t('recipients.emptyGroup'));
  const more = h(
    'p',
    { class: 'table-more', hidden: true },
    h('button', { type: 'button', class: 'button quiet', on: { click: () => void showMore() } }, t('recipients.more')),
  );
  const statusesOf = (key) => GROUPS.find(([k]) => k === key)?.[1];
  const countOf = (key) => {
    const statuses = statusesOf(key);
    return Object.entries(message?.counts ?? {}).reduce((sum, [status, n]) => sum + (statuses === undefined || statuses.includes(status) ? n : 0), 0);
  };
  const page = (after) => {
    const query = new URLSearchParams({ limit: String(PAGE) });
    const statuses = statusesOf(selected);
    if (statuses) query.set('status', statuses.join(','));
    if (after) query.set('cursor', after);
    return store.get(`/api/messages/${encodeURIComponent(messageId)}/recipients?${query}`);
  };
  const render = () => {
    const all = [...shown, ...extra];
    rows.replaceChildren(...all.map((recipient) => row(recipient, names)));
    empty.hidden = all.length > 0 || countOf('all') === 0;
    more.hidden = cursor === null;
  };
  /** The group's first page: everyone's comes with the message itself, other groups are asked for. */
  async function load() {
    const mine = ++generation;
    const first = selected === 'all' ? { items: message.recipients, nextCursor: message.recipientsNextCursor } : await page();
    if (mine !== generation) return;
    shown = first.items;
    if (extra.length === 0) cursor = first.nextCursor;
    render();
  }
  async function showMore() {
    const mine = ++generation;
    const next = await page(cursor);
    if (mine !== generation) return;
    extra = [...extra, ...next.items];
    cursor = next.nextCursor;
    render();
  }
  const options = GROUPS.map(([key]) => {
    const count = h('span', { class: 'pill-count' });
    const choose = () => {
      selected = key;
      extra = [];
      void load();
    };
    const input = h('input', { type: 'radio', name: group, value: key, checked: key === selected, on: { change: choose } });
    return { key, count, element: h('label', { class: 'pill' }, input, t(`group.${key}`), ' ', count) };
  });

  const element = h(
    'div',
    {},
    h(
      'fieldset',
      { class: 'pills' },
      h('legend', { class: 'visually-hidden' }, t('recipients.show')),
      options.map((option) => option.element),
    ),
    h('div', { class: 'table-wrap' }, dataTable(t('recipients.caption'), ['col.person', 'col.userid', 'col.status', 'col.details'], rows)),
    empty,
    more,
  );

  return {
    element,
    /** The message's detail (counts, first recipients) and the names known for its people. */
    update(nextMessage, nextNames) {
      message = nextMessage;
      names = nextNames;
      for (const option of options) {
        const n = countOf(option.key);
        option.count.textContent = formatNumber(n);
        option.element.hidden = n === 0 && option.key !== 'all' && option.key !== selected;
      }
      return load();
    },
  };
}
