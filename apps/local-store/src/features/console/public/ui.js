// Small pieces shared by the views: page headings, badges, and what to say when a call fails.
import { h, notice, setStatus } from './dom.js';
import { t, tParts } from './i18n.js';

/** The view's heading block; the h1 takes focus after navigation so screen readers announce it. */
export function pageHead(title, lede, ...actions) {
  return h(
    'div',
    { class: 'page-head' },
    h('div', {}, h('h1', { tabindex: '-1' }, title), lede ? h('p', { class: 'lede' }, lede) : undefined),
    actions.length > 0 ? h('div', { class: 'page-actions' }, actions) : undefined,
  );
}

/**
 * A table with its caption (for screen readers) and a header row. A column is a catalog key, a
 * [key, className] pair, or '' for a column without a heading (a row's actions); `rows` is its tbody.
 */
export function dataTable(caption, columns, rows, props = {}) {
  const heading = (column) => {
    const [key, className] = Array.isArray(column) ? column : [column];
    return h('th', { scope: 'col', class: className }, key ? t(key) : undefined);
  };
  return h('table', { class: 'table', ...props }, h('caption', { class: 'visually-hidden' }, caption), h('thead', {}, h('tr', {}, columns.map(heading))), rows);
}

/** [label, tone] → a coloured status badge. */
export const badge = ([label, tone]) => h('span', { class: `badge ${tone}` }, label);

/**
 * The server's own explanation under the localized message, when it says more: it is English (the
 * API's language) and marked lang="en", for screen readers to pronounce it right.
 */
export function problemDetail(error) {
  if (!error.detail || error.detail === error.message) return undefined;
  return h('small', { class: 'problem-detail' }, tParts('problem.detail', { detail: h('span', { lang: 'en' }, error.detail) }));
}

/** Content describing a failed call to the store; an ended session is handed to the view's context. */
export function failure(ctx, error) {
  if (error.status === 401) {
    ctx.sessionEnded();
    return [t('session.ended')];
  }
  return [error.message, problemDetail(error)];
}

/** What to show under a form the store refused: a 400 lists the fields it names (text `key`), anything else says what went wrong. */
export function formFailure(error, key) {
  const fields = error.fieldErrors.map((field) => `${field.path.replace(/^body\./, '')}: ${field.message}`);
  return notice('error', error.status === 400 ? t(key, { fields: fields.join('; ') }) : error.message, problemDetail(error));
}

/** Once the person confirms `question`: `act`, then `done` in `status` and `reload`; a failure is said in `status` instead. */
export async function confirmedChange(ctx, status, { question, act, done, reload }) {
  if (!confirm(question)) return;
  try {
    await act();
    setStatus(status, 'success', done);
    await reload();
  } catch (error) {
    setStatus(status, 'error', ...failure(ctx, error));
  }
}
