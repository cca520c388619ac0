import type { CallRecord } from '../http/api-caller';
import type { BaseUrls } from '../http/api-caller';
import type { RetryOptions } from '../http/retry-policy';
import type { Transport } from '../http/transport';
import type { RateLimitOptions } from '../rate-limit/rate-limiter';
import type { SuiteTicketSource } from '../tokens/suite-ticket-source';
import type { Clock, TokenFetchRecord } from '../tokens/token-broker';
import type { TokenStore } from '../tokens/token-store';

export const DEFAULT_BASE_URLS: BaseUrls = {
  loginBaseUrl: 'https://login.dingtalk.com',
  apiBaseUrl: 'https://api.dingtalk.com',
  oapiBaseUrl: 'https://oapi.dingtalk.com',
};

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface DingTalkClientOptions {
  /** Any subset of the three hosts; the simulator serves all three on one URL. Defaults: DingTalk's public hosts. */
  baseUrls?: Partial<BaseUrls>;
  /** An axios instance or a fetch-like function. Default: a fresh `axios.create()`. */
  transport?: Transport;
  /** Wall clock for token expiry and request signatures (epoch ms). Default `Date.now`. */
  clock?: Clock;
  /** Deadline of each HTTP attempt in milliseconds (AbortSignal.timeout). Default 10 000. */
  timeoutMs?: number;
  /** Backoff settings; see RetryOptions for units and defaults. */
  retry?: RetryOptions;
  /** Client-side QPS limits (default 20 per identity and path); `false` turns them off. */
  rateLimit?: RateLimitOptions | false;
  /** Where access tokens are persisted. Default: in memory (lost on restart). */
  tokenStore?: TokenStore;
  /** Source of the newest suite_ticket; required for ISV orgs and `forSuite`. */
  suiteTicketSource?: SuiteTicketSource;
  /** Refresh cached tokens this many ms before DingTalk's expiry. Default 300 000 (5 min). */
  refreshMarginMs?: number;
  /** Returns the current request id (e.g. from AsyncLocalStorage); sent as `x-request-id`. */
  requestId?: () => string | undefined;
  /** Which token endpoints the caching layer uses: `v1` (api host, default) or `legacy` (oapi host, signed for ISV). */
  tokenEndpoints?: 'v1' | 'legacy';
  /** Told about every HTTP attempt once it ends (metrics): no tokens, no bodies. */
  onCall?: (call: CallRecord) => void;
  /** Told about every token fetch (cache miss or refresh) once it ends: the key and the outcome, never the token. */
  onTokenFetch?: (fetch: TokenFetchRecord) => void;
  /** Told about each wait the client-side rate limit imposes before a call (path and milliseconds). */
  onRateLimitWait?: (wait: { path: string; waitMs: number }) => void;
}
