// Which calls DingTalk counts against an org's monthly API quota (standard edition: 5,000 a month,
// answered with 90020 / Forbidden.AccessDenied.ApiCountLimitForOrg when spent): everything except
// the token, login and contact APIs (dingtalk-api.md §5.1).
const UNCOUNTED = [
  /^\/gettoken$/,
  /^\/service\//, // suite and corp tokens, suite tickets, authorisation info
  /^\/v1\.0\/oauth2\//, // app, corp and user tokens
  /^\/v1\.0\/contact\//, // the signed-in user (login) and the new contact APIs
  /^\/sns\//, // legacy scan login
  /^\/topapi\/(v2\/)?(user|department)\//, // contacts on the old host
  /^\/(user|department)\//,
  /^\/get_jsapi_ticket$/, // part of 免登, like a token
];

export function countsAgainstMonthlyQuota(path: string): boolean {
  return !UNCOUNTED.some((pattern) => pattern.test(path));
}
