// Signing in and out. The local session is an httpOnly cookie the page never sees; the short-lived
// cloud token (for sending and syncing) lives in sessionStorage: it survives a reload of this tab,
// is never shared with other tabs and is never sent as a cookie.
import { store } from './api.js';

const TOKEN_KEY = 'dtg.cloudToken';
/** Treat the token as gone slightly early rather than have a send refused mid-way. */
const EXPIRY_MARGIN_MS = 30_000;

const LOGIN_ERRORS = {
  access_denied: 'You declined the sign-in on DingTalk, so you are not signed in.',
  not_in_org: 'Your DingTalk account is not a member of this organisation. Sign in with an account of the organisation.',
  invalid_code: 'DingTalk did not accept the sign-in (the code was invalid or expired). Please try again.',
  dingtalk_unavailable: 'DingTalk could not be reached to finish the sign-in. Please try again in a moment.',
  server_error: 'The gateway could not finish the sign-in. Please try again.',
};

export function loginErrorMessage(code) {
  return LOGIN_ERRORS[code] ?? `The sign-in failed (${code}). Please try again.`;
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

/** POST /api/session: redeemed only in the browser that started the sign-in; the cookie is set by the answer, the cloud token kept for this tab. */
export async function redeemTicket(ticket) {
  const session = await store.post('/api/session', { ticket });
  sessionStorage.setItem(TOKEN_KEY, JSON.stringify({ token: session.cloudToken, expiresAt: session.cloudTokenExpiresAt }));
  return session.user;
}

/** The cloud token while it is valid; undefined when there is none (another tab, or expired). */
export function cloudToken() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(TOKEN_KEY) ?? 'null');
    if (saved && Date.parse(saved.expiresAt) - EXPIRY_MARGIN_MS > Date.now()) return saved.token;
  } catch {
    // A value this page did not write: treat it as no token.
  }
  return undefined;
}

export function forgetCloudToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

export async function signOut() {
  forgetCloudToken();
  await store.post('/api/logout');
}
