// Signing in and out. The local session is an httpOnly cookie the page never sees; the page keeps
// no credential of its own (sending and syncing go through the store).
import { store } from './api.js';
import { has, t } from './i18n.js';

/** The cloud's `?error=` codes (access_denied, not_in_org, invalid_code, …) → what to tell the person. */
export function loginErrorMessage(code) {
  return /^[a-z_]+$/.test(code) && has(`login.${code}`) ? t(`login.${code}`) : t('login.other', { code });
}

/**
 * Where "Sign in with DingTalk" goes: this store's /auth/login, which binds the sign-in to this
 * browser and sends it on to the cloud; the cloud sends it back to `/?ticket=…`.
 */
export function loginHref(config) {
  return config.loginUrl;
}

/**
 * Reads `ticket`/`error` from the URL the cloud sent us back to and removes them at once, so a
 * reload or a bookmark never replays a one-time ticket.
 */
export function takeReturnParams() {
  const url = new URL(location.href);
  const ticket = url.searchParams.get('ticket') ?? undefined;
  const error = url.searchParams.get('error') ?? undefined;
  if (ticket !== undefined || error !== undefined) {
    url.searchParams.delete('ticket');
    url.searchParams.delete('error');
    history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
  }
  return { ticket, error };
}

/** POST /api/session: redeemed only in the browser that started the sign-in; the cookie is set by the answer. */
export async function redeemTicket(ticket) {
  const session = await store.post('/api/session', { ticket });
  return session.user;
}

export async function signOut() {
  await store.post('/api/logout');
}
