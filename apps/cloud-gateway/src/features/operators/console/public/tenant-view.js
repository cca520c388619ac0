// One tenant: its health, settings (the admin API's PATCH, same schema), webhook secret rotation
// with its grace period, API keys, deliveries with every attempt (resend a dead one), replay from a
// seq, recent events, suspend/activate, and `tenant check`. Viewers see it all and change nothing.
import { api } from './api.js';
import { h, notice, show, table } from './dom.js';
import { actionButton, form } from './forms.js';
import { formatDate, formatDuration, formatNumber, t } from './i18n.js';
import { badge, healthFacts } from './health.js';
import { activityChart } from './charts.js';

const SCOPES = ['messages:send', 'messages:read', 'directory:read', 'directory:sync', 'events:read'];
const REFRESH_MS = 3000;

const section = (title, ...content) => h('section', { class: 'card' }, h('h2', {}, title), ...content);
const secretOnce = (label, value) => notice('warning', h('p', {}, label), h('code', { class: 'secret', 'data-secret': 'true' }, value));

export async function tenantView({ args, canChange }) {
  const id = args[0];
  const base = `/admin/tenants/${encodeURIComponent(id)}`;
  const [tenant, view, activity] = await Promise.all([
    api.get(base),
    api.get(`/admin/views/tenants/${encodeURIComponent(id)}`),
    api.get(`/admin/views/tenants/${encodeURIComponent(id)}/activity`),
  ]);
  // Through the router, so this view's refresh loop is stopped before the page is drawn again.
  const reload = () => window.dispatchEvent(new HashChangeEvent('hashchange'));

  const facts = h('div', {}, healthFacts(view.health));
  const headBadge = h('span', {}, badge(view.health.health));
  const chart = activityChart(activity.hours);
  const deliveries = h('div', { id: 'deliveries' });
  const events = h('div', { id: 'events' });
  let stopped = false;
  let timer;

  async function refresh() {
    clearTimeout(timer);
    try {
      const [fresh, list, recent] = await Promise.all([
        api.get(`/admin/views/tenants/${encodeURIComponent(id)}`),
        api.get(`/admin/deliveries?tenantId=${encodeURIComponent(id)}&limit=25`),
        api.get(`/admin/views/tenants/${encodeURIComponent(id)}/activity`),
      ]);
      chart.update(recent.hours);
      facts.replaceChildren(healthFacts(fresh.health));
      headBadge.replaceChildren(badge(fresh.health.health));
      deliveries.replaceChildren(deliveriesTable(list.items, canChange, refresh));
      events.replaceChildren(eventsTable(fresh.events));
    } catch (error) {
      deliveries.replaceChildren(notice('error', error.message));
    }
    if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
  }

  const statusAction =
    tenant.status === 'active'
      ? actionButton(t('tenant.suspend'), () => api.post(`${base}/suspend`).then(reload), { danger: true })
      : actionButton(t('tenant.activate'), () => api.post(`${base}/activate`).then(reload));
  const checkResult = h('div', { id: 'check-result' });

  show(
    h(
      'header',
      { class: 'page-head' },
      h('p', {}, h('a', { href: '#/tenants' }, t('tenant.back'))),
      h('h1', {}, tenant.name, ' ', headBadge),
      h('p', { class: 'sub' }, `${tenant.id} · ${tenant.corpId} · ${t(`status.${tenant.status}`)}`),
      h(
        'div',
        { class: 'toolbar' },
        canChange ? statusAction : null,
        actionButton(t('tenant.check'), async () => checkResult.replaceChildren(checkTable(await api.get(`${base}/check`))), { done: () => '' }),
      ),
      canChange ? null : notice('info', t('tenant.readOnly')),
      checkResult,
    ),
    section(t('tenant.health'), facts, h('h3', {}, t('chart.activity')), chart.element),
    section(
      t('tenant.settings'),
      canChange
        ? form({
            fields: [
              { name: 'name', label: t('field.name'), value: tenant.name },
              { name: 'webhookUrl', label: t('field.webhookUrl'), type: 'url', value: tenant.webhookUrl ?? '', hint: t('field.webhookUrlHint') },
              { name: 'returnUrls', label: t('field.returnUrls'), type: 'textarea', value: tenant.returnUrls.join('\n'), hint: t('field.returnUrlsHint') },
              { name: 'agentId', label: t('field.agentId'), type: 'number', value: tenant.agentId ?? '' },
            ],
            submitLabel: t('form.save'),
            submit: (values) => api.patch(base, { ...values, webhookUrl: values.webhookUrl === '' ? null : values.webhookUrl }),
          })
        : settingsFacts(tenant),
      h('h3', {}, t('tenant.secret')),
      h(
        'p',
        { id: 'secret-grace' },
        view.previousSecretExpiresAt
          ? t('tenant.graceUntil', { at: formatDate(view.previousSecretExpiresAt) })
          : t('tenant.graceNone', { grace: formatDuration(view.rotationGraceMs) }),
      ),
      canChange
        ? actionButton(t('tenant.rotate'), () => api.post(`${base}/rotate-secret`), {
            danger: true,
            done: (r) => secretOnce(t('tenant.rotated', { at: formatDate(r.previousSecretExpiresAt) }), r.webhookSecret),
          })
        : null,
    ),
    section(
      t('tenant.keys'),
      table(
        [
          { label: t('col.name'), cell: (k) => k.name },
          { label: t('col.prefix'), cell: (k) => h('code', {}, k.prefix) },
          { label: t('col.scopes'), cell: (k) => k.scopes.join(' ') },
          { label: t('col.created'), cell: (k) => formatDate(k.createdAt) },
          { label: t('col.lastUsed'), cell: (k) => formatDate(k.lastUsedAt) },
          {
            label: t('col.revoked'),
            cell: (k) =>
              k.revokedAt
                ? formatDate(k.revokedAt)
                : canChange
                  ? actionButton(t('key.revoke'), () => api.del(`/admin/api-keys/${encodeURIComponent(k.id)}`).then(reload), { danger: true })
                  : '—',
          },
        ],
        tenant.apiKeys,
      ),
      canChange
        ? form({
            fields: [
              { name: 'name', label: t('field.keyName'), value: '' },
              { name: 'scopes', label: t('field.scopes'), type: 'checkboxes', options: SCOPES, value: SCOPES },
            ],
            submitLabel: t('key.issue'),
            submit: (values) => api.post(`${base}/api-keys`, { name: values.name || undefined, scopes: values.scopes }),
            done: (r) => secretOnce(t('key.issued'), r.key),
          })
        : null,
    ),
    section(
      t('tenant.deliveries'),
      deliveries,
      canChange
        ? form({
            fields: [{ name: 'fromSeq', label: t('field.fromSeq'), type: 'number', value: '' }],
            submitLabel: t('tenant.replay'),
            submit: (values) => api.post(`${base}/replay`, values),
            done: (r) => notice('success', t('tenant.replayed', { requeued: r.requeued, created: r.created })),
          })
        : null,
    ),
    section(t('tenant.events'), events),
  );
  await refresh();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function settingsFacts(tenant) {
  const rows = [
    ['field.name', tenant.name],
    ['field.webhookUrl', tenant.webhookUrl ?? '—'],
    ['field.returnUrls', tenant.returnUrls.join(', ') || '—'],
    ['field.agentId', tenant.agentId ?? '—'],
  ];
  return h(
    'dl',
    { class: 'facts' },
    rows.map(([key, value]) => [h('dt', {}, t(key)), h('dd', {}, String(value))]),
  );
}

function deliveriesTable(items, canChange, refresh) {
  if (items.length === 0) return notice('info', t('deliveries.none'));
  return table(
    [
      { label: t('col.seq'), cell: (d) => formatNumber(d.seq) },
      { label: t('col.type'), cell: (d) => d.eventType },
      { label: t('col.status'), cell: (d) => h('span', { class: `badge ${d.status}`, 'data-status': d.status }, t(`delivery.status.${d.status}`)) },
      { label: t('col.attempts'), cell: (d) => formatNumber(d.attempts) },
      { label: t('col.lastError'), cell: (d) => d.lastError ?? '' },
      { label: t('col.updated'), cell: (d) => formatDate(d.updatedAt) },
      { label: '', cell: (d) => deliveryActions(d, canChange, refresh) },
    ],
    items,
    (d) => ({ 'data-delivery': d.id }),
  );
}

export function deliveryActions(d, canChange, refresh) {
  const log = h('div', { class: 'attempts' });
  return h(
    'div',
    {},
    actionButton(
      t('delivery.attempts'),
      async () => log.replaceChildren(attemptsTable((await api.get(`/admin/deliveries/${encodeURIComponent(d.id)}`)).attemptLog)),
      {
        done: () => '',
      },
    ),
    canChange && d.status === 'dead'
      ? actionButton(t('delivery.resend'), () => api.post(`/admin/deliveries/${encodeURIComponent(d.id)}/resend`).then(refresh), {
          done: () => t('delivery.resent'),
        })
      : null,
    log,
  );
}

function attemptsTable(attempts) {
  if (attempts.length === 0) return notice('info', t('attempts.none'));
  return table(
    [
      { label: t('col.at'), cell: (a) => formatDate(a.at) },
      { label: t('col.httpStatus'), cell: (a) => (a.httpStatus === null ? '—' : String(a.httpStatus)) },
      { label: t('col.duration'), cell: (a) => t('unit.ms', { n: a.durationMs }) },
      { label: t('col.response'), cell: (a) => h('code', {}, (a.response ?? a.error ?? '').slice(0, 200)) },
    ],
    attempts,
  );
}

function eventsTable(events) {
  if (events.length === 0) return notice('info', t('events.none'));
  return table(
    [
      { label: t('col.seq'), cell: (e) => formatNumber(e.seq) },
      { label: t('col.type'), cell: (e) => e.type },
      { label: t('col.at'), cell: (e) => formatDate(e.occurredAt) },
    ],
    events,
  );
}

function checkTable(report) {
  return h(
    'div',
    { class: 'check' },
    notice(report.ok ? 'success' : 'error', t(report.ok ? 'check.ok' : 'check.failed')),
    table(
      [
        { label: t('col.status'), cell: (c) => h('span', { class: `badge check-${c.status}` }, t(`check.${c.status}`)) },
        { label: t('col.check'), cell: (c) => c.title },
        { label: t('col.detail'), cell: (c) => [c.detail, c.fix ? h('p', { class: 'hint' }, t('check.fix', { fix: c.fix })) : null] },
      ],
      report.checks,
    ),
  );
}
