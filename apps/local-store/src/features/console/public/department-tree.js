// The department tree (GET /api/departments gives roots with nested children) as lists.
import { h } from './dom.js';

/** deptId → name for every department in the tree. */
export function departmentNames(roots) {
  const names = new Map();
  const visit = (node) => {
    names.set(node.deptId, node.name);
    node.children.forEach(visit);
  };
  roots.forEach(visit);
  return names;
}

/** Read-only tree: branches are <details> (open), so they fold with the keyboard too. */
export function departmentTree(roots) {
  const item = (node) => {
    const label = [node.name, ' ', h('span', { class: 'muted' }, `#${node.deptId}`)];
    if (node.children.length === 0) return h('li', {}, h('span', { class: 'tree-leaf' }, label));
    return h('li', {}, h('details', { open: true }, h('summary', {}, label), h('ul', {}, node.children.map(item))));
  };
  return h('ul', { class: 'tree' }, roots.map(item));
}

/** Checkbox tree for picking departments; `isChecked`/`onToggle` keep the selection outside. */
export function departmentCheckboxes(roots, isChecked, onToggle) {
  const item = (node) =>
    h(
      'li',
      {},
      h(
        'label',
        { class: 'check' },
        h('input', {
          type: 'checkbox',
          value: String(node.deptId),
          checked: isChecked(node.deptId),
          on: { change: (event) => onToggle(node, event.target.checked) },
        }),
        h('span', {}, node.name),
      ),
      node.children.length > 0 ? h('ul', {}, node.children.map(item)) : undefined,
    );
  return h('ul', { class: 'tree checks' }, roots.map(item));
}
