export interface StoredToken {
  accessToken: string;
  /** Epoch ms (client clock) when the token was requested; measuring from the request errs on the safe side. */
  obtainedAt: number;
  /** Lifetime in seconds, as DingTalk reported it (normally 7200). */
  expireIn: number;
}

/**
 * Persistence for access tokens so a restart does not re-fetch them (token endpoints are
 * throttled). Keys look like `app:<appKey>`, `suite:<suiteKey>`, `corp:<suiteKey>:<corpId>`.
 * Values are secrets: implementations must not log them.
 */
export interface TokenStore {
  get(key: string): Promise<StoredToken | undefined>;
  set(key: string, token: StoredToken): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Runs `fn` while no other process runs it for the same key, for stores that several processes
   * share (replicas of one service): the broker fetches a token inside it, after reading the store
   * again, so each token is fetched once per lifetime by all of them together — DingTalk throttles
   * token endpoints, and every fetch of an app's token replaces the one the other processes hold
   * only in their view of the cache. Without it, concurrent fetches are only merged within a process.
   */
  exclusive?<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export class InMemoryTokenStore implements TokenStore {
  private readonly tokens = new Map<string, StoredToken>();

  async get(key: string): Promise<StoredToken | undefined> {
    return this.tokens.get(key);
  }

  async set(key: string, token: StoredToken): Promise<void> {
    this.tokens.set(key, { ...token });
  }

  async delete(key: string): Promise<void> {
    this.tokens.delete(key);
  }
}
