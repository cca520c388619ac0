export type HostKind = 'api' | 'oapi' | 'login' | 'control';

const LOGIN_PAGES = new Set(['/oauth2/auth', '/oauth2/consent']);

/**
 * All three DingTalk hosts share one port; the path says which one a request is for. Other
 * `/oauth2/...` paths are the new host's unversioned mistakes (e.g. `/oauth2/corpAccessToken`,
 * PROBE P12), so they get the new host's unknown-path answer.
 */
export function hostOf(path: string): HostKind {
  if (path.startsWith('/_sim/') || path === '/_sim') return 'control';
  if (LOGIN_PAGES.has(path)) return 'login';
  if (/^\/v\d+\.\d+\//.test(path) || path.startsWith('/oauth2/')) return 'api';
  return 'oapi';
}
