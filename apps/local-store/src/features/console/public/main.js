// The console's entry: reads the config, finishes a sign-in (`?ticket=`) or shows why it failed
// (`?error=`), then runs the signed-in views under hash routes (#/directory, #/compose,
// #/messages, #/messages/<id>, #/tokens) — the store serves one page at `/`.
import { store } from './api.js';
import { renderCompose } from './compose-view.js';
import { renderDirectory } from './directory-view.js';
import { h, notice } from './dom.js';
import { renderMessage } from './message-view.js';
import { renderMessages } from './messages-view.js';
import { loginErrorMessage, loginHref, redeemTicket, signOut, takeReturnParams } from './session.js';
import { renderTokens } from './tokens-view.js';

const ROUTES = {
  directory: { title: 'Directory', render: renderDirectory },
  compose: { title: 'Send a notification', render: renderCompose },
  messages: { title: 'Messages', render: renderMessages },
  message: { title: 'Notification', nav: 'messages', render: renderMessage },
  tokens: { title: 'Service tokens', render: renderTokens },
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
  document.title = 'Sign in — DingTalk gateway console';
  show(
    h(
      'section',
      { class: 'card signin', 'aria-labelledby': 'signin-heading' },
      h('h1', { id: 'signin-heading', tabindex: '-1' }, 'Sign in'),
      h('p', {}, 'Sign in with your DingTalk account to browse the directory, send work notifications and follow their receipts.'),
      message ? notice(message.kind, message.text) : undefined,
      h('a', { class: 'button primary large', href: loginHref(config) }, 'Sign in with DingTalk'),
      h('p', { class: 'hint' }, 'Tenant ', h('code', {}, config.tenantId), ' · cloud gateway ', h('code', {}, config.cloudUrl)),
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
    sessionEnded: () => renderSignIn({ kind: 'warning', text: 'Your session has ended. Please sign in again.' }),
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
  document.title = `${view.title} — DingTalk gateway console`;
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
  document.getElementById('account').hidden = false;
  route(viewContext(user), false);
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
  const { ticket, error } = takeReturnParams();
  let message = error ? { kind: 'error', text: loginErrorMessage(error) } : undefined;
  let user;
  if (ticket) {
    try {
      user = await redeemTicket(ticket);
    } catch (failure) {
      // 403: the sign-in was started in another browser (someone else's link); the store says so.
      message = { kind: 'error', text: failure.status === 401 ? 'That sign-in has expired or was already used. Please sign in again.' : failure.message };
    }
  }
  user ??= await currentUser();
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
      renderSignIn({ kind: 'success', text: 'You are signed out.' });
      history.replaceState(history.state, '', '/');
    } catch (failure) {
      main.prepend(notice('error', `Signing out failed: ${failure.message}`));
    }
  });
  document.getElementById('skip-link').addEventListener('click', (event) => {
    // The hash is the router's: move focus without touching it.
    event.preventDefault();
    main.focus();
  });
}

start().catch((error) => {
  main.replaceChildren(notice('error', `The console could not start: ${error.message}`));
});
