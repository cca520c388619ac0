// Service tokens (org admins): the tokens the organisation's own services call this store with.
// Issue one (name, scopes, optional expiry): its secret is shown here once and never again (the
// store keeps only a hash); revoke one: it stops working at once.
import { store } from './api.js';
import { h, notice, setStatus, uid } from './dom.js';
import { formatDate, formatRelative } from './format.js';
import { t, timeZone } from './i18n.js';
import { confirmedChange, dataTable, failure, formFailure, pageHead } from './ui.js';
import { endOfDayIn } from './zoned-time.js';

/** The scopes a token can have; each is described by scope.<name> in the catalog. */
const SCOPES = ['directory:read', 'messages:send', 'messages:read', 'subscriptions:manage'];

function stateOf(token) {
  if (token.revokedAt) return t('tokens.revoked');
  if (token.expiresAt && Date.parse(token.expiresAt) <= Date.now()) return t('tokens.expired');
  return token.expiresAt ? t('tokens.until', { date: formatDate(token.expiresAt) }) : t('tokens.active');
}

/** "2 minutes ago", with the exact time on hover and for assistive technology. */
const when = (iso) => h('time', { datetime: iso, title: formatDate(iso) }, formatRelative(iso));

export function renderTokens(root, ctx) {
  const status = h('div', { role: 'status', class: 'status' });
  const issued = h('div', { 'aria-live': 'polite' });
  const rows = h('tbody');
  const table = dataTable(t('tokens.caption'), ['col.name', 'col.prefix', 'col.scopes', 'col.issued', 'col.lastUsed', 'col.state', ''], rows);

  const nameId = uid('token-name');
  const expiryId = uid('token-expiry');
  const name = h('input', { id: nameId, class: 'input', name: 'name', required: true, maxlength: '100', autocomplete: 'off' });
  const expiry = h('input', { id: expiryId, class: 'input', name: 'expires', type: 'date' });
  const scopeBoxes = SCOPES.map((scope) => {
    const id = uid('scope');
    return {
      scope,
      element: h(
        'div',
        { class: 'check' },
        h('input', { id, type: 'checkbox', value: scope }),
        h('label', { for: id }, h('code', {}, scope), ' ', t(`scope.${scope}`)),
      ),
    };
  });
  const formError = h('div');
  const form = h(
    'form',
    { class: 'card', novalidate: true, on: { submit: (event) => issue(event) } },
    h('h2', {}, t('tokens.issueHeading')),
    h('div', { class: 'field' }, h('label', { for: nameId }, t('tokens.purpose')), name),
    h(
      'fieldset',
      {},
      h('legend', {}, t('tokens.scopes')),
      scopeBoxes.map((box) => box.element),
    ),
    h('div', { class: 'field' }, h('label', { for: expiryId }, t('tokens.expires'), ' ', h('span', { class: 'muted' }, t('common.optional'))), expiry),
    formError,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button primary' }, t('tokens.issue'))),
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
            h('td', {}, token.lastUsedAt ? when(token.lastUsedAt) : t('tokens.never')),
            h('td', {}, stateOf(token)),
            h(
              'td',
              {},
              token.revokedAt
                ? ''
                : h('button', { type: 'button', class: 'button quiet', on: { click: () => revoke(token) } }, t('tokens.revoke', { name: token.name })),
            ),
          ),
        ),
      );
      table.hidden = items.length === 0;
    } catch (error) {
      if (error.status === 403) root.replaceChildren(pageHead(t('title.tokens')), notice('error', t('tokens.adminOnly')));
      else setStatus(status, 'error', ...failure(ctx, error));
    }
  }

  async function issue(event) {
    event.preventDefault();
    const scopes = scopeBoxes.filter((box) => box.element.querySelector('input').checked).map((box) => box.scope);
    const body = { name: name.value.trim(), scopes };
    // The end of the chosen day where the organisation is (ORG_TIME_ZONE), as every date here reads.
    if (expiry.value) body.expiresAt = endOfDayIn(expiry.value, timeZone());
    try {
      const created = await store.post('/api/tokens', body);
      formError.replaceChildren();
      form.reset();
      issued.replaceChildren(
        h(
          'div',
          { class: 'notice success', role: 'alert' },
          h('p', {}, t('tokens.issued', { name: created.token.name })),
          h('p', {}, h('code', { class: 'secret', 'aria-label': t('tokens.newToken') }, created.secret)),
        ),
      );
      await load();
    } catch (error) {
      formError.replaceChildren(formFailure(error, 'tokens.notIssued'));
    }
  }

  const revoke = (token) =>
    confirmedChange(ctx, status, {
      question: t('tokens.confirmRevoke', { name: token.name }),
      act: () => store.del(`/api/tokens/${encodeURIComponent(token.id)}`),
      done: t('tokens.revokedDone', { name: token.name }),
      reload: load,
    });

  root.append(
    pageHead(t('title.tokens'), t('tokens.lede')),
    status,
    issued,
    form,
    h('section', { class: 'card flush' }, h('div', { class: 'table-wrap' }, table)),
  );
  load();
}
