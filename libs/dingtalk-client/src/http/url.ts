import { percentEncode } from '../crypto/request-signing';

export type QueryValue = string | number | undefined;

/** `?a=1&b=2` with SDK-style percent-encoding (so signatures arrive exactly as DingTalk's SDK sends them); '' when empty. */
export function buildQuery(params: Record<string, QueryValue>): string {
  const pairs = Object.entries(params).filter((entry): entry is [string, string | number] => entry[1] !== undefined);
  if (pairs.length === 0) return '';
  return `?${pairs.map(([key, value]) => `${percentEncode(key)}=${percentEncode(String(value))}`).join('&')}`;
}
