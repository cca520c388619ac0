// The provider's own pages: the consent screen (apps that are not first-party) and refusals a
// browser cannot be sent back to an app with. Plain server-rendered HTML, no script, in the
// reader's language: the store's catalog (oidc.* keys) and the console's choice — the dtg_lang
// cookie is the console's, on this same origin — else Accept-Language.
import { inlineSource, LOCALE_COOKIE, negotiateLocale, pageSecurity, parseUiLocale, type UiLocale } from '@dtg/service-kit';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { hasStoreText, storeText } from '../console/store-text';

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1f2329}main{max-width:28rem;margin:10vh auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 3px #0002}button{font:inherit;padding:.5rem 1.25rem;border-radius:6px;border:1px solid #c9cdd4;background:#fff;margin-right:.5rem;cursor:pointer}button[value=allow]{background:#1677ff;border-color:#1677ff;color:#fff}code{background:#f2f3f5;padding:0 .25rem}';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page's language from the request's cookie and Accept-Language (Express and Koa requests alike). */
export function pageLocale(cookieValue: string | undefined, acceptLanguage: string | undefined): UiLocale {
  return parseUiLocale(cookieValue) ?? negotiateLocale(acceptLanguage);
}
export { LOCALE_COOKIE };

function page(locale: UiLocale, titleKey: string, body: string): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(storeText(locale, titleKey))}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

/** Headers for these pages: the form posts here, and its answer redirects to the app (`formTargets`: the app's origins). */
export function oidcPageSecurity(formTargets: readonly string[] = []): RequestHandler {
  return pageSecurity({ 'style-src': [inlineSource(STYLE)], 'form-action': ["'self'", ...formTargets] });
}

/**
 * The same headers on a page oidc-provider renders itself (sign-out, signed-out, errors): Koa answers
 * on the same Node response, so helmet's headers are set on it before the page is written.
 */
export function securePage(req: IncomingMessage, res: ServerResponse, formTargets: readonly string[] = []): Promise<void> {
  return new Promise((resolve, reject) => {
    oidcPageSecurity(formTargets)(req as Request, res as Response, (error?: unknown) =>
      error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(),
    );
  });
}

/** What a scope lets the app see; a scope without words of its own shows as its name. */
const scopeText = (locale: UiLocale, scope: string) => (hasStoreText(`oidc.scope.${scope}`) ? storeText(locale, `oidc.scope.${scope}`) : scope);

export function consentPage(locale: UiLocale, action: string, appName: string, scopes: readonly string[]): string {
  const text = (key: string, params: Record<string, string> = {}) => escapeHtml(storeText(locale, key, params));
  const items = scopes.map((scope) => `<li>${escapeHtml(scopeText(locale, scope))}</li>`).join('');
  return page(
    locale,
    'oidc.consentTitle',
    `<h1>${text('oidc.consentTitle')}</h1><p>${text('oidc.consentLead', { app: appName })}</p><p>${text('oidc.consentAsks')}</p><ul>${items}</ul>` +
      `<form method="post" action="${escapeHtml(action)}"><button type="submit" name="decision" value="allow">${text('oidc.allow')}</button>` +
      `<button type="submit" name="decision" value="deny">${text('oidc.deny')}</button></form>`,
  );
}

/** `error` and `description` are the protocol's (English, as OAuth defines them): marked so. */
export function refusedPage(locale: UiLocale, error: string, description: string): string {
  return page(
    locale,
    'oidc.refusedTitle',
    `<h1>${escapeHtml(storeText(locale, 'oidc.refusedTitle'))}</h1><p>${escapeHtml(storeText(locale, 'oidc.refusedLead'))}</p><p lang="en"><code>${escapeHtml(error)}</code> ${escapeHtml(description)}</p>`,
  );
}

export function expiredPage(locale: UiLocale): string {
  return page(
    locale,
    'oidc.expiredTitle',
    `<h1>${escapeHtml(storeText(locale, 'oidc.expiredTitle'))}</h1><p>${escapeHtml(storeText(locale, 'oidc.expiredLead'))}</p>`,
  );
}

/** RP-initiated logout's confirmation; `form` is the provider's hidden form (id op.logoutForm, with its xsrf token). */
export function signOutPage(locale: UiLocale, form: string): string {
  const text = (key: string) => escapeHtml(storeText(locale, key));
  return page(
    locale,
    'oidc.signOutTitle',
    `<h1>${text('oidc.signOutTitle')}</h1><p>${text('oidc.signOutLead')}</p>${form}` +
      `<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">${text('oidc.signOut')}</button>` +
      `<button type="submit" form="op.logoutForm">${text('oidc.stay')}</button>`,
  );
}

export function signedOutPage(locale: UiLocale): string {
  return page(locale, 'oidc.signedOutTitle', `<h1>${escapeHtml(storeText(locale, 'oidc.signedOutTitle'))}</h1>`);
}
