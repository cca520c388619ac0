// The people list of the directory: search (name or user ID), pages of PAGE_SIZE by user ID.
import { store } from './api.js';
import { debounce, h, notice, uid } from './dom.js';
import { t } from './i18n.js';

const PAGE_SIZE = 20;

const initial = (name) => (name.trim()[0] ?? '?').toUpperCase();

export function peopleTable(ctx) {
  const searchId = uid('people-search');
  const tableId = uid('people');
  const search = h('input', {
    type: 'search',
    id: searchId,
    class: 'input',
    autocomplete: 'off',
    placeholder: t('people.placeholder'),
    'aria-controls': tableId,
  });
  const rows = h('tbody');
  const caption = h('caption', { class: 'visually-hidden' });
  const table = h(
    'table',
    { class: 'table', id: tableId, hidden: true },
    caption,
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['col.name', 'col.userid', 'col.title', 'col.departments'].map((key) => h('th', { scope: 'col' }, t(key))),
      ),
    ),
    rows,
  );
  const message = h('div');
  const pageInfo = h('p', { class: 'pager-info' });
  const previous = h('button', { type: 'button', class: 'button', on: { click: () => turn(-1) } }, t('people.previous'));
  const next = h('button', { type: 'button', class: 'button', on: { click: () => turn(1) } }, t('people.next'));

  /** The cursor each page starts at; the last one is the page shown. */
  let cursors = [undefined];
  let nextCursor = null;
  let deptNames = new Map();
  let query = '';

  function row(user) {
    const departments = user.deptIds.map((id) => deptNames.get(id) ?? `#${id}`).join(', ');
    return h(
      'tr',
      {},
      h(
        'td',
        {},
        h('span', { class: 'person' }, h('span', { class: 'avatar small', 'aria-hidden': 'true' }, initial(user.name)), user.name),
        user.admin ? h('span', { class: 'badge info' }, t('people.admin')) : undefined,
      ),
      h('td', {}, h('code', {}, user.userid)),
      h('td', {}, user.title ?? ''),
      h('td', {}, departments),
    );
  }

  function render(page) {
    nextCursor = page.nextCursor;
    rows.replaceChildren(...page.items.map(row));
    const pageNumber = cursors.length;
    caption.textContent = query ? t('people.captionMatching', { query, page: pageNumber }) : t('people.caption', { page: pageNumber });
    table.hidden = page.items.length === 0;
    message.replaceChildren(page.items.length > 0 ? '' : h('p', { class: 'empty' }, query ? t('people.noMatch', { query }) : t('people.none')));
    pageInfo.textContent = page.items.length > 0 ? t('people.page', { page: pageNumber }) : '';
    previous.disabled = cursors.length === 1;
    next.disabled = nextCursor === null;
  }

  /** Loads the current page; resolves to what is shown (undefined when it failed). */
  async function load(names = deptNames) {
    deptNames = names;
    const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (query) params.set('q', query);
    const cursor = cursors.at(-1);
    if (cursor) params.set('cursor', cursor);
    try {
      const page = await store.get(`/api/users?${params}`);
      render(page);
      return page.items;
    } catch (error) {
      if (error.status === 401) ctx.sessionEnded();
      else message.replaceChildren(notice('error', t('people.loadFailed', { reason: error.message })));
      return undefined;
    }
  }

  function turn(step) {
    if (step > 0 && nextCursor) cursors.push(nextCursor);
    if (step < 0 && cursors.length > 1) cursors.pop();
    load();
  }

  search.addEventListener(
    'input',
    debounce(() => {
      query = search.value.trim();
      cursors = [undefined];
      load();
    }, 250),
  );

  const element = h(
    'div',
    { class: 'people' },
    h('div', { class: 'field inline' }, h('label', { for: searchId }, t('people.search')), search),
    message,
    h('div', { class: 'table-wrap' }, table),
    h('div', { class: 'pager' }, previous, pageInfo, next),
  );
  return { element, load };
}
