// Who a notification goes to: departments (with their sub-departments) and/or people.
import { store } from './api.js';
import { departmentCheckboxes } from './department-tree.js';
import { debounce, h, notice, uid } from './dom.js';
import { plural } from './format.js';
import { listAnd, t } from './i18n.js';

const RESULTS = 8;

export function recipientsPicker(ctx, onChange) {
  const departments = new Map(); // deptId → name
  const people = new Map(); // userid → name
  const searchId = uid('recipient-search');
  const summaryId = uid('recipients-summary');
  const errorId = uid('recipients-error');
  const treeBox = h('div', { class: 'tree-box scroll' });
  const search = h('input', { type: 'search', id: searchId, class: 'input', autocomplete: 'off', placeholder: t('people.placeholder') });
  const results = h('ul', { class: 'results', 'aria-label': t('picker.matching') });
  const chips = h('ul', { class: 'chips', 'aria-label': t('picker.selectedPeople') });
  const summary = h('p', { id: summaryId, class: 'summary' });
  const error = h('p', { id: errorId, class: 'field-error' });

  const changed = () => {
    const parts = [];
    if (departments.size > 0) parts.push(plural(departments.size, 'department'));
    if (people.size > 0) parts.push(plural(people.size, 'person'));
    summary.textContent = parts.length > 0 ? t('picker.selected', { parts: listAnd(parts) }) : t('picker.none');
    chips.replaceChildren(
      ...[...people].map(([userid, name]) =>
        h(
          'li',
          { class: 'chip' },
          name,
          h(
            'button',
            { type: 'button', class: 'chip-remove', 'aria-label': t('picker.remove', { name }), on: { click: () => togglePerson(userid, name, false) } },
            '×',
          ),
        ),
      ),
    );
    chips.hidden = people.size === 0;
    if (!isEmpty()) setError(undefined);
    onChange();
  };

  function togglePerson(userid, name, on) {
    if (on) people.set(userid, name);
    else people.delete(userid);
    for (const box of results.querySelectorAll('input[type=checkbox]')) if (box.value === userid) box.checked = on;
    changed();
  }

  async function findPeople() {
    const params = new URLSearchParams({ limit: String(RESULTS) });
    if (search.value.trim()) params.set('q', search.value.trim());
    try {
      const page = await store.get(`/api/users?${params}`);
      results.replaceChildren(
        ...page.items.map((user) =>
          h(
            'li',
            {},
            h(
              'label',
              { class: 'check' },
              h('input', {
                type: 'checkbox',
                value: user.userid,
                checked: people.has(user.userid),
                on: { change: (event) => togglePerson(user.userid, user.name, event.target.checked) },
              }),
              h('span', {}, user.name, ' ', h('span', { class: 'muted' }, user.userid)),
            ),
          ),
        ),
      );
      if (page.items.length === 0) results.replaceChildren(h('li', { class: 'empty' }, t('picker.noOne')));
    } catch (failure) {
      if (failure.status === 401) ctx.sessionEnded();
      else results.replaceChildren(h('li', {}, notice('error', t('people.loadFailed', { reason: failure.message }))));
    }
  }

  async function load() {
    try {
      const tree = await store.get('/api/departments');
      treeBox.replaceChildren(
        tree.items.length > 0
          ? departmentCheckboxes(
              tree.items,
              (id) => departments.has(id),
              (node, on) => {
                if (on) departments.set(node.deptId, node.name);
                else departments.delete(node.deptId);
                changed();
              },
            )
          : h('p', { class: 'empty' }, t('picker.noDepartments')),
      );
    } catch (failure) {
      if (failure.status === 401) ctx.sessionEnded();
      else treeBox.replaceChildren(notice('error', t('picker.departmentsFailed', { reason: failure.message })));
    }
    await findPeople();
  }

  function isEmpty() {
    return departments.size === 0 && people.size === 0;
  }

  function setError(message) {
    error.textContent = message ?? '';
  }

  search.addEventListener('input', debounce(findPeople, 200));
  const element = h(
    'fieldset',
    { class: 'card recipients', 'aria-describedby': `${summaryId} ${errorId}` },
    h('legend', {}, t('picker.legend')),
    h(
      'div',
      { class: 'columns' },
      h('div', {}, h('h3', {}, t('directory.departments')), h('p', { class: 'hint' }, t('picker.departmentsHint')), treeBox),
      h('div', {}, h('h3', {}, t('directory.people')), h('div', { class: 'field' }, h('label', { for: searchId }, t('picker.find')), search), results, chips),
    ),
    summary,
    error,
  );
  changed();

  return {
    element,
    load,
    isEmpty,
    setError,
    /** The `recipients` of POST /v1/messages. */
    value: () => ({
      ...(departments.size > 0 ? { deptIds: [...departments.keys()] } : {}),
      ...(people.size > 0 ? { userIds: [...people.keys()] } : {}),
    }),
    focus: () => (treeBox.querySelector('input') ?? search).focus(),
  };
}
