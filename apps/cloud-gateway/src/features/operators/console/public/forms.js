// Forms of the console. Each field has its error slot next to it: a refused request (400
// problem+json) names its fields as `body.<name>…`, and each message lands beside its input; the
// API validated it with the same zod schema scripts meet, and changed nothing.
import { ApiError } from './api.js';
import { h, notice } from './dom.js';
import { t } from './i18n.js';

let next = 0;

/**
 * fields: [{ name, label, type?, value?, options?, rows?, hint? }]; submit(values) → Promise.
 * Answers the form element; `done(result)` renders what a success shows under the form.
 */
export function form({ fields, submitLabel, submit, done, danger = false }) {
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const errors = new Map();
  const inputs = new Map();
  const rows = fields.map((field) => {
    const id = `f-${++next}`;
    const error = h('p', { class: 'field-error', id: `${id}-error` });
    errors.set(field.name, error);
    let input;
    if (field.type === 'textarea') input = h('textarea', { id, name: field.name, rows: field.rows ?? 3, 'aria-describedby': `${id}-error` }, field.value ?? '');
    else if (field.type === 'checkboxes') {
      input = h(
        'fieldset',
        { id, class: 'checkboxes', 'aria-describedby': `${id}-error` },
        h('legend', {}, field.label),
        field.options.map((option) =>
          h('label', {}, h('input', { type: 'checkbox', name: field.name, value: option, checked: field.value?.includes(option) }), ` ${option}`),
        ),
      );
    } else input = h('input', { id, name: field.name, type: field.type ?? 'text', value: field.value ?? '', 'aria-describedby': `${id}-error` });
    inputs.set(field.name, { field, input });
    return h(
      'div',
      { class: 'field' },
      field.type === 'checkboxes' ? null : h('label', { for: id }, field.label),
      input,
      field.hint ? h('p', { class: 'hint' }, field.hint) : null,
      error,
    );
  });
  const button = h('button', { type: 'submit', class: danger ? 'danger' : 'primary' }, submitLabel);
  const element = h('form', { class: 'form', novalidate: true }, rows, h('div', { class: 'actions' }, button), status);
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const error of errors.values()) error.textContent = '';
    for (const { input } of inputs.values()) input.removeAttribute('aria-invalid');
    status.replaceChildren();
    const values = {};
    for (const [name, { field, input }] of inputs) values[name] = read(field, input);
    button.disabled = true;
    try {
      const result = await submit(values);
      status.replaceChildren(done ? done(result) : notice('success', t('form.saved')));
    } catch (error) {
      const unplaced = [];
      if (error instanceof ApiError) {
        for (const fieldError of error.fieldErrors) {
          const name = String(fieldError.path)
            .replace(/^body\./, '')
            .split('.')[0];
          const slot = errors.get(name);
          if (slot) {
            slot.textContent = fieldError.message;
            inputs.get(name)?.input.setAttribute('aria-invalid', 'true');
          } else unplaced.push(`${fieldError.path}: ${fieldError.message}`);
        }
      }
      status.replaceChildren(
        notice(
          'error',
          error.message,
          unplaced.length > 0
            ? h(
                'ul',
                {},
                unplaced.map((m) => h('li', {}, m)),
              )
            : null,
        ),
      );
    } finally {
      button.disabled = false;
    }
  });
  return element;
}

function read(field, input) {
  if (field.type === 'checkboxes') return [...input.querySelectorAll('input:checked')].map((box) => box.value);
  if (field.type === 'textarea')
    return input.value
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
  if (field.type === 'number') return input.value === '' ? undefined : Number(input.value);
  return input.value;
}

/** A button that runs `action` and shows its outcome beside it. */
export function actionButton(label, action, { danger = false, done } = {}) {
  const status = h('span', { class: 'inline-status', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: danger ? 'danger' : 'secondary' }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.replaceChildren();
    try {
      const result = await action();
      status.replaceChildren(done ? done(result) : t('form.done'));
    } catch (error) {
      status.replaceChildren(h('span', { class: 'error-text', role: 'alert' }, error.message));
    } finally {
      button.disabled = false;
    }
  });
  return h('span', { class: 'action' }, button, status);
}
