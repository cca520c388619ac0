// The console's language: the page says which (the store chose it from the `dtg_lang` cookie or
// Accept-Language and put it in <html lang>), and this module loads that language's catalog before
// any view renders (top-level await: every importer waits for it). Strings come from the catalog by
// key; numbers, dates and relative times go through Intl in that language and the organisation's
// time zone (from /api/config), never the browser's or the server's.
//
// A catalog (catalog-en.json, catalog-zh-cn.json) maps keys to text with {name} placeholders; a
// plural entry maps Intl.PluralRules categories to text ({ one, other } in English, { other } in
// Chinese). apps/local-store/test/console-i18n.test.ts keeps both catalogs and every page in step.

export const LOCALES = ['en', 'zh-CN'];
/** The switch's cookie; the store reads it to pick the page's language (see service-kit's locale.ts). */
const LOCALE_COOKIE = 'dtg_lang';
const ONE_YEAR_S = 365 * 24 * 3600;

export const locale = document.documentElement.lang === 'zh-CN' ? 'zh-CN' : 'en';
const catalog = await loadCatalog(locale);

async function loadCatalog(lang) {
  // Next to this module, under the same build id (cached for good like every asset).
  const res = await fetch(new URL(`catalog-${lang.toLowerCase()}.json`, import.meta.url));
  if (!res.ok) throw new Error(`catalog ${lang}: HTTP ${res.status}`);
  return res.json();
}

const pluralRules = new Intl.PluralRules(locale);
const numberFormat = new Intl.NumberFormat(locale);
const relativeFormat = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
let dateTimeFormat;
let orgTimeZone;

/** The organisation's IANA time zone (GET /api/config); dates are shown in it. */
export function setTimeZone(timeZone) {
  orgTimeZone = timeZone;
  dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
}
setTimeZone('Asia/Shanghai');

/** The organisation's time zone (Asia/Shanghai until /api/config says otherwise). */
export const timeZone = () => orgTimeZone;

export const formatNumber = (n) => numberFormat.format(n);
export const formatDate = (iso) => dateTimeFormat.format(new Date(iso));

const RELATIVE_UNITS = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "3 minutes ago" / "3分钟前": the largest unit that fits. */
export function formatRelative(iso, now = Date.now()) {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const [unit, size] = RELATIVE_UNITS.find(([, s]) => Math.abs(seconds) >= s) ?? RELATIVE_UNITS.at(-1);
  return relativeFormat.format(Math.round(seconds / size), unit);
}

function entry(key, count) {
  const value = catalog[key];
  if (value === undefined) {
    // The catalog test makes this unreachable for literal keys; a computed key from unexpected data lands here.
    console.warn(`i18n: no text for ${key}`);
    return key;
  }
  if (typeof value === 'string') return value;
  return value[pluralRules.select(count ?? 0)] ?? value.other;
}

/** Whether the catalog has `key` (for keys built from server data, such as problem codes). */
export const has = (key) => Object.hasOwn(catalog, key);

/**
 * The text of `key` with its {placeholders} filled; `count` picks a plural form and is shown as a
 * localized number. t('count.person', { count: 3 }) → "3 people" / "3 人".
 */
export function t(key, params = {}) {
  return tParts(key, params).join('');
}

/** Like t, but the parameters may be DOM nodes: returns the pieces in order, for h(). */
export function tParts(key, params = {}) {
  const text = entry(key, params.count);
  return text
    .split(/(\{[a-zA-Z]+\})/)
    .filter((piece) => piece !== '')
    .map((piece) => {
      const name = /^\{([a-zA-Z]+)\}$/.exec(piece)?.[1];
      if (name === undefined || !(name in params)) return piece;
      const value = params[name];
      return typeof value === 'number' ? formatNumber(value) : value;
    });
}

/** Joins already-translated pieces the way the language lists them ("a, b" / "a，b"). */
export const list = (parts) => parts.join(t('common.listSeparator'));

const conjunction = new Intl.ListFormat(locale, { type: 'conjunction' });
/** "a, b and c" / "a、b和c". */
export const listAnd = (parts) => conjunction.format(parts);

/** Switches the language: remembered in a cookie the store reads, then the page reloads in it. */
export function switchLocale(next) {
  document.cookie = `${LOCALE_COOKIE}=${encodeURIComponent(next)}; Path=/; Max-Age=${ONE_YEAR_S}; SameSite=Lax`;
  location.reload();
}
