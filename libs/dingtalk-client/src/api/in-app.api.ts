// What an H5 micro-app inside the DingTalk client needs from the server (dingtalk-api.md §2.5, §2.6):
// the person behind an in-app auth code (免登: `dd.runtime.permission.requestAuthCode`), and the
// JSAPI ticket `dd.config` signatures are made with.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { FetchedToken } from '../tokens/token-broker';
import { resultOf } from './envelope.schemas';
import { postOapi, type OrgBinding } from './org-binding';

export const InAppUserSchema = z.object({
  userid: z.string().min(1),
  unionid: z.string().optional(),
  name: z.string().optional(),
  /** Org admin. */
  sys: z.boolean().optional(),
});
export type InAppUser = z.infer<typeof InAppUserSchema>;

const InAppUserAnswer = resultOf(InAppUserSchema);
const JsapiTicketAnswer = z.object({ ticket: z.string().min(1), expires_in: z.number().int().positive() });

export class InAppApi {
  constructor(private readonly org: OrgBinding) {}

  /** `POST /topapi/v2/user/getuserinfo` with the org token: the code is single use and lives 5 minutes (40078 otherwise). Never retried: a retry would spend the code twice. */
  userByCode(code: string): Promise<InAppUser> {
    return postOapi(this.org, '/topapi/v2/user/getuserinfo', { code }, InAppUserAnswer, false);
  }

  /** `GET /get_jsapi_ticket` with the org token; uncached (OrgClient.jsapiTicket caches it like a token). */
  async fetchJsapiTicket(): Promise<FetchedToken> {
    const answer = await this.org.caller.call({
      host: 'oapi',
      method: 'GET',
      path: '/get_jsapi_ticket',
      idempotent: true,
      rateKey: this.org.rateKey,
      auth: this.org.token,
      schema: JsapiTicketAnswer,
    });
    return { accessToken: answer.ticket, expireIn: answer.expires_in };
  }
}

export interface JsapiSignatureInput {
  ticket: string;
  nonceStr: string;
  /** Milliseconds or seconds, as the page passes it to dd.config: signed as written. */
  timeStamp: string;
  /** The page's URL; its #fragment is not signed. */
  url: string;
}

/** DingTalk's dd.config signature: SHA-1 hex of `jsapi_ticket=…&noncestr=…&timestamp=…&url=…`, keys in this order. */
export function jsapiSignature({ ticket, nonceStr, timeStamp, url }: JsapiSignatureInput): string {
  const page = url.split('#')[0] ?? url;
  return createHash('sha1').update(`jsapi_ticket=${ticket}&noncestr=${nonceStr}&timestamp=${timeStamp}&url=${page}`, 'utf8').digest('hex');
}
