// Charts where looking beats reading: a tenant's last 24 h (events written and pushed, worst push
// lag) drawn with uPlot (served from this origin), and DingTalk calls by API and errors by code as
// plain bars. Each chart has a text summary beside it for screen readers.
import uPlot from './uplot.js';
import { h } from './dom.js';
import { formatNumber, t } from './i18n.js';

const activityData = (hours) => [
  hours.map((x) => x.at / 1000),
  hours.map((x) => x.events),
  hours.map((x) => x.pushed),
  hours.map((x) => (x.maxLagMs === null ? null : x.maxLagMs / 1000)),
];
const activitySummary = (hours) =>
  t('chart.activityLabel', { events: hours.reduce((n, x) => n + x.events, 0), pushed: hours.reduce((n, x) => n + x.pushed, 0) });

/** The chart's element, and update(hours) to redraw it with fresh figures. */
export function activityChart(hours) {
  const box = h('div', { class: 'chart', role: 'img', 'aria-label': activitySummary(hours) });
  const options = {
    width: 720,
    height: 220,
    scales: { x: { time: true }, lag: { auto: true } },
    series: [
      {},
      { label: t('chart.events'), stroke: '#1664ff', width: 2 },
      { label: t('chart.pushed'), stroke: '#1a7f37', width: 2 },
      { label: t('chart.lag'), stroke: '#c4291c', width: 1, dash: [4, 4], scale: 'lag', spanGaps: false },
    ],
    axes: [{}, { label: t('chart.count') }, { side: 1, scale: 'lag', label: t('chart.lagAxis'), grid: { show: false } }],
  };
  let plot;
  // Drawn once the box is in the page (uPlot measures its container's fonts).
  queueMicrotask(() => {
    plot = new uPlot(options, activityData(hours), box);
  });
  return {
    element: box,
    update(fresh) {
      box.setAttribute('aria-label', activitySummary(fresh));
      plot?.setData(activityData(fresh));
    },
  };
}

/** DingTalk calls since the cloud started: per API, ok and failed; then failures by result code. */
export function dingtalkCallsChart(items) {
  if (items.length === 0) return h('p', {}, t('chart.noCalls'));
  const byApi = new Map();
  const byError = new Map();
  for (const { api, result, count } of items) {
    const entry = byApi.get(api) ?? { ok: 0, failed: 0 };
    if (result === 'ok') entry.ok += count;
    else {
      entry.failed += count;
      byError.set(result, (byError.get(result) ?? 0) + count);
    }
    byApi.set(api, entry);
  }
  const max = Math.max(...[...byApi.values()].map((x) => x.ok + x.failed), 1);
  const bar = (label, ok, failed) =>
    h(
      'div',
      { class: 'bar-row' },
      h('span', { class: 'bar-label' }, label),
      h(
        'span',
        { class: 'bar-track', role: 'img', 'aria-label': t('chart.barLabel', { ok, failed }) },
        h('span', { class: 'bar ok', 'data-width': Math.round((ok / max) * 100) }),
        h('span', { class: 'bar failed', 'data-width': Math.round((failed / max) * 100) }),
      ),
      h('span', { class: 'bar-value' }, t('chart.barValue', { ok: formatNumber(ok), failed: formatNumber(failed) })),
    );
  const bars = h(
    'div',
    { class: 'bars' },
    [...byApi].sort((a, b) => b[1].ok + b[1].failed - (a[1].ok + a[1].failed)).map(([api, x]) => bar(api, x.ok, x.failed)),
  );
  // Widths through the CSSOM (the CSP allows no style attributes).
  for (const element of bars.querySelectorAll('[data-width]')) element.style.width = `${element.dataset.width}%`;
  return h(
    'div',
    {},
    bars,
    h('h3', {}, t('chart.errorsByCode')),
    byError.size === 0
      ? h('p', {}, t('chart.noErrors'))
      : h(
          'ul',
          { class: 'error-codes' },
          [...byError].sort((a, b) => b[1] - a[1]).map(([code, count]) => h('li', {}, h('code', {}, code), ` ${formatNumber(count)}`)),
        ),
  );
}
