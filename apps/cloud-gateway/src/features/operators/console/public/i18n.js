// The console's language: the page says which (<html lang>, chosen by the cloud from the dtg_lang
// cookie or Accept-Language); its catalog loads before any view renders. Same catalog format as the
// local store's console: key → text with {name} placeholders.
export const locale = document.documentElement.lang === 'zh-CN' ? 'zh-CN' : 'en';
const catalog = await (await fetch(new URL(`catalog-${locale.toLowerCase()}.json`, import.meta.url))).json();

const numberFormat = new Intl.NumberFormat(locale);
const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });

export const has = (key) => Object.hasOwn(catalog, key);
export const formatNumber = (n) => numberFormat.format(n);
export const formatDate = (iso) => (iso ? dateFormat.format(new Date(iso)) : '—');

/** "3 min" / "3 分钟": a duration in the largest unit that fits. */
export function formatDuration(ms) {
  if (ms === null || ms === undefined) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return t('unit.seconds', { n: s });
  if (s < 3600) return t('unit.minutes', { n: Math.round(s / 60) });
  if (s < 86400) return t('unit.hours', { n: Math.round(s / 3600) });
  return t('unit.days', { n: Math.round(s / 86400) });
}

export function t(key, params = {}) {
  const text = catalog[key];
  if (typeof text !== 'string') {
    console.warn(`i18n: no text for ${key}`);
    return key;
  }
  return text.replace(/\{([a-zA-Z]+)\}/g, (match, name) => {
    if (!(name in params)) return match;
    const value = params[name];
    return typeof value === 'number' ? formatNumber(value) : String(value);
  });
}

export function switchLocale() {
  const next = locale === 'en' ? 'zh-CN' : 'en';
  document.cookie = `dtg_lang=${encodeURIComponent(next)}; Path=/; Max-Age=${365 * 24 * 3600}; SameSite=Lax`;
  location.reload();
}
