// The list of work notifications, newest first, with their receipt counts; refreshed while open.
import { store } from './api.js';
import { h, notice, poll } from './dom.js';
import { formatDate, formatNumber, formatRelative, messageStatus, messageTypeLabel, problems, total } from './format.js';
import { t, tParts } from './i18n.js';
import { badge, dataTable, pageHead } from './ui.js';

const PAGE_SIZE = 50;
const REFRESH_MS = 3000;
/** Past this many rows the list stops refreshing itself (it would reload them all every time). */
const MAX_REFRESHED_ROWS = 200;

const count = (n, tone) => (n > 0 ? h('span', { class: `count ${tone}` }, formatNumber(n)) : h('span', { class: 'muted' }, '0'));

function row(message) {
  return h(
    'tr',
    {},
    h(
      'td',
      {},
      h('a', { href: `#/messages/${encodeURIComponent(message.id)}` }, formatDate(message.createdAt)),
      h('span', { class: 'muted ago' }, formatRelative(message.createdAt)),
    ),
    h('td', {}, messageTypeLabel(message.msgtype)),
    h('td', {}, badge(messageStatus(message.status))),
    h('td', { class: 'num' }, formatNumber(total(message.counts))),
    h('td', { class: 'num' }, count(message.counts.read ?? 0, 'good')),
    h('td', { class: 'num' }, count(message.counts.unread ?? 0, 'info')),
    h('td', { class: 'num' }, count(problems(message.counts), 'bad')),
  );
}

export function renderMessages(root, ctx) {
  const rows = h('tbody');
  const numeric = ['col.recipients', 'col.read', 'col.unread', 'col.problems'].map((key) => [key, 'num']);
  const table = dataTable(t('messages.caption'), ['col.sent', 'col.type', 'col.status', ...numeric], rows, { hidden: true });
  const message = h('div');
  const older = h('button', { type: 'button', class: 'button', hidden: true, on: { click: () => loadOlder() } }, t('messages.older'));
  let shown = [];
  let nextCursor = null;

  function render() {
    rows.replaceChildren(...shown.map(row));
    table.hidden = shown.length === 0;
    message.replaceChildren(
      shown.length > 0 ? '' : h('p', { class: 'empty' }, tParts('messages.empty', { link: h('a', { href: '#/compose' }, t('messages.sendFirst')) })),
    );
    older.hidden = nextCursor === null;
  }

  async function get(params) {
    try {
      return await store.get(`/api/messages?${new URLSearchParams(params)}`);
    } catch (error) {
      if (error.status === 401) ctx.sessionEnded();
      else message.replaceChildren(notice('error', t('messages.loadFailed', { reason: error.message })));
      return undefined;
    }
  }

  async function loadOlder() {
    const page = nextCursor && (await get({ limit: String(PAGE_SIZE), cursor: nextCursor }));
    if (!page) return;
    shown = [...shown, ...page.items];
    nextCursor = page.nextCursor;
    render();
  }

  const stop = poll(async () => {
    if (shown.length > MAX_REFRESHED_ROWS) return false;
    const page = await get({ limit: String(Math.max(PAGE_SIZE, shown.length)) });
    if (!page) return true;
    shown = page.items;
    nextCursor = page.nextCursor;
    render();
    return true;
  }, REFRESH_MS);

  root.append(
    pageHead(t('title.messages'), t('messages.lede'), h('a', { href: '#/compose', class: 'button primary' }, t('messages.new'))),
    h('section', { class: 'card flush' }, message, h('div', { class: 'table-wrap' }, table)),
    h('div', { class: 'pager' }, older),
  );
  return stop;
}
