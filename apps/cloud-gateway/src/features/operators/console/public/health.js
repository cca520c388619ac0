// How a tenant's health reads at a glance: a badge per state, and the columns shared by the list
// and a tenant's page.
import { h } from './dom.js';
import { formatDate, formatDuration, formatNumber, t } from './i18n.js';

export const badge = (health) => h('span', { class: `badge ${health}`, 'data-health': health }, t(`health.${health}`));

export const mode = (tenant) => `${t(`delivery.${tenant.delivery}`)} · ${t(`events.${tenant.events}`)}`;

/** The last token fetch, or since when DingTalk has refused the tenant's credentials (the fix: `tenant check`). */
export const token = (tenant) =>
  tenant.credentialsFailingSince
    ? h('span', { class: 'bad' }, t('token.refusedSince', { since: formatDate(tenant.credentialsFailingSince) }))
    : formatDate(tenant.lastTokenAt);

export const quota = (tenant) => t('quota.today', { total: tenant.messagesToday, busiest: tenant.busiestPersonToday, cap: tenant.dailyCap });

/** The health facts as a definition list (a tenant's page). */
export function healthFacts(tenant) {
  const facts = [
    ['col.health', badge(tenant.health)],
    ['col.lag', formatDuration(tenant.lagMs)],
    ['col.pending', formatNumber(tenant.pending)],
    ['col.retrying', formatNumber(tenant.retrying)],
    ['col.dead', formatNumber(tenant.dead)],
    ['col.lastPush', formatDate(tenant.lastPushAt)],
    ['col.mode', mode(tenant)],
    ['col.token', token(tenant)],
    ['col.suite', tenant.suiteAuthorization ? t(`suite.${tenant.suiteAuthorization}`) : '—'],
    ['col.messages', quota(tenant)],
    ['col.lastSeq', formatNumber(tenant.lastSeq)],
  ];
  return h(
    'dl',
    { class: 'facts' },
    facts.map(([key, value]) => [h('dt', {}, t(key)), h('dd', { 'data-fact': key }, value)]),
  );
}
