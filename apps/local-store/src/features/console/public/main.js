// The console's entry: reads the config, finishes a sign-in (`?ticket=`) or shows why it failed
// (`?error=`), then runs the signed-in views under hash routes (#/directory, #/compose,
// #/messages, #/messages/<id>, #/tokens, #/apps) — the store serves one page at `/`.
import { store } from './api.js';
import { renderCompose } from './compose-view.js';
import { setMessageLimits } from './compose-model.js';
import { renderDirectory } from './directory-view.js';
import { h, notice } from './dom.js';
import { locale, setTimeZone, switchLocale, t, tParts } from './i18n.js';
import { renderMessage } from './message-view.js';
import { renderMessages } from './messages-view.js';
import { loginErrorMessage, loginHref, redeemTicket, signOut, takeReturnParams } from './session.js';
import { renderTokens } from './tokens-view.js';
import { renderApps } from './apps-view.js';

const ROUTES = {
  directory: { title: 'title.directory', render: renderDirectory },
  compose: { title: 'title.compose', render: renderCompose },
  messages: { title: 'title.messages', render: renderMessages },
  message: { title: 'title.message', nav: 'messages', render: renderMessage },
  tokens: { title: 'title.tokens', render: renderTokens },
  apps: { title: 'title.apps', render: renderApps },
};
const DEFAULT_ROUTE = '#/directory';

const main = document.getElementById('main');
let config;
let stopView = () => {};
let signedIn = false;

function parseRoute(hash) {
  const [, name, id] = /^#\/([a-z]+)(?:\/(.+))?$/.exec(hash) ?? [];
  if (name === 'messages' && id) return { route: ROUTES.message, param: decodeURIComponent(id) };
  return ROUTES[name] && !id ? { route: ROUTES[name] } : undefined;
}

function show(...content) {
  stopView();
  stopView = () => {};
  main.replaceChildren(...content);
}

function renderSignIn(message) {
  signedIn = false;
  document.getElementById('nav').hidden = true;
  document.getElementById('account').hidden = true;
  document.title = t('app.docTitle', { view: t('signin.docTitle') });
  show(
    h(
      'section',
      { class: 'card signin', 'aria-labelledby': 'signin-heading' },
      h('h1', { id: 'signin-heading', tabindex: '-1' }, t('signin.heading')),
      h('p', {}, t('signin.intro')),
      message ? notice(message.kind, message.text) : undefined,
      h('a', { class: 'button primary large', href: loginHref(config) }, t('signin.button')),
      h('p', { class: 'hint' }, tParts('signin.hint', { tenant: h('code', {}, config.tenantId), cloud: h('code', {}, config.cloudUrl) })),
    ),
  );
}

/** What every view gets: config, user, navigation. */
function viewContext(user) {
  return {
    config,
    user,
    navigate: (hash) => {
      location.hash = hash;
    },
    sessionEnded: () => renderSignIn({ kind: 'warning', text: t('session.ended') }),
  };
}

function route(ctx, focus) {
  if (!signedIn) return;
  const parsed = parseRoute(location.hash);
  if (!parsed) {
    history.replaceState(history.state, '', DEFAULT_ROUTE);
    return route(ctx, focus);
  }
  const { route: view, param } = parsed;
  const active = view.nav ?? Object.keys(ROUTES).find((name) => ROUTES[name] === view);
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.route === active) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = t('app.docTitle', { view: t(view.title) });
  show();
  stopView = view.render(main, ctx, param) ?? (() => {});
  if (focus) main.querySelector('h1')?.focus();
}

function renderSignedIn(user) {
  signedIn = true;
  document.getElementById('account-name').textContent = user.name;
  document.getElementById('account-initial').textContent = (user.name.trim()[0] ?? '?').toUpperCase();
  document.getElementById('nav').hidden = false;
  // Only org admins issue tokens; the store refuses everyone else anyway.
  document.getElementById('nav-tokens').hidden = user.admin !== true;
  document.getElementById('nav-apps').hidden = user.admin !== true;
  document.getElementById('account').hidden = false;
  route(viewContext(user), false);
}

/** Why a returned ticket did not sign this browser in. */
function ticketFailure(failure) {
  if (failure.status === 401) return t('signin.expired');
  // The sign-in was started in another browser (someone else's link): the store refuses it.
  if (failure.status === 403) return t('signin.otherBrowser');
  return t('signin.failed', { reason: failure.message });
}

async function currentUser() {
  try {
    return (await store.get('/api/me')).user;
  } catch (error) {
    if (error.status === 401) return undefined;
    throw error;
  }
}

async function start() {
  config = await store.get('/api/config');
  setTimeZone(config.timeZone);
  setMessageLimits(config.messageLimits);
  const { ticket, error } = takeReturnParams();
  let message = error ? { kind: 'error', text: loginErrorMessage(error) } : undefined;
  let user;
  if (ticket) {
    try {
      user = await redeemTicket(ticket);
    } catch (failure) {
      message = { kind: 'error', text: ticketFailure(failure) };
    }
  }
  user ??= await currentUser();
  // Opened inside the DingTalk client: sign in without a click (免登) on the store's in-app page.
  if (!user && !ticket && !error && /\bDingTalk\b/i.test(navigator.userAgent)) {
    location.replace('/in-app');
    return;
  }
  let ctx;
  if (user) {
    ctx = viewContext(user);
    renderSignedIn(user);
  } else renderSignIn(message);

  window.addEventListener('hashchange', () => {
    if (ctx) route(ctx, true);
  });
  document.getElementById('sign-out').addEventListener('click', async () => {
    try {
      await signOut();
      renderSignIn({ kind: 'success', text: t('signout.done') });
      history.replaceState(history.state, '', '/');
    } catch (failure) {
      main.prepend(notice('error', t('signout.failed', { reason: failure.message })));
    }
  });
  document.getElementById('language').addEventListener('click', () => switchLocale(locale === 'zh-CN' ? 'en' : 'zh-CN'));
  document.getElementById('skip-link').addEventListener('click', (event) => {
    // The hash is the router's: move focus without touching it.
    event.preventDefault();
    main.focus();
  });
}

start().catch((error) => {
  main.replaceChildren(notice('error', t('start.failed', { reason: error.message })));
});
