// The store's one catalog (the console's catalog-en.json and catalog-zh-cn.json) for text the
// server renders itself: index.html's placeholders and the OIDC provider's pages. Read once.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { catalogFile, fillText, UI_LOCALES, type ConsoleCatalog, type UiLocale } from '@dtg/service-kit';
import { CONSOLE_PUBLIC_DIR } from './console-assets';

let catalogs: Record<UiLocale, ConsoleCatalog> | undefined;

function load(): Record<UiLocale, ConsoleCatalog> {
  catalogs ??= Object.fromEntries(
    UI_LOCALES.map((locale) => [locale, JSON.parse(readFileSync(path.join(CONSOLE_PUBLIC_DIR, catalogFile(locale)), 'utf8')) as ConsoleCatalog]),
  ) as Record<UiLocale, ConsoleCatalog>;
  return catalogs;
}

/** Whether the catalog has plain text for `key` (for keys built from data, such as a scope name). */
export const hasStoreText = (key: string): boolean => typeof load().en[key] === 'string';

/** The text of `key` in `locale` with its {placeholders} filled (raw: escape it for HTML). */
export function storeText(locale: UiLocale, key: string, params: Record<string, string> = {}): string {
  const text = load()[locale][key];
  // console-i18n.test.ts keeps every literal key present in both languages; this guards computed ones.
  if (typeof text !== 'string') throw new Error(`no text for ${key} in ${catalogFile(locale)}`);
  return fillText(text, params);
}
