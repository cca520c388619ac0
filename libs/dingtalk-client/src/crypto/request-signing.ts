import { createHmac } from 'node:crypto';

export interface TimestampSignature {
  /** Base64 HMAC-SHA256, as computed by DingTalk's SDKs. */
  signature: string;
  /** The signature percent-encoded exactly like the official Java SDK, ready for a query string. */
  urlEncoded: string;
}

/**
 * Percent-encoding as done by DingTalk's Java SDK (URLEncoder plus its fix-ups): only
 * `A-Z a-z 0-9 - _ .` stay literal; a space becomes `%20`, `*` `%2A`, `~` `%7E`, `/` `%2F`.
 * encodeURIComponent leaves `! ' ( ) * ~` alone, so those are escaped here as well.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*~]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Signature for the old signed ISV endpoints (`/service/get_corp_token`, `/service/get_auth_info`)
 * and `sns/getuserinfo_bycode`: HMAC-SHA256 over `timestamp + "\n" + suiteTicket` (only the
 * timestamp when there is no ticket), keyed with the SuiteSecret / CustomSecret / AppSecret.
 */
export function signTimestamp(secret: string, timestamp: number | string, suiteTicket?: string): TimestampSignature {
  const stringToSign = suiteTicket === undefined ? `${timestamp}` : `${timestamp}\n${suiteTicket}`;
  const signature = createHmac('sha256', secret).update(stringToSign, 'utf8').digest('base64');
  return { signature, urlEncoded: percentEncode(signature) };
}
