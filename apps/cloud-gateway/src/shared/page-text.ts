// The text of the cloud's HTML pages (sign-in errors today; the OIDC interaction and operator pages
// add theirs here) in English and Simplified Chinese. A small typed catalog rather than i18next: a
// few server-rendered pages, and the compiler checks what a library would check at run time —
// zh-CN is a Record of exactly the English keys, so a missing or extra key does not build. The
// API itself stays English (problem+json), as APIs do.
import { fillText, type ErrorCode, type UiLocale } from '@dtg/service-kit';

const en = {
  'login.pageTitle': 'Sign-in failed',
  'login.heading': 'Sign-in with DingTalk failed',
  'login.again': 'Go back to the application and start the sign-in again.',
  'login.reference': 'Error {code}, request {request}',
  'login.serverDetail': 'Details: {detail}',
  'login.otherLanguage': '中文',
  'refusal.unknown': 'This sign-in response is not one we started (unknown or forged state).',
  'refusal.other_browser': 'This sign-in was started in another browser (or this browser did not keep its sign-in cookie), so it cannot finish here.',
  'refusal.used': 'This sign-in response was already used; a sign-in link works only once.',
  'refusal.expired': 'This sign-in took too long (more than 10 minutes) and has expired.',
  'refusal.missing_code': 'The sign-in response carries no authorization code.',
  'problem.bad_request': 'The sign-in link is not valid for this gateway.',
  'problem.validation_failed': 'The sign-in link is incomplete or malformed.',
  'problem.forbidden': 'This organisation cannot sign in through the gateway right now. Ask its admin.',
  'problem.rate_limited': 'Too many sign-ins from here in a short time. Wait a minute and try again.',
  'problem.other': 'The gateway could not handle this sign-in. Try again in a moment.',
} as const;

export type PageTextKey = keyof typeof en;

const zhCN: Record<PageTextKey, string> = {
  'login.pageTitle': '登录失败',
  'login.heading': '钉钉登录失败',
  'login.again': '请返回应用，重新发起登录。',
  'login.reference': '错误 {code}，请求 {request}',
  'login.serverDetail': '详情：{detail}',
  'login.otherLanguage': 'English',
  'refusal.unknown': '这次登录响应不是由本网关发起的（state 未知或被伪造）。',
  'refusal.other_browser': '这次登录是在另一个浏览器中发起的（或本浏览器未保留登录 Cookie），无法在此完成。',
  'refusal.used': '这次登录响应已被使用过；登录链接只能使用一次。',
  'refusal.expired': '这次登录耗时过长（超过 10 分钟），已过期。',
  'refusal.missing_code': '登录响应中没有授权码。',
  'problem.bad_request': '该登录链接对本网关无效。',
  'problem.validation_failed': '该登录链接不完整或格式有误。',
  'problem.forbidden': '该组织目前无法通过网关登录，请联系组织管理员。',
  'problem.rate_limited': '短时间内从此处发起的登录过多，请等一分钟后重试。',
  'problem.other': '网关无法处理这次登录，请稍后重试。',
};

export const PAGE_TEXT: Record<UiLocale, Record<PageTextKey, string>> = { en, 'zh-CN': zhCN };

/** The text of `key` in `locale`, its {placeholders} filled from `params` (raw: escape it for HTML). */
export function pageText(locale: UiLocale, key: PageTextKey, params: Record<string, string> = {}): string {
  return fillText(PAGE_TEXT[locale][key], params);
}

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The text of `key` as HTML: the catalog's text escaped, its placeholders filled with `html` (already-safe HTML). */
export function pageHtml(locale: UiLocale, key: PageTextKey, html: Record<string, string> = {}): string {
  return fillText(escapeHtml(PAGE_TEXT[locale][key]), html);
}

const PROBLEM_KEYS: Partial<Record<ErrorCode, PageTextKey>> = {
  bad_request: 'problem.bad_request',
  validation_failed: 'problem.validation_failed',
  malformed_json: 'problem.validation_failed',
  forbidden: 'problem.forbidden',
  rate_limited: 'problem.rate_limited',
};

/** What a refused request means to a person, by its problem code. */
export const problemTextKey = (code: ErrorCode): PageTextKey => PROBLEM_KEYS[code] ?? 'problem.other';
