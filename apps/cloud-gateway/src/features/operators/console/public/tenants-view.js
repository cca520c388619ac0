// Tenants at a glance: each tenant's health, unhealthy first (the server sorts), with search and a
// health filter. Refreshed every few seconds so a growing lag is seen growing.
import { api } from './api.js';
import { h, notice, show, table } from './dom.js';
import { formatDate, formatDuration, formatNumber, t } from './i18n.js';
import { badge, mode, quota, token } from './health.js';

const REFRESH_MS = 3000;

export async function tenantsView() {
  const state = { q: '', health: '' };
  const body = h('div', { id: 'tenants-table' });
  const summary = h('p', { class: 'summary', 'aria-live': 'polite' });
  const search = h('input', { type: 'search', id: 'tenant-search', placeholder: t('tenants.search'), 'aria-label': t('tenants.search') });
  const filter = h(
    'select',
    { id: 'health-filter', 'aria-label': t('tenants.filter') },
    h('option', { value: '' }, t('tenants.allHealth')),
    ['failing', 'lagging', 'suspended', 'ok'].map((health) => h('option', { value: health }, t(`health.${health}`))),
  );

  async function load() {
    const params = new URLSearchParams();
    if (state.q) params.set('q', state.q);
    if (state.health) params.set('health', state.health);
    const { items } = await api.get(`/admin/views/tenants?${params}`);
    const unhealthy = items.filter((x) => x.health === 'failing' || x.health === 'lagging').length;
    summary.textContent = t('tenants.summary', { count: items.length, unhealthy });
    body.replaceChildren(
      items.length === 0
        ? notice('info', t('tenants.none'))
        : table(
            [
              { label: t('col.tenant'), cell: (x) => h('a', { href: `#/tenant/${encodeURIComponent(x.id)}` }, x.name, h('span', { class: 'sub' }, x.id)) },
              { label: t('col.health'), cell: (x) => badge(x.health) },
              { label: t('col.lag'), cell: (x) => formatDuration(x.lagMs) },
              { label: t('col.pending'), cell: (x) => formatNumber(x.pending) },
              { label: t('col.dead'), cell: (x) => formatNumber(x.dead) },
              { label: t('col.lastPush'), cell: (x) => formatDate(x.lastPushAt) },
              { label: t('col.mode'), cell: mode },
              { label: t('col.token'), cell: token },
              { label: t('col.suite'), cell: (x) => (x.suiteAuthorization ? t(`suite.${x.suiteAuthorization}`) : '—') },
              { label: t('col.messages'), cell: quota },
            ],
            items,
            (x) => ({ 'data-tenant': x.id, class: x.health === 'ok' ? undefined : 'unhealthy' }),
          ),
    );
  }

  let timer;
  let stopped = false;
  const refresh = async () => {
    clearTimeout(timer);
    try {
      await load();
    } catch (error) {
      body.replaceChildren(notice('error', error.message));
    }
    if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
  };
  let typing;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      state.q = search.value.trim();
      void refresh();
    }, 250);
  });
  filter.addEventListener('change', () => {
    state.health = filter.value;
    void refresh();
  });
  show(h('section', {}, h('h1', {}, t('tenants.title')), h('div', { class: 'toolbar' }, search, filter), summary, body));
  await load();
  timer = setTimeout(refresh, REFRESH_MS);
  return () => {
    stopped = true;
    clearTimeout(timer);
    clearTimeout(typing);
  };
}
