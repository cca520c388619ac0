// The recipients of one message, filterable by outcome. `update` is called on every change of the
// receipts; the filter keeps its place (and its focus) across updates.
import { h, uid } from './dom.js';
import { formatNumber, PROBLEM_STATUSES, reasonText, recipientStatus } from './format.js';
import { t } from './i18n.js';
import { badge, dataTable } from './ui.js';

/** [key, matches]; the label is group.<key> in the catalog. */
const GROUPS = [
  ['all', () => true],
  ['read', (status) => status === 'read'],
  ['unread', (status) => status === 'unread'],
  ['waiting', (status) => status === 'pending' || status === 'sent'],
  ['problems', (status) => PROBLEM_STATUSES.includes(status)],
  ['recalled', (status) => status === 'recalled'],
];

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

export function recipientsTable() {
  let recipients = [];
  let names = new Map();
  let selected = 'all';
  const group = uid('show');
  const rows = h('tbody');
  const empty = h('p', { class: 'empty', hidden: true }, t('recipients.emptyGroup'));
  const render = () => {
    const matches = GROUPS.find(([key]) => key === selected)?.[1] ?? (() => true);
    const shown = recipients.filter((recipient) => matches(recipient.status));
    rows.replaceChildren(...shown.map((recipient) => row(recipient, names)));
    empty.hidden = shown.length > 0 || recipients.length === 0;
  };
  const options = GROUPS.map(([key, matches]) => {
    const count = h('span', { class: 'pill-count' });
    const choose = () => {
      selected = key;
      render();
    };
    const input = h('input', { type: 'radio', name: group, value: key, checked: key === selected, on: { change: choose } });
    return { key, matches, count, element: h('label', { class: 'pill' }, input, t(`group.${key}`), ' ', count) };
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
  );

  return {
    element,
    update(nextRecipients, nextNames) {
      recipients = nextRecipients;
      names = nextNames;
      for (const option of options) {
        const n = recipients.filter((recipient) => option.matches(recipient.status)).length;
        option.count.textContent = formatNumber(n);
        option.element.hidden = n === 0 && option.key !== 'all' && option.key !== selected;
      }
      render();
    },
  };
}
