import { OAuthApi, type AuthorizeUrlOptions } from '../api/oauth.api';
import { SuiteApi } from '../api/suite.api';
import { TokensApi } from '../api/token.api';
import type { AccessToken } from '../api/token.schemas';
import { DingTalkApiError, SuiteTicketUnavailableError } from '../errors/dingtalk-errors';
import { ApiCaller } from '../http/api-caller';
import { DEFAULT_RETRY } from '../http/retry-policy';
import { toHttpSend } from '../http/transport';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { TokenBroker, type Clock, type TokenSource } from '../tokens/token-broker';
import { InMemoryTokenStore } from '../tokens/token-store';
import { DingTalkStreamClient, type StreamClientOptions } from '../stream/stream-client';
import { StreamEndpointSchema, type StreamEndpoint } from '../stream/stream-frames';
import { DEFAULT_BASE_URLS, DEFAULT_TIMEOUT_MS, type DingTalkClientOptions } from './client-options';
import { tokenKeys, type AppCredentials, type SuiteCredentials } from './credentials';
import { OrgClient } from './org-client';
import { InAppApi } from '../api/in-app.api';
import type { OrgBinding } from '../api/org-binding';

/**
 * Entry point. `tokens` and `oauth` are the raw, uncached endpoints; `forOrg` and `forSuite`
 * return views whose calls obtain, cache and refresh their tokens on their own.
 */
export class DingTalkClient {
  readonly tokens: TokensApi;
  readonly oauth: OAuthApi;
  private readonly caller: ApiCaller;
  private readonly broker: TokenBroker;
  private readonly clock: Clock;

  constructor(private readonly options: DingTalkClientOptions = {}) {
    const baseUrls = { ...DEFAULT_BASE_URLS, ...options.baseUrls };
    this.clock = options.clock ?? { now: () => Date.now() };
    this.caller = new ApiCaller({
      baseUrls,
      send: toHttpSend(options.transport),
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      limiter: options.rateLimit === false ? undefined : new RateLimiter(options.rateLimit, undefined, options.onRateLimitWait),
      requestId: options.requestId ?? (() => undefined),
      onCall: options.onCall,
    });
    this.broker = new TokenBroker(options.tokenStore ?? new InMemoryTokenStore(), this.clock, options.refreshMarginMs, options.onTokenFetch);
    this.tokens = new TokensApi(this.caller, this.clock);
    this.oauth = new OAuthApi(this.caller, baseUrls.loginBaseUrl);
  }

  authorizeUrl(options: AuthorizeUrlOptions): string {
    return this.oauth.authorizeUrl(options);
  }

  forOrg(credentials: AppCredentials): OrgClient {
    if (credentials.mode === 'internal') {
      const { appKey, appSecret } = credentials;
      const fetch = () => (this.legacy ? this.tokens.appTokenLegacy({ appKey, appSecret }) : this.tokens.appToken({ appKey, appSecret }));
      const token = this.broker.source(tokenKeys.app(appKey), fetch);
      return this.orgClient({ caller: this.caller, rateKey: tokenKeys.app(appKey), token }, credentials.corpId, credentials.agentId, false);
    }
    const { suiteKey, suiteSecret, corpId: authCorpId } = credentials;
    const fetch = () =>
      this.withSuiteTicket(suiteKey, (suiteTicket) => {
        const request = { suiteKey, suiteSecret, suiteTicket, authCorpId };
        return this.legacy ? this.tokens.corpTokenSigned(request) : this.tokens.corpToken(request);
      });
    const token = this.broker.source(tokenKeys.corp(suiteKey, authCorpId), fetch);
    return this.orgClient({ caller: this.caller, rateKey: tokenKeys.corp(suiteKey, authCorpId), token }, authCorpId, credentials.agentId, true);
  }

  /** The org view with its JSAPI ticket cached under `jsapi:<token key>`, like the token itself. */
  private orgClient(binding: OrgBinding, corpId: string | undefined, agentId: number | undefined, isv: boolean): OrgClient {
    const jsapi = this.broker.source(tokenKeys.jsapi(binding.rateKey), () => new InAppApi(binding).fetchJsapiTicket());
    return new OrgClient(binding, corpId, agentId, isv, jsapi);
  }

  forSuite({ suiteKey, suiteSecret }: SuiteCredentials): SuiteApi {
    const fetch = () =>
      this.withSuiteTicket(suiteKey, (suiteTicket) => {
        const request = { suiteKey, suiteSecret, suiteTicket };
        return this.legacy ? this.tokens.suiteTokenLegacy(request) : this.tokens.suiteToken(request);
      });
    const suiteToken: TokenSource = this.broker.source(tokenKeys.suite(suiteKey), fetch);
    return new SuiteApi({
      caller: this.caller,
      clock: this.clock,
      suiteKey,
      suiteSecret,
      suiteToken,
      suiteTicket: () => this.requireTicket(suiteKey),
    });
  }

  /**
   * A Stream-mode connection for an internal app (AppKey/AppSecret) or the suite (SuiteKey/SuiteSecret).
   * connections/open goes through this client's API host, rate limiter and retry policy; call
   * `start()` to connect and `stop()` to close.
   */
  stream(options: StreamClientOptions): DingTalkStreamClient {
    return new DingTalkStreamClient((body) => this.openStream(options.clientId, body), options);
  }

  /**
   * Whether DingTalk would open a Stream connection for these credentials (a diagnostic): asks for
   * an endpoint and ticket, connects nothing. Throws DingTalk's refusal as a DingTalkApiError.
   */
  async probeStream(clientId: string, clientSecret: string): Promise<void> {
    await this.openStream(clientId, { clientId, clientSecret, subscriptions: [{ type: 'EVENT', topic: '*' }], ua: 'dtg-tenant-check' });
  }

  private openStream(clientId: string, body: object): Promise<StreamEndpoint> {
    return this.caller.call({
      host: 'api',
      method: 'POST',
      path: '/v1.0/gateway/connections/open',
      idempotent: true,
      rateKey: `stream:${clientId}`,
      body,
      schema: StreamEndpointSchema,
    });
  }

  private get legacy(): boolean {
    return this.options.tokenEndpoints === 'legacy';
  }

  /** On `invalidSuiteTicket`, re-reads the source once: a newer ticket may have been pushed meanwhile. */
  private async withSuiteTicket(suiteKey: string, fetch: (ticket: string) => Promise<AccessToken>): Promise<AccessToken> {
    const ticket = await this.requireTicket(suiteKey);
    try {
      return await fetch(ticket);
    } catch (err) {
      if (!(err instanceof DingTalkApiError && err.kind === 'refresh-suite-ticket')) throw err;
      const newer = await this.requireTicket(suiteKey);
      if (newer === ticket) throw err;
      return fetch(newer);
    }
  }

  private async requireTicket(suiteKey: string): Promise<string> {
    const ticket = await this.options.suiteTicketSource?.current(suiteKey);
    if (ticket === undefined) throw new SuiteTicketUnavailableError(suiteKey);
    return ticket;
  }
}
