// One notification with every recipient's receipt. Polls the local store every 2 s: receipts arrive
// there as events from the cloud, and the page updates in place (the summary is a live region).
import { store } from './api.js';
import { MESSAGE_TYPES } from './compose-model.js';
import { departmentNames } from './department-tree.js';
import { h, notice, poll, setStatus } from './dom.js';
import {
  channelLabel,
  countsSentence,
  formatDate,
  formatNumber,
  formatRelative,
  messageStatus,
  messageTypeLabel,
  plural,
  RECIPIENT_STATUSES,
  recipientStatus,
  total,
} from './format.js';
import { list, listAnd, t } from './i18n.js';
import { peopleNames } from './people-names.js';
import { recipientsTable } from './recipients-table.js';
import { badge, pageHead } from './ui.js';

const REFRESH_MS = 2000;
/** Always shown, even at zero; other statuses get a tile once someone is in them. */
const MAIN_TILES = ['read', 'unread'];

function titleOf(message) {
  const body = message.msg[message.msgtype] ?? {};
  return body.title || t('message.titleFallback', { type: messageTypeLabel(message.msgtype) });
}

/** The message's fields in the order they were composed (text only: nothing is rendered as markup). */
function preview(message) {
  const body = message.msg[message.msgtype];
  if (!body || typeof body !== 'object') return h('pre', { class: 'preview-raw' }, JSON.stringify(message.msg, null, 2));
  const known = MESSAGE_TYPES[message.msgtype]?.fields ?? [];
  const labelled = known.filter((field) => body[field.key] !== undefined).map((field) => [t(field.label), body[field.key]]);
  const others = Object.entries(body).filter(([key]) => !known.some((field) => field.key === key));
  const show = (value) => (typeof value === 'string' ? value : JSON.stringify(value));
  return h(
    'dl',
    { class: 'preview' },
    [...labelled, ...others].map(([label, value]) => [h('dt', {}, label), h('dd', {}, show(value))]),
  );
}

/** Before the cloud has a message sent through the store, say why; then the receipts. */
function summaryText(message, all) {
  if (message.status === 'failed' && message.cloudMessageId === null) return t('message.notSent', { reason: message.relayError ?? t('message.cloudRefused') });
  if (message.cloudMessageId === null) {
    return message.relayError ? t('message.waitingCloud', { reason: message.relayError }) : t('message.handing');
  }
  return all === 0 ? t('message.resolving') : t('message.summary', { recipients: plural(all, 'recipient'), counts: countsSentence(message.counts) });
}

function audience(spec, deptNames) {
  const parts = [];
  if (spec.toAll) parts.push(t('message.everyone'));
  if (spec.deptIds?.length)
    parts.push(t('message.departments', { count: spec.deptIds.length, names: list(spec.deptIds.map((id) => deptNames.get(id) ?? `#${id}`)) }));
  if (spec.userIds?.length) parts.push(plural(spec.userIds.length, 'person'));
  return listAnd(parts);
}

function tiles(counts) {
  const statuses = RECIPIENT_STATUSES.filter((status) => MAIN_TILES.includes(status) || (counts[status] ?? 0) > 0);
  return h(
    'ul',
    { class: 'stats' },
    h('li', { class: 'stat' }, h('span', { class: 'stat-value' }, formatNumber(total(counts))), h('span', { class: 'stat-label' }, t('message.recipients'))),
    statuses.map((status) => {
      const [label, tone] = recipientStatus(status);
      return h(
        'li',
        { class: `stat ${tone}` },
        h('span', { class: 'stat-value' }, formatNumber(counts[status] ?? 0)),
        h('span', { class: 'stat-label' }, label),
      );
    }),
  );
}

/** A stacked bar of the statuses (decoration: the tiles and the summary carry the same facts). */
function bar(counts) {
  const all = total(counts);
  const segments = RECIPIENT_STATUSES.filter((status) => all > 0 && (counts[status] ?? 0) > 0).map((status) => {
    const segment = h('span', { class: `segment ${recipientStatus(status)[1]}` });
    // CSSOM, not a style attribute: the CSP allows no inline styles.
    segment.style.flexGrow = String(counts[status]);
    return segment;
  });
  return h('div', { class: 'stack-bar', 'aria-hidden': 'true' }, segments);
}

export function renderMessage(root, ctx, id) {
  const heading = pageHead(t('title.message'));
  const crumbs = h(
    'nav',
    { 'aria-label': t('message.breadcrumb'), class: 'crumbs' },
    h('ol', {}, h('li', {}, h('a', { href: '#/messages' }, t('nav.messages'))), h('li', { 'aria-current': 'page' }, id)),
  );
  const status = h('p', { role: 'status', class: 'status' });
  const body = h('div', { class: 'message-body' });
  root.append(crumbs, heading, status, body);

  let deptNames = new Map();
  let names = new Map();
  let namesLoadedAt = 0;
  let shown = '';
  let parts;

  async function loadNames(recipients) {
    const unknown = recipients.some((r) => !names.has(r.userid));
    if (namesLoadedAt > 0 && !(unknown && Date.now() - namesLoadedAt > 10_000)) return;
    namesLoadedAt = Date.now();
    const [people, tree] = await Promise.all([peopleNames(unknown), store.get('/api/departments')]);
    names = people;
    deptNames = departmentNames(tree.items);
  }

  /** First render: the fixed parts. Later polls only update what receipts change. */
  function build(message) {
    heading.querySelector('h1').textContent = titleOf(message);
    const summary = h('p', { class: 'receipt-summary', 'aria-live': 'polite', 'aria-atomic': 'true' });
    const meta = h('p', { class: 'meta' });
    const stats = h('div');
    const table = recipientsTable(id);
    body.replaceChildren(
      meta,
      h(
        'div',
        { class: 'columns message' },
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'receipts-heading' },
          h(
            'div',
            { class: 'section-head' },
            h('h2', { id: 'receipts-heading' }, t('message.receipts')),
            h('span', { class: 'live' }, h('span', { class: 'live-dot', 'aria-hidden': 'true' }), t('message.live')),
          ),
          summary,
          stats,
        ),
        h('section', { class: 'card', 'aria-labelledby': 'preview-heading' }, h('h2', { id: 'preview-heading' }, t('compose.message')), preview(message)),
      ),
      h(
        'section',
        { class: 'card flush', 'aria-labelledby': 'recipients-heading' },
        h('h2', { id: 'recipients-heading', class: 'card-title' }, t('message.recipients')),
        table.element,
      ),
    );
    return { summary, meta, stats, table };
  }

  /** Resolves once the recipients table has its rows (it may ask the store for a group's page). */
  function update(message) {
    parts ??= build(message);
    const sent = t('message.meta', {
      date: formatDate(message.createdAt),
      ago: formatRelative(message.createdAt),
      audience: audience(message.recipientsSpec, deptNames),
    });
    const channel = h('span', { class: 'channel' }, t('message.channel', { channel: channelLabel(message.channel) }));
    parts.meta.replaceChildren(badge(messageStatus(message.status)), ' ', sent, ' · ', channel);
    const all = total(message.counts);
    parts.summary.textContent = summaryText(message, all);
    parts.stats.replaceChildren(tiles(message.counts), bar(message.counts));
    return parts.table.update(message, names);
  }

  const stop = poll(async () => {
    try {
      const message = await store.get(`/api/messages/${encodeURIComponent(id)}`);
      await loadNames(message.recipients);
      setStatus(status, 'info');
      // The relative time ("2 minutes ago") is part of what is shown: redraw when it changes too.
      const fingerprint = JSON.stringify([message, names.size, deptNames.size, formatRelative(message.createdAt)]);
      if (fingerprint !== shown) {
        shown = fingerprint;
        await update(message);
      }
    } catch (error) {
      if (error.status === 401) {
        ctx.sessionEnded();
        return false;
      }
      if (error.status === 404) setStatus(status, 'info', t('message.waitingStore'));
      else body.replaceChildren(notice('error', t('message.loadFailed', { reason: error.message })));
    }
    return true;
  }, REFRESH_MS);
  return stop;
}
