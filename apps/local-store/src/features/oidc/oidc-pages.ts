// The provider's own pages: the consent screen (apps that are not first-party) and refusals a
// browser cannot be sent back to an app with. Plain server-rendered HTML, no script; every string
// is in TEXT so the console's translations can cover them.
import { inlineSource, pageSecurity } from '@dtg/service-kit';
import type { RequestHandler } from 'express';

export const TEXT = {
  consentTitle: 'Allow access?',
  consentLead: (app: string) => `${app} wants to sign you in with your DingTalk account.`,
  consentAsks: 'It will be able to see:',
  allow: 'Allow',
  deny: 'Deny',
  scopes: {
    openid: 'Who you are (an id unique to you in this organisation)',
    profile: 'Your name and photo',
    email: 'Your email address',
    phone: 'Your phone number',
    dingtalk: 'Your DingTalk user id, departments and whether you are an organisation admin',
    offline_access: 'Keep you signed in while you are away',
  } as Record<string, string>,
  refusedTitle: 'Sign-in refused',
  refusedLead: 'The app that sent you here made a request this store does not accept.',
  signOutTitle: 'Sign out?',
  signOutLead: 'You will be signed out of this store and of the app that sent you here.',
  signOut: 'Yes, sign me out',
  stay: 'No, stay signed in',
  signedOutTitle: 'You are signed out',
  expiredTitle: 'This sign-in has expired',
  expiredLead: 'Go back to the app and sign in again.',
};

const STYLE = 'body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1f2329}main{max-width:28rem;margin:10vh auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 3px #0002}button{font:inherit;padding:.5rem 1.25rem;border-radius:6px;border:1px solid #c9cdd4;background:#fff;margin-right:.5rem;cursor:pointer}button[value=allow]{background:#1677ff;border-color:#1677ff;color:#fff}code{background:#f2f3f5;padding:0 .25rem}';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

/** Headers for these pages: the form posts here, and its answer redirects to the app (`formTargets`: the app's origins). */
export function oidcPageSecurity(formTargets: readonly string[] = []): RequestHandler {
  return pageSecurity({ 'style-src': [inlineSource(STYLE)], 'form-action': ["'self'", ...formTargets] });
}

export function consentPage(action: string, appName: string, scopes: readonly string[]): string {
  const items = scopes.map((scope) => `<li>${escapeHtml(TEXT.scopes[scope] ?? scope)}</li>`).join('');
  return page(
    TEXT.consentTitle,
    `<h1>${escapeHtml(TEXT.consentTitle)}</h1><p>${escapeHtml(TEXT.consentLead(appName))}</p><p>${escapeHtml(TEXT.consentAsks)}</p><ul>${items}</ul>` +
      `<form method="post" action="${escapeHtml(action)}"><button type="submit" name="decision" value="allow">${escapeHtml(TEXT.allow)}</button>` +
      `<button type="submit" name="decision" value="deny">${escapeHtml(TEXT.deny)}</button></form>`,
  );
}

export function refusedPage(error: string, description: string): string {
  return page(TEXT.refusedTitle, `<h1>${escapeHtml(TEXT.refusedTitle)}</h1><p>${escapeHtml(TEXT.refusedLead)}</p><p><code>${escapeHtml(error)}</code> ${escapeHtml(description)}</p>`);
}

export function expiredPage(): string {
  return page(TEXT.expiredTitle, `<h1>${escapeHtml(TEXT.expiredTitle)}</h1><p>${escapeHtml(TEXT.expiredLead)}</p>`);
}

/** RP-initiated logout's confirmation; `form` is the provider's hidden form (id op.logoutForm, with its xsrf token). */
export function signOutPage(form: string): string {
  return page(
    TEXT.signOutTitle,
    `<h1>${escapeHtml(TEXT.signOutTitle)}</h1><p>${escapeHtml(TEXT.signOutLead)}</p>${form}` +
      `<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">${escapeHtml(TEXT.signOut)}</button>` +
      `<button type="submit" form="op.logoutForm">${escapeHtml(TEXT.stay)}</button>`,
  );
}

export function signedOutPage(): string {
  return page(TEXT.signedOutTitle, `<h1>${escapeHtml(TEXT.signedOutTitle)}</h1>`);
}
