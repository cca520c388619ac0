import type { StoredToken, TokenStore } from './token-store';

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export interface FetchedToken {
  accessToken: string;
  /** Seconds. */
  expireIn: number;
}

/** A token the API caller can use, refresh after a token-invalid answer, and identify for rate limiting. */
export interface TokenSource {
  get(): Promise<string>;
  invalidate(accessToken: string): Promise<void>;
}

export const DEFAULT_REFRESH_MARGIN_MS = 300_000;

/** One token fetch from DingTalk (a cache miss or a refresh), as metrics and alarms see it: no token. */
export interface TokenFetchRecord {
  /** The token's key (`app:<appKey>`, `suite:<suiteKey>`, `corp:<suiteKey>:<corpId>`, `jsapi:<key>`). */
  key: string;
  ok: boolean;
  /** Why it failed (a DingTalkApiError for DingTalk's refusals: wrong secret, suite not authorised…). */
  error?: unknown;
}

/**
 * Caches tokens per key in memory, persists them through a TokenStore, and makes sure only one
 * fetch per key runs at a time: concurrent callers on a cold or expired key share one request.
 */
export class TokenBroker {
  private readonly memo = new Map<string, StoredToken>();
  private readonly inflight = new Map<string, Promise<StoredToken>>();

  constructor(
    private readonly store: TokenStore,
    private readonly clock: Clock,
    /** Refresh this long before DingTalk's stated expiry (ms). */
    private readonly refreshMarginMs = DEFAULT_REFRESH_MARGIN_MS,
    private readonly onFetch?: (record: TokenFetchRecord) => void,
  ) {}

  source(key: string, fetch: () => Promise<FetchedToken>): TokenSource {
    return { get: () => this.get(key, fetch), invalidate: (token) => this.invalidate(key, token) };
  }

  async get(key: string, fetch: () => Promise<FetchedToken>): Promise<string> {
    const cached = this.memo.get(key);
    if (cached && this.isFresh(cached)) return cached.accessToken;
    let flight = this.inflight.get(key);
    if (!flight) {
      flight = this.load(key, fetch).finally(() => this.inflight.delete(key));
      this.inflight.set(key, flight);
    }
    return (await flight).accessToken;
  }

  /**
   * Forgets `accessToken` if it is still the current token for `key`. Comparing first means a
   * burst of requests that all failed with the same stale token causes one refresh, not many.
   */
  async invalidate(key: string, accessToken: string): Promise<void> {
    const stored = await this.store.get(key);
    if (stored?.accessToken === accessToken) await this.store.delete(key);
    if (this.memo.get(key)?.accessToken === accessToken) this.memo.delete(key);
  }

  private async load(key: string, fetch: () => Promise<FetchedToken>): Promise<StoredToken> {
    const stored = await this.reuseStored(key);
    if (stored) return stored;
    if (!this.store.exclusive) return this.fetchAndStore(key, fetch);
    // Another process may have been fetching while this one waited for the section: read again.
    return this.store.exclusive<StoredToken>(key, async () => (await this.reuseStored(key)) ?? (await this.fetchAndStore(key, fetch)));
  }

  private async reuseStored(key: string): Promise<StoredToken | undefined> {
    const stored = await this.store.get(key);
    if (!stored || !this.isFresh(stored)) return undefined;
    this.memo.set(key, stored);
    return stored;
  }

  private async fetchAndStore(key: string, fetch: () => Promise<FetchedToken>): Promise<StoredToken> {
    const obtainedAt = this.clock.now();
    let fetched: FetchedToken;
    try {
      fetched = await fetch();
    } catch (error) {
      this.onFetch?.({ key, ok: false, error });
      throw error;
    }
    this.onFetch?.({ key, ok: true });
    const token: StoredToken = { accessToken: fetched.accessToken, expireIn: fetched.expireIn, obtainedAt };
    await this.store.set(key, token);
    this.memo.set(key, token);
    return token;
  }

  private isFresh(token: StoredToken): boolean {
    return this.clock.now() <= token.obtainedAt + token.expireIn * 1000 - this.refreshMarginMs;
  }
}
