// The simulator's pages in English and Simplified Chinese, as DingTalk's own login page follows the
// browser's language. A small typed catalog rather than i18next: a handful of strings on server-
// rendered pages, and the compiler checks what a library would check at run time — zh-CN is a
// Record of exactly the English keys, so a missing or extra key does not build.
import { fillText, type UiLocale } from '@dtg/service-kit';

const en = {
  'login.pageTitle': 'DingTalk login (simulator)',
  'login.heading': 'Log in to {app}',
  'login.intro': 'DingTalk simulator: choose who is logging in. {app} will receive your DingTalk identity.',
  'login.person': 'Person',
  'login.organisation': 'Organisation',
  'login.allow': 'Allow',
  'login.deny': 'Deny',
  'login.choosePerson': 'Choose a person.',
  'login.notMember': '{name} is not a member of the chosen organisation.',
  'error.pageTitle': 'DingTalk login error (simulator)',
  'error.heading': 'Login error',
  'error.invalidClient': 'Invalid client_id: no app with this AppKey or SuiteKey.',
  'error.invalidRedirect': 'Invalid redirect_uri: it is not registered for this app.',
  'error.responseType': 'response_type must be "code".',
  'error.prompt': 'prompt must be "consent".',
  'error.scope': 'scope must be "openid" or "openid corpid".',
  'error.notFound': 'Page not found.',
  'error.badRequest': 'Bad request.',
  'language.switch': '中文',
  'language.label': 'Language',
} as const;

export type SimTextKey = keyof typeof en;

const zhCN: Record<SimTextKey, string> = {
  'login.pageTitle': '钉钉登录（模拟器）',
  'login.heading': '登录 {app}',
  'login.intro': '钉钉模拟器：请选择登录的人。{app} 将获得您的钉钉身份信息。',
  'login.person': '成员',
  'login.organisation': '组织',
  'login.allow': '同意',
  'login.deny': '拒绝',
  'login.choosePerson': '请选择一位成员。',
  'login.notMember': '{name} 不是所选组织的成员。',
  'error.pageTitle': '钉钉登录出错（模拟器）',
  'error.heading': '登录出错',
  'error.invalidClient': '无效的 client_id：没有使用此 AppKey 或 SuiteKey 的应用。',
  'error.invalidRedirect': '无效的 redirect_uri：该地址未登记在此应用下。',
  'error.responseType': 'response_type 必须为 "code"。',
  'error.prompt': 'prompt 必须为 "consent"。',
  'error.scope': 'scope 必须为 "openid" 或 "openid corpid"。',
  'error.notFound': '页面不存在。',
  'error.badRequest': '请求有误。',
  'language.switch': 'English',
  'language.label': '语言',
};

export const SIM_CATALOGS: Record<UiLocale, Record<SimTextKey, string>> = { en, 'zh-CN': zhCN };

/** The text of `key` in `locale`, its {placeholders} filled from `params`. */
export function simText(locale: UiLocale, key: SimTextKey, params: Record<string, string> = {}): string {
  return fillText(SIM_CATALOGS[locale][key], params);
}
