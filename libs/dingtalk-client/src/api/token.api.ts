import { signTimestamp } from '../crypto/request-signing';
import { tokenKeys } from '../client/credentials';
import type { ApiCaller } from '../http/api-caller';
import type { Clock } from '../tokens/token-broker';
import { AccessTokenSchema, LegacyAccessTokenSchema, LegacySuiteTokenSchema, type AccessToken } from './token.schemas';

export interface AppSecretPair {
  appKey: string;
  appSecret: string;
}

export interface SuiteTicketCredentials {
  suiteKey: string;
  suiteSecret: string;
  suiteTicket: string;
}

export interface CorpTokenRequest extends SuiteTicketCredentials {
  authCorpId: string;
}

/**
 * The raw token endpoints (no caching). Token fetches have no side effects, so they are retried
 * like reads. Most callers want `client.forOrg(...)` / `client.forSuite(...)`, which cache.
 */
export class TokensApi {
  constructor(
    private readonly caller: ApiCaller,
    private readonly clock: Clock,
  ) {}

  /** Internal app token, new API: `POST /v1.0/oauth2/accessToken`. */
  appToken({ appKey, appSecret }: AppSecretPair): Promise<AccessToken> {
    return this.caller.call({
      host: 'api',
      method: 'POST',
      path: '/v1.0/oauth2/accessToken',
      idempotent: true,
      rateKey: tokenKeys.app(appKey),
      body: { appKey, appSecret },
      schema: AccessTokenSchema,
    });
  }

  /** Internal app token, old API: `GET /gettoken?appkey&appsecret` (credentials must be in the query). */
  appTokenLegacy({ appKey, appSecret }: AppSecretPair): Promise<AccessToken> {
    return this.caller.call({
      host: 'oapi',
      method: 'GET',
      path: '/gettoken',
      idempotent: true,
      rateKey: tokenKeys.app(appKey),
      query: { appkey: appKey, appsecret: appSecret },
      schema: LegacyAccessTokenSchema,
    });
  }

  /** Suite token, new API: `POST /v1.0/oauth2/suiteAccessToken`. */
  suiteToken({ suiteKey, suiteSecret, suiteTicket }: SuiteTicketCredentials): Promise<AccessToken> {
    return this.caller.call({
      host: 'api',
      method: 'POST',
      path: '/v1.0/oauth2/suiteAccessToken',
      idempotent: true,
      rateKey: tokenKeys.suite(suiteKey),
      body: { suiteKey, suiteSecret, suiteTicket },
      schema: AccessTokenSchema,
    });
  }

  /** Suite token, old API: `POST /service/get_suite_token`. */
  suiteTokenLegacy({ suiteKey, suiteSecret, suiteTicket }: SuiteTicketCredentials): Promise<AccessToken> {
    return this.caller.call({
      host: 'oapi',
      method: 'POST',
      path: '/service/get_suite_token',
      idempotent: true,
      rateKey: tokenKeys.suite(suiteKey),
      body: { suite_key: suiteKey, suite_secret: suiteSecret, suite_ticket: suiteTicket },
      schema: LegacySuiteTokenSchema,
    });
  }

  /** Corp token for an authorising org, new API: `POST /v1.0/oauth2/corpAccessToken`. */
  corpToken({ suiteKey, suiteSecret, suiteTicket, authCorpId }: CorpTokenRequest): Promise<AccessToken> {
    return this.caller.call({
      host: 'api',
      method: 'POST',
      path: '/v1.0/oauth2/corpAccessToken',
      idempotent: true,
      rateKey: tokenKeys.corp(suiteKey, authCorpId),
      body: { suiteKey, suiteSecret, authCorpId, suiteTicket },
      schema: AccessTokenSchema,
    });
  }

  /** Corp token, old signed API: `POST /service/get_corp_token?accessKey&timestamp&suiteTicket&signature`. */
  corpTokenSigned({ suiteKey, suiteSecret, suiteTicket, authCorpId }: CorpTokenRequest): Promise<AccessToken> {
    return this.caller.call({
      host: 'oapi',
      method: 'POST',
      path: '/service/get_corp_token',
      idempotent: true,
      rateKey: tokenKeys.corp(suiteKey, authCorpId),
      query: signedQuery(suiteKey, suiteSecret, suiteTicket, this.clock.now()),
      body: { auth_corpid: authCorpId },
      schema: LegacyAccessTokenSchema,
    });
  }
}

/** Query of the old signed ISV endpoints; the URL builder percent-encodes the signature SDK-style. */
export function signedQuery(suiteKey: string, suiteSecret: string, suiteTicket: string, timestamp: number) {
  return { accessKey: suiteKey, timestamp, suiteTicket, signature: signTimestamp(suiteSecret, timestamp, suiteTicket).signature };
}
