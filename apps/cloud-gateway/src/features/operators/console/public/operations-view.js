// Across tenants: dead deliveries (resend each), the job backlog by kind, and failing jobs with
// their last error (the server redacts secrets from it).
import { api } from './api.js';
import { h, notice, show, table } from './dom.js';
import { formatDate, formatNumber, t } from './i18n.js';
import { deliveryActions } from './tenant-view.js';
import { dingtalkCallsChart } from './charts.js';

export async function operationsView({ canChange }) {
  const dead = h('div', { id: 'dead-deliveries' });
  const jobs = h('div', { id: 'jobs' });
  const calls = h('div', { id: 'dingtalk-calls' });
  async function load() {
    const [deadList, jobView, callView] = await Promise.all([
      api.get('/admin/deliveries?status=dead&limit=100'),
      api.get('/admin/views/jobs'),
      api.get('/admin/views/dingtalk-calls'),
    ]);
    calls.replaceChildren(dingtalkCallsChart(callView.items));
    dead.replaceChildren(
      deadList.items.length === 0
        ? notice('success', t('operations.noDead'))
        : table(
            [
              { label: t('col.tenant'), cell: (d) => h('a', { href: `#/tenant/${encodeURIComponent(d.tenantId)}` }, d.tenantId) },
              { label: t('col.seq'), cell: (d) => formatNumber(d.seq) },
              { label: t('col.type'), cell: (d) => d.eventType },
              { label: t('col.attempts'), cell: (d) => formatNumber(d.attempts) },
              { label: t('col.lastError'), cell: (d) => d.lastError ?? '' },
              { label: t('col.updated'), cell: (d) => formatDate(d.updatedAt) },
              { label: '', cell: (d) => deliveryActions(d, canChange, load) },
            ],
            deadList.items,
            (d) => ({ 'data-delivery': d.id }),
          ),
    );
    jobs.replaceChildren(
      h('h3', {}, t('operations.backlog')),
      jobView.backlog.length === 0
        ? notice('success', t('operations.noBacklog'))
        : table(
            [
              { label: t('col.kind'), cell: (j) => j.kind },
              { label: t('col.status'), cell: (j) => t(`job.${j.status}`) },
              { label: t('col.count'), cell: (j) => formatNumber(j.count) },
            ],
            jobView.backlog,
          ),
      h('h3', {}, t('operations.failing')),
      jobView.failing.length === 0
        ? notice('success', t('operations.noFailing'))
        : table(
            [
              { label: t('col.kind'), cell: (j) => j.kind },
              { label: t('col.tenant'), cell: (j) => j.tenantId ?? '—' },
              { label: t('col.status'), cell: (j) => t(`job.${j.status}`) },
              { label: t('col.attempts'), cell: (j) => formatNumber(j.attempts) },
              { label: t('col.lastError'), cell: (j) => h('code', {}, j.lastError ?? '') },
              { label: t('col.updated'), cell: (j) => formatDate(j.updatedAt) },
            ],
            jobView.failing,
          ),
    );
  }
  show(
    h('section', { class: 'card' }, h('h1', {}, t('operations.dead')), dead),
    h('section', { class: 'card' }, h('h2', {}, t('operations.jobs')), jobs),
    h('section', { class: 'card' }, h('h2', {}, t('chart.dingtalk')), calls),
  );
  await load();
}
