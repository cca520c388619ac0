// Sign-in apps (org admins): the apps that sign people in through this store's OpenID Connect
// provider. Register one (name, redirect URIs, scopes, public or confidential, first-party): a
// confidential app's secret is shown here once (the store keeps only a hash); remove one: its
// sign-ins and tokens stop working at once.
import { store } from './api.js';
import { h, notice, setStatus, uid } from './dom.js';
import { formatDate } from './format.js';
import { t } from './i18n.js';
import { confirmedChange, dataTable, failure, formFailure, pageHead } from './ui.js';

/** What an app may ask for; each is described by appScope.<name> in the catalog. */
const SCOPES = ['openid', 'profile', 'email', 'phone', 'dingtalk', 'offline_access'];

export function renderApps(root, ctx) {
  const status = h('div', { role: 'status', class: 'status' });
  const registered = h('div', { 'aria-live': 'polite' });
  const rows = h('tbody');
  const table = dataTable(t('apps.caption'), ['col.name', 'apps.clientId', 'apps.redirectUris', 'col.scopes', 'apps.kind', 'col.issued', ''], rows);

  const nameId = uid('app-name');
  const urisId = uid('app-uris');
  const name = h('input', { id: nameId, class: 'input', name: 'name', required: true, maxlength: '100', autocomplete: 'off' });
  const uris = h('textarea', { id: urisId, class: 'input', name: 'redirectUris', rows: '3', required: true });
  const scopeBoxes = SCOPES.map((scope) => {
    const id = uid('app-scope');
    const input = h('input', {
      id,
      type: 'checkbox',
      value: scope,
      ...(scope === 'openid' || scope === 'profile' ? { checked: true } : {}),
      ...(scope === 'openid' ? { disabled: true } : {}),
    });
    return { scope, input, element: h('div', { class: 'check' }, input, h('label', { for: id }, h('code', {}, scope), ' ', t(`appScope.${scope}`))) };
  });
  const publicId = uid('app-public');
  const firstPartyId = uid('app-first-party');
  const isPublic = h('input', { id: publicId, type: 'checkbox' });
  const firstParty = h('input', { id: firstPartyId, type: 'checkbox' });
  const formError = h('div');
  const form = h(
    'form',
    { class: 'card', novalidate: true, on: { submit: (event) => register(event) } },
    h('h2', {}, t('apps.registerHeading')),
    h('div', { class: 'field' }, h('label', { for: nameId }, t('apps.name')), name),
    h('div', { class: 'field' }, h('label', { for: urisId }, t('apps.redirectUrisHelp')), uris),
    h(
      'fieldset',
      {},
      h('legend', {}, t('col.scopes')),
      scopeBoxes.map((box) => box.element),
    ),
    h('div', { class: 'check' }, isPublic, h('label', { for: publicId }, t('apps.public'))),
    h('div', { class: 'check' }, firstParty, h('label', { for: firstPartyId }, t('apps.firstParty'))),
    formError,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button primary' }, t('apps.register'))),
  );

  async function load() {
    try {
      const { items } = await store.get('/api/oidc/clients');
      rows.replaceChildren(
        ...items.map((app) =>
          h(
            'tr',
            {},
            h('td', {}, app.name),
            h('td', {}, h('code', {}, app.clientId)),
            h('td', {}, app.redirectUris.join(' ')),
            h('td', {}, app.scopes.join(', ')),
            h(
              'td',
              {},
              [app.public ? t('apps.kindPublic') : t('apps.kindConfidential'), app.firstParty ? t('apps.kindFirstParty') : ''].filter(Boolean).join(', '),
            ),
            h('td', {}, formatDate(app.createdAt)),
            h('td', {}, h('button', { type: 'button', class: 'button quiet', on: { click: () => remove(app) } }, t('apps.remove', { name: app.name }))),
          ),
        ),
      );
      table.hidden = items.length === 0;
    } catch (error) {
      if (error.status === 403) root.replaceChildren(pageHead(t('title.apps')), notice('error', t('apps.adminOnly')));
      else setStatus(status, 'error', ...failure(ctx, error));
    }
  }

  async function register(event) {
    event.preventDefault();
    const body = {
      name: name.value.trim(),
      redirectUris: uris.value.split(/\s+/).filter(Boolean),
      scopes: scopeBoxes.filter((box) => box.input.checked).map((box) => box.scope),
      public: isPublic.checked,
      firstParty: firstParty.checked,
    };
    try {
      const created = await store.post('/api/oidc/clients', body);
      formError.replaceChildren();
      form.reset();
      const lines = [
        h('p', {}, t('apps.registered', { name: created.client.name })),
        h('p', {}, t('apps.clientId'), ' ', h('code', {}, created.client.clientId)),
      ];
      if (created.clientSecret)
        lines.push(h('p', {}, t('apps.secretOnce')), h('p', {}, h('code', { class: 'secret', 'aria-label': t('apps.newSecret') }, created.clientSecret)));
      registered.replaceChildren(h('div', { class: 'notice success', role: 'alert' }, ...lines));
      await load();
    } catch (error) {
      formError.replaceChildren(formFailure(error, 'apps.notRegistered'));
    }
  }

  const remove = (app) =>
    confirmedChange(ctx, status, {
      question: t('apps.confirmRemove', { name: app.name }),
      act: () => store.del(`/api/oidc/clients/${encodeURIComponent(app.clientId)}`),
      done: t('apps.removed', { name: app.name }),
      reload: load,
    });

  root.append(
    pageHead(t('title.apps'), t('apps.lede')),
    status,
    registered,
    form,
    h('section', { class: 'card flush' }, h('div', { class: 'table-wrap' }, table)),
  );
  load();
}
