// Which language a page is shown in. Every page of the product exists in English and Simplified
// Chinese; a person's explicit choice (the `dtg_lang` cookie, set by a page's language switch) wins,
// then the browser's Accept-Language, where any Chinese (zh, zh-TW, zh-Hant…) means zh-CN: the
// people who use DingTalk read Simplified Chinese before English far more often than not.
import type { Request } from 'express';
import { readCookie } from './cookies';

export const UI_LOCALES = ['en', 'zh-CN'] as const;
export type UiLocale = (typeof UI_LOCALES)[number];
/** The language switch's cookie: a preference, not a secret (pages' scripts read and write it). */
export const LOCALE_COOKIE = 'dtg_lang';
const FALLBACK: UiLocale = 'en';

/** A catalog's text with its `{name}` placeholders filled from `params`; one not given stays as written. */
export function fillText(text: string, params: Readonly<Record<string, string>> = {}): string {
  return text.replace(/\{([a-zA-Z]+)\}/g, (match, name: string) => params[name] ?? match);
}

/** 'zh-CN', 'en', or undefined for anything else (a cookie value or a query parameter). */
export function parseUiLocale(value: string | undefined): UiLocale | undefined {
  return UI_LOCALES.find((locale) => locale.toLowerCase() === value?.trim().toLowerCase());
}

/** Accept-Language → the first supported language in the browser's order of preference (q, then position). */
export function negotiateLocale(acceptLanguage: string | undefined): UiLocale {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=(\S*)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { primary: tag.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.primary !== '' && Number.isFinite(entry.q) && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { primary } of ranked) {
    if (primary === 'zh') return 'zh-CN';
    if (primary === 'en') return 'en';
  }
  return FALLBACK;
}

/** The language to answer this request in: the remembered choice, else Accept-Language. */
export function requestLocale(req: Request): UiLocale {
  return parseUiLocale(readCookie(req, LOCALE_COOKIE)) ?? negotiateLocale(req.get('accept-language'));
}
