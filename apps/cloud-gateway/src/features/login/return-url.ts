/**
 * returnTo with our parameters appended. Its own query is kept byte for byte (only appended to),
 * and a fragment stays at the end.
 */
export function withParams(returnTo: string, params: Record<string, string>): string {
  const hashAt = returnTo.indexOf('#');
  const base = hashAt === -1 ? returnTo : returnTo.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : returnTo.slice(hashAt);
  const extra = new URLSearchParams(params).toString();
  const separator = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${separator}${extra}${hash}`;
}
