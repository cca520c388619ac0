import { tokenKeys } from '../client/credentials';
import type { ApiCaller } from '../http/api-caller';
import type { Clock, TokenSource } from '../tokens/token-broker';
import { OkSchema } from './envelope.schemas';
import { AuthInfoSchema, LegacyAuthInfoSchema, PermanentCodeSchema, type AuthInfo, type LegacyAuthInfo, type PermanentCode } from './suite.schemas';
import { signedQuery } from './token.api';

export interface SuiteApiDeps {
  caller: ApiCaller;
  clock: Clock;
  suiteKey: string;
  suiteSecret: string;
  /** Cached suite access token. */
  suiteToken: TokenSource;
  /** Newest suite_ticket; throws SuiteTicketUnavailableError when there is none. */
  suiteTicket: () => Promise<string>;
}

/** Calls made as the suite itself (suite token or suite signature), not on behalf of one org. */
export class SuiteApi {
  private readonly rateKey: string;

  constructor(private readonly deps: SuiteApiDeps) {
    this.rateKey = tokenKeys.suite(deps.suiteKey);
  }

  /** The cached suite access token (fetched with the newest suite_ticket when missing or near expiry). */
  accessToken(): Promise<string> {
    return this.deps.suiteToken.get();
  }

  /** `GET /v1.0/oauth2/apps/authInfo?authCorpId=` with the suite token. */
  authInfo(authCorpId: string): Promise<AuthInfo> {
    return this.deps.caller.call({
      host: 'api',
      method: 'GET',
      path: '/v1.0/oauth2/apps/authInfo',
      idempotent: true,
      rateKey: this.rateKey,
      auth: this.deps.suiteToken,
      query: { authCorpId },
      schema: AuthInfoSchema,
    });
  }

  /** `POST /service/get_auth_info` signed with the suite secret and the newest ticket. */
  async authInfoSigned(authCorpId: string): Promise<LegacyAuthInfo> {
    const { suiteKey, suiteSecret } = this.deps;
    const ticket = await this.deps.suiteTicket();
    return this.deps.caller.call({
      host: 'oapi',
      method: 'POST',
      path: '/service/get_auth_info',
      idempotent: true,
      rateKey: this.rateKey,
      query: signedQuery(suiteKey, suiteSecret, ticket, this.deps.clock.now()),
      body: { suite_key: suiteKey, auth_corpid: authCorpId },
      schema: LegacyAuthInfoSchema,
    });
  }

  /** Legacy `POST /service/get_permanent_code`: consumes the single-use tmp_auth_code, so never blindly retried. */
  permanentCode(tmpAuthCode: string): Promise<PermanentCode> {
    return this.deps.caller.call({
      host: 'oapi',
      method: 'POST',
      path: '/service/get_permanent_code',
      idempotent: false,
      rateKey: this.rateKey,
      auth: this.deps.suiteToken,
      tokenParam: 'suite_access_token',
      body: { tmp_auth_code: tmpAuthCode },
      schema: PermanentCodeSchema,
    });
  }

  /** Legacy `POST /service/activate_suite`. */
  activateSuite(authCorpId: string, permanentCode: string): Promise<void> {
    return this.deps.caller.call({
      host: 'oapi',
      method: 'POST',
      path: '/service/activate_suite',
      idempotent: false,
      rateKey: this.rateKey,
      auth: this.deps.suiteToken,
      tokenParam: 'suite_access_token',
      body: { suite_key: this.deps.suiteKey, auth_corpid: authCorpId, permanent_code: permanentCode },
      schema: OkSchema,
    });
  }
}
