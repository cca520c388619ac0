// The operator console: sign in (an operator account; never the ADMIN_TOKEN), then a hash router
// over the views. Everything goes through /admin with the session cookie.
import { api, setCsrfToken } from './api.js';
import { h, notice, show } from './dom.js';
import { form } from './forms.js';
import { switchLocale, t } from './i18n.js';
import { auditView } from './audit-view.js';
import { operationsView } from './operations-view.js';
import { tenantView } from './tenant-view.js';
import { tenantsView } from './tenants-view.js';

const VIEWS = { tenants: tenantsView, tenant: tenantView, operations: operationsView, audit: auditView };
let session;
let leave = () => {};

function signInView() {
  document.getElementById('nav').hidden = true;
  document.getElementById('account').hidden = true;
  show(
    h(
      'section',
      { class: 'card narrow' },
      h('h1', {}, t('signIn.title')),
      h('p', {}, t('signIn.intro')),
      form({
        fields: [
          { name: 'username', label: t('signIn.username') },
          { name: 'password', label: t('signIn.password'), type: 'password' },
          { name: 'totp', label: t('signIn.totp'), hint: t('signIn.totpHint') },
        ],
        submitLabel: t('signIn.submit'),
        submit: (values) => api.post('/admin/session', { ...values, totp: values.totp || undefined }),
        done: (result) => {
          signedIn(result);
          return notice('success', t('signIn.done'));
        },
      }),
    ),
  );
}

function signedIn(found) {
  session = found;
  setCsrfToken(found.csrfToken);
  document.getElementById('nav').hidden = false;
  document.getElementById('account').hidden = false;
  document.getElementById('account-name').textContent = found.username;
  document.getElementById('account-role').textContent = t(`role.${found.role}`);
  if (!location.hash) location.hash = '#/tenants';
  else route();
}

async function route() {
  if (!session) return;
  leave();
  leave = () => {};
  const [name = 'tenants', ...args] = location.hash.replace(/^#\//, '').split('/').map(decodeURIComponent);
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.route === name || (name === 'tenant' && link.dataset.route === 'tenants')) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const view = VIEWS[name] ?? tenantsView;
  try {
    leave = (await view({ args, canChange: session.role === 'admin' })) ?? (() => {});
  } catch (error) {
    if (error.status === 401) {
      session = undefined;
      return signInView();
    }
    show(notice('error', error.message));
  }
}

async function start() {
  document.getElementById('language').addEventListener('click', switchLocale);
  document.getElementById('sign-out').addEventListener('click', async () => {
    await api.del('/admin/session').catch(() => {});
    session = undefined;
    signInView();
  });
  window.addEventListener('hashchange', () => void route());
  try {
    signedIn(await api.get('/admin/session'));
  } catch (error) {
    if (error.status === 401) signInView();
    else show(notice('error', error.message));
  }
}

void start();
