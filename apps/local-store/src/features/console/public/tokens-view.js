// Service tokens (org admins): the tokens the organisation's own services call this store with.
// Issue one (name, scopes, optional expiry): its secret is shown here once and never again (the
// store keeps only a hash); revoke one: it stops working at once.
import { store } from './api.js';
import { h, notice, setStatus, uid } from './dom.js';
import { formatDate } from './format.js';
import { failure, pageHead } from './ui.js';

const SCOPES = [
  ['directory:read', 'Read the directory (users, departments)'],
  ['messages:send', 'Send work notifications'],
  ['messages:read', 'Read messages and receipts'],
  ['subscriptions:manage', 'Manage change subscriptions (webhooks)'],
];

function stateOf(token) {
  if (token.revokedAt) return 'Revoked';
  if (token.expiresAt && Date.parse(token.expiresAt) <= Date.now()) return 'Expired';
  return token.expiresAt ? `Until ${formatDate(token.expiresAt)}` : 'Active';
}

export function renderTokens(root, ctx) {
  const status = h('div', { role: 'status', class: 'status' });
  const issued = h('div', { 'aria-live': 'polite' });
  const rows = h('tbody');
  const table = h(
    'table',
    { class: 'table' },
    h('caption', { class: 'visually-hidden' }, 'Service tokens, oldest first'),
    h('thead', {}, h('tr', {}, ['Name', 'Starts with', 'Scopes', 'Issued', 'Last used', 'State', ''].map((title) => h('th', { scope: 'col' }, title)))),
    rows,
  );

  const nameId = uid('token-name');
  const expiryId = uid('token-expiry');
  const name = h('input', { id: nameId, class: 'input', name: 'name', required: true, maxlength: '100', autocomplete: 'off' });
  const expiry = h('input', { id: expiryId, class: 'input', name: 'expires', type: 'date' });
  const scopeBoxes = SCOPES.map(([scope, label]) => {
    const id = uid('scope');
    return { scope, element: h('div', { class: 'check' }, h('input', { id, type: 'checkbox', value: scope }), h('label', { for: id }, h('code', {}, scope), ' ', label)) };
  });
  const formError = h('div');
  const form = h(
    'form',
    { class: 'card', novalidate: true, on: { submit: (event) => issue(event) } },
    h('h2', {}, 'Issue a token'),
    h('div', { class: 'field' }, h('label', { for: nameId }, 'What it is for'), name),
    h('fieldset', {}, h('legend', {}, 'Scopes'), scopeBoxes.map((box) => box.element)),
    h('div', { class: 'field' }, h('label', { for: expiryId }, 'Expires on ', h('span', { class: 'muted' }, '(optional)')), expiry),
    formError,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button primary' }, 'Issue token')),
  );

  async function load() {
    try {
      const { items } = await store.get('/api/tokens');
      rows.replaceChildren(
        ...items.map((token) =>
          h(
            'tr',
            {},
            h('td', {}, token.name),
            h('td', {}, h('code', {}, `${token.prefix}…`)),
            h('td', {}, token.scopes.join(', ')),
            h('td', {}, formatDate(token.createdAt)),
            h('td', {}, token.lastUsedAt ? formatDate(token.lastUsedAt) : 'Never'),
            h('td', {}, stateOf(token)),
            h('td', {}, token.revokedAt ? '' : h('button', { type: 'button', class: 'button quiet', on: { click: () => revoke(token) } }, `Revoke ${token.name}`)),
          ),
        ),
      );
      table.hidden = items.length === 0;
    } catch (error) {
      if (error.status === 403) root.replaceChildren(pageHead('Service tokens'), notice('error', 'Only an organisation admin can manage service tokens.'));
      else setStatus(status, 'error', ...failure(ctx, error));
    }
  }

  async function issue(event) {
    event.preventDefault();
    const scopes = scopeBoxes.filter((box) => box.element.querySelector('input').checked).map((box) => box.scope);
    const body = { name: name.value.trim(), scopes };
    // The end of the chosen day, in the admin's own time zone.
    if (expiry.value) body.expiresAt = new Date(`${expiry.value}T23:59:59`).toISOString();
    try {
      const created = await store.post('/api/tokens', body);
      formError.replaceChildren();
      form.reset();
      issued.replaceChildren(
        h(
          'div',
          { class: 'notice success', role: 'alert' },
          h('p', {}, `Token “${created.token.name}” issued. Copy it now: it is not shown again.`),
          h('p', {}, h('code', { class: 'secret', 'aria-label': 'The new token' }, created.secret)),
        ),
      );
      await load();
    } catch (error) {
      const fields = error.fieldErrors.map((field) => `${field.path.replace(/^body\./, '')}: ${field.message}`);
      formError.replaceChildren(notice('error', error.status === 400 ? `The token was not issued. ${fields.join('; ')}` : error.message));
    }
  }

  async function revoke(token) {
    if (!confirm(`Revoke “${token.name}”? Services using it are refused at once.`)) return;
    try {
      await store.del(`/api/tokens/${encodeURIComponent(token.id)}`);
      setStatus(status, 'success', `“${token.name}” is revoked.`);
      await load();
    } catch (error) {
      setStatus(status, 'error', ...failure(ctx, error));
    }
  }

  root.append(
    pageHead('Service tokens', 'Credentials for your own services to call this store (Authorization: Bearer …). Each is limited to the scopes you choose.'),
    status,
    issued,
    form,
    h('section', { class: 'card flush' }, h('div', { class: 'table-wrap' }, table)),
  );
  load();
}
