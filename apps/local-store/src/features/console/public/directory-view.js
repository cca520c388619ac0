// Directory: the people and departments this store holds, and "Sync directory" (a cloud job the
// store starts for the admin and then receives as events).
import { store } from './api.js';
import { departmentNames, departmentTree } from './department-tree.js';
import { h, notice, poll, setStatus } from './dom.js';
import { plural } from './format.js';
import { t } from './i18n.js';
import { peopleTable } from './people-table.js';
import { failure, pageHead } from './ui.js';

const SYNC_POLL_MS = 1000;
/** After a sync the store is still applying its events: reload until two reads agree, at most this often. */
const SETTLE_POLL_MS = 1000;
const SETTLE_MAX_READS = 20;

export function renderDirectory(root, ctx) {
  const status = h('p', { role: 'status', class: 'status' });
  const syncButton = h('button', { type: 'button', class: 'button primary', on: { click: () => startSync() } }, t('directory.sync'));
  const deptCount = h('p', { class: 'section-meta' });
  const treeBox = h('div', { class: 'tree-box' });
  const people = peopleTable(ctx);
  const stops = new Set();

  root.append(
    pageHead(t('title.directory'), t('directory.lede'), syncButton),
    status,
    h(
      'div',
      { class: 'columns directory' },
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'departments-heading' },
        h('h2', { id: 'departments-heading' }, t('directory.departments')),
        deptCount,
        treeBox,
      ),
      h('section', { class: 'card', 'aria-labelledby': 'people-heading' }, h('h2', { id: 'people-heading' }, t('directory.people')), people.element),
    ),
  );

  /** Loads both panes; resolves to a fingerprint of what was shown. */
  async function load() {
    try {
      const tree = await store.get('/api/departments');
      const names = departmentNames(tree.items);
      deptCount.textContent = names.size === 0 ? '' : plural(names.size, 'department');
      treeBox.replaceChildren(tree.items.length === 0 ? h('p', { class: 'empty' }, t('directory.noDepartments')) : departmentTree(tree.items));
      const shown = await people.load(names);
      return JSON.stringify([tree.items, shown]);
    } catch (error) {
      if (error.status === 401) ctx.sessionEnded();
      else treeBox.replaceChildren(notice('error', t('directory.loadFailed', { reason: error.message })));
      return undefined;
    }
  }

  function settle() {
    let previous;
    let reads = 0;
    const stop = poll(async () => {
      const current = await load();
      reads += 1;
      const stable = current !== undefined && current === previous;
      previous = current;
      return !stable && reads < SETTLE_MAX_READS;
    }, SETTLE_POLL_MS);
    stops.add(stop);
  }

  async function startSync() {
    syncButton.disabled = true;
    setStatus(status, 'info', t('sync.starting'));
    try {
      const started = await store.post('/api/directory/sync', {});
      const stop = poll(async () => {
        const sync = await store.get(`/api/directory/sync/${encodeURIComponent(started.id)}`).catch((error) => ({ status: 'error', error }));
        if (sync.status === 'running') {
          setStatus(status, 'info', t('sync.running', { departments: plural(sync.departmentsSeen, 'department'), people: plural(sync.usersSeen, 'person') }));
          return true;
        }
        syncButton.disabled = false;
        if (sync.status === 'completed') {
          const seen = { departments: plural(sync.departmentsSeen, 'department'), people: plural(sync.usersSeen, 'person') };
          const done = sync.usersRemoved > 0 ? t('sync.doneRemoved', { ...seen, removed: plural(sync.usersRemoved, 'person') }) : t('sync.done', seen);
          setStatus(status, 'success', done);
          settle();
        } else if (sync.status === 'failed') {
          setStatus(status, 'error', t('sync.failed', { reason: sync.error ?? t('sync.noReason') }));
        } else {
          setStatus(status, 'error', ...failure(ctx, sync.error));
        }
        return false;
      }, SYNC_POLL_MS);
      stops.add(stop);
    } catch (error) {
      syncButton.disabled = false;
      if (error.status === 403) setStatus(status, 'error', t('sync.adminOnly'));
      else setStatus(status, 'error', ...failure(ctx, error));
    }
  }

  load();
  return () => stops.forEach((stop) => stop());
}
