// The simulated DingTalk login pages, in the visitor's language (English or Simplified Chinese).
import type { UiLocale } from '@dtg/service-kit';
import { simText, type SimTextKey } from '../i18n/catalog';

export interface LoginOption {
  value: string;
  label: string;
}

/** An error for the page, as a catalog key (the page says it in the visitor's language). */
export interface PageError {
  key: SimTextKey;
  params?: Record<string, string>;
}

export interface LoginPageModel {
  locale: UiLocale;
  /** The same page in the other language (the header's switch). */
  switchUrl: string;
  appName: string;
  hidden: Record<string, string>;
  people: LoginOption[];
  orgs?: LoginOption[];
  selectedOrg?: string;
  selectedPerson?: string | undefined;
  error?: PageError;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function options(items: LoginOption[], selected?: string): string {
  return items.map((o) => `<option value="${escapeHtml(o.value)}"${o.value === selected ? ' selected' : ''}>${escapeHtml(o.label)}</option>`).join('');
}

const otherLocale = (locale: UiLocale): UiLocale => (locale === 'en' ? 'zh-CN' : 'en');

function page(locale: UiLocale, title: string, main: string, switchUrl?: string): string {
  const text = (key: SimTextKey) => escapeHtml(simText(locale, key));
  const nav = switchUrl
    ? `<nav aria-label="${text('language.label')}"><a href="${escapeHtml(switchUrl)}" lang="${otherLocale(locale)}" hreflang="${otherLocale(locale)}">${text('language.switch')}</a></nav>`
    : '';
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5}
label{display:block;margin-top:1rem;font-weight:600}select,button{font-size:1rem;padding:.4rem;margin-top:.3rem}
button{margin-right:.5rem}.error{color:#a00000;border:1px solid #a00000;padding:.5rem}nav{text-align:right}</style></head>
<body>${nav}<main>${main}</main></body></html>`;
}

/** The simulated DingTalk consent page: plain HTML, keyboard and screen-reader friendly, no script. */
export function renderLoginPage(m: LoginPageModel): string {
  const text = (key: SimTextKey, params: Record<string, string> = {}) => escapeHtml(simText(m.locale, key, params));
  const hidden = Object.entries(m.hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const orgPicker = m.orgs
    ? `<label for="corpId">${text('login.organisation')}</label><select id="corpId" name="corpId" required>${options(m.orgs, m.selectedOrg)}</select>`
    : '';
  const error = m.error ? `<p class="error" role="alert">${text(m.error.key, m.error.params)}</p>` : '';
  return page(
    m.locale,
    simText(m.locale, 'login.pageTitle'),
    `<h1>${text('login.heading', { app: m.appName })}</h1>
<p>${text('login.intro', { app: m.appName })}</p>${error}
<form id="consent-form" method="post" action="/oauth2/consent">${hidden}
<label for="userid">${text('login.person')}</label><select id="userid" name="userid" required>${options(m.people, m.selectedPerson)}</select>${orgPicker}
<p><button type="submit" name="decision" value="allow">${text('login.allow')}</button><button type="submit" name="decision" value="deny">${text('login.deny')}</button></p>
</form>`,
    m.switchUrl,
  );
}

export function renderErrorPage(locale: UiLocale, error: PageError): string {
  return page(
    locale,
    simText(locale, 'error.pageTitle'),
    `<h1>${escapeHtml(simText(locale, 'error.heading'))}</h1><p class="error" role="alert">${escapeHtml(simText(locale, error.key, error.params))}</p>`,
  );
}
