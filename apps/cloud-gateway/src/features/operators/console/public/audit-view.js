// The audit log: every admin action (console, admin API, CLI), newest first, filterable by tenant,
// actor, action and where it came from. Before/after are the API's views: secrets are never in them.
import { api } from './api.js';
import { h, notice, show, table } from './dom.js';
import { formatDate, t } from './i18n.js';

const FILTERS = ['tenantId', 'actor', 'action'];

export async function auditView() {
  const list = h('div', { id: 'audit-list' });
  const inputs = Object.fromEntries(
    FILTERS.map((name) => [name, h('input', { type: 'search', name, 'aria-label': t(`audit.filter.${name}`), placeholder: t(`audit.filter.${name}`) })]),
  );
  const via = h(
    'select',
    { name: 'via', 'aria-label': t('audit.filter.via') },
    h('option', { value: '' }, t('audit.anyVia')),
    ['console', 'api', 'cli'].map((v) => h('option', { value: v }, t(`via.${v}`))),
  );

  async function load() {
    const params = new URLSearchParams({ limit: '200' });
    for (const [name, input] of Object.entries(inputs)) if (input.value.trim()) params.set(name, input.value.trim());
    if (via.value) params.set('via', via.value);
    try {
      const { items } = await api.get(`/admin/views/audit?${params}`);
      list.replaceChildren(
        items.length === 0
          ? notice('info', t('audit.none'))
          : table(
              [
                { label: t('col.at'), cell: (e) => formatDate(e.at) },
                { label: t('col.via'), cell: (e) => t(`via.${e.via}`) },
                { label: t('col.actor'), cell: (e) => e.actor },
                { label: t('col.action'), cell: (e) => h('code', {}, e.action) },
                { label: t('col.tenant'), cell: (e) => (e.tenantId ? h('a', { href: `#/tenant/${encodeURIComponent(e.tenantId)}` }, e.tenantId) : '—') },
                { label: t('col.target'), cell: (e) => e.target ?? '—' },
                { label: t('col.source'), cell: (e) => e.source ?? '—' },
                { label: t('col.change'), cell: (e) => change(e) },
              ],
              items,
              (e) => ({ 'data-action': e.action }),
            ),
      );
    } catch (error) {
      list.replaceChildren(notice('error', error.message));
    }
  }
  const filterForm = h(
    'form',
    { class: 'toolbar', role: 'search' },
    Object.values(inputs),
    via,
    h('button', { type: 'submit', class: 'secondary' }, t('audit.apply')),
  );
  filterForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  show(h('section', { class: 'card' }, h('h1', {}, t('audit.title')), filterForm, list));
  await load();
}

function change(entry) {
  if (entry.before === null && entry.after === null) return '—';
  return h(
    'details',
    {},
    h('summary', {}, t('audit.show')),
    entry.before === null ? null : [h('p', {}, t('audit.before')), h('pre', {}, JSON.stringify(entry.before, null, 2))],
    entry.after === null ? null : [h('p', {}, t('audit.after')), h('pre', {}, JSON.stringify(entry.after, null, 2))],
  );
}
