// DOM building: every node is made with the DOM API and strings only ever become text, never markup
// (the page's CSP backs this up with Trusted Types).

/** h('button', { class: 'x', on: { click } }, 'Text') → a new element. */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'on') for (const [type, listener] of Object.entries(value)) element.addEventListener(type, listener);
    else if (key === 'value' || key === 'checked') element[key] = value;
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export const notice = (kind, ...content) => h('div', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...content);

/** Replaces the main area's content. */
export function show(...nodes) {
  const main = document.getElementById('main');
  main.replaceChildren(...nodes.flat());
}

/** A table: columns [{ label, cell(row) }]. */
export function table(columns, rows, rowProps = () => ({})) {
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((c) => h('th', { scope: 'col' }, c.label)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((row) =>
        h(
          'tr',
          rowProps(row),
          columns.map((c) => h('td', {}, c.cell(row))),
        ),
      ),
    ),
  );
}
