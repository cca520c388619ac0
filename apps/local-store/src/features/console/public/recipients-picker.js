// Who a notification goes to: departments (with their sub-departments) and/or people.
import { store } from './api.js';
import { departmentCheckboxes } from './department-tree.js';
import { debounce, h, notice, uid } from './dom.js';
import { plural } from './format.js';

const RESULTS = 8;

export function recipientsPicker(ctx, onChange) {
  const departments = new Map(); // deptId → name
  const people = new Map(); // userid → name
  const searchId = uid('recipient-search');
  const summaryId = uid('recipients-summary');
  const errorId = uid('recipients-error');
  const treeBox = h('div', { class: 'tree-box scroll' });
  const search = h('input', { type: 'search', id: searchId, class: 'input', autocomplete: 'off', placeholder: 'Name or user ID' });
  const results = h('ul', { class: 'results', 'aria-label': 'Matching people' });
  const chips = h('ul', { class: 'chips', 'aria-label': 'Selected people' });
  const summary = h('p', { id: summaryId, class: 'summary' });
  const error = h('p', { id: errorId, class: 'field-error' });

  const changed = () => {
    const parts = [];
    if (departments.size > 0) parts.push(plural(departments.size, 'department'));
    if (people.size > 0) parts.push(plural(people.size, 'person', 'people'));
    summary.textContent = parts.length > 0 ? `Selected: ${parts.join(' and ')}.` : 'No recipients selected yet.';
    chips.replaceChildren(
      ...[...people].map(([userid, name]) =>
        h('li', { class: 'chip' }, name, h('button', { type: 'button', class: 'chip-remove', 'aria-label': `Remove ${name}`, on: { click: () => togglePerson(userid, name, false) } }, '×')),
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
              h('input', { type: 'checkbox', value: user.userid, checked: people.has(user.userid), on: { change: (event) => togglePerson(user.userid, user.name, event.target.checked) } }),
              h('span', {}, user.name, ' ', h('span', { class: 'muted' }, user.userid)),
            ),
          ),
        ),
      );
      if (page.items.length === 0) results.replaceChildren(h('li', { class: 'empty' }, 'No one found.'));
    } catch (failure) {
      if (failure.status === 401) ctx.sessionEnded();
      else results.replaceChildren(h('li', {}, notice('error', `People could not be loaded: ${failure.message}`)));
    }
  }

  async function load() {
    try {
      const tree = await store.get('/api/departments');
      treeBox.replaceChildren(
        tree.items.length > 0
          ? departmentCheckboxes(tree.items, (id) => departments.has(id), (node, on) => {
              if (on) departments.set(node.deptId, node.name);
              else departments.delete(node.deptId);
              changed();
            })
          : h('p', { class: 'empty' }, 'No departments yet: sync the directory first.'),
      );
    } catch (failure) {
      if (failure.status === 401) ctx.sessionEnded();
      else treeBox.replaceChildren(notice('error', `Departments could not be loaded: ${failure.message}`));
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
    h('legend', {}, 'Recipients'),
    h(
      'div',
      { class: 'columns' },
      h('div', {}, h('h3', {}, 'Departments'), h('p', { class: 'hint' }, 'Everyone in a department and its sub-departments.'), treeBox),
      h('div', {}, h('h3', {}, 'People'), h('div', { class: 'field' }, h('label', { for: searchId }, 'Find people'), search), results, chips),
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
