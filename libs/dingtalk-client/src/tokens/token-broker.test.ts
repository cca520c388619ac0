import { TokenBroker, type FetchedToken } from './token-broker';
import { InMemoryTokenStore, type TokenStore } from './token-store';

/** A stand-in for DingTalk's token endpoint: counts calls and issues numbered tokens. */
function tokenEndpoint(expireIn = 7200) {
  const endpoint = {
    calls: 0,
    fetch: async (): Promise<FetchedToken> => {
      endpoint.calls += 1;
      const n = endpoint.calls;
      await new Promise((resolve) => setImmediate(resolve));
      return { accessToken: `token-${n}`, expireIn };
    },
  };
  return endpoint;
}

function manualClock(start = 1_700_000_000_000) {
  return {
    ms: start,
    now() {
      return this.ms;
    },
  };
}

describe('TokenBroker', () => {
  it('when 1,000 callers ask on a cold cache at once, then exactly one token request is made', async () => {
    const endpoint = tokenEndpoint();
    const broker = new TokenBroker(new InMemoryTokenStore(), manualClock());
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => broker.get('app:k', endpoint.fetch)));
    expect(endpoint.calls).toBe(1);
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
  });

  it('when the token is within its lifetime minus 300 s, then it is reused; after that it is refreshed', async () => {
    const endpoint = tokenEndpoint(7200);
    const clock = manualClock();
    const broker = new TokenBroker(new InMemoryTokenStore(), clock);
    expect(await broker.get('app:k', endpoint.fetch)).toBe('token-1');
    clock.ms += (7200 - 300) * 1000;
    expect(await broker.get('app:k', endpoint.fetch)).toBe('token-1');
    clock.ms += 1;
    expect(await broker.get('app:k', endpoint.fetch)).toBe('token-2');
    expect(endpoint.calls).toBe(2);
  });

  it('when different keys are requested, then each has its own token', async () => {
    const endpoint = tokenEndpoint();
    const broker = new TokenBroker(new InMemoryTokenStore(), manualClock());
    const [a, b] = await Promise.all([broker.get('corp:s:c1', endpoint.fetch), broker.get('corp:s:c2', endpoint.fetch)]);
    expect(a).not.toBe(b);
    expect(endpoint.calls).toBe(2);
  });

  it('when a new broker shares the store (a restart), then the persisted token is reused', async () => {
    const store = new InMemoryTokenStore();
    const clock = manualClock();
    const endpoint = tokenEndpoint();
    await new TokenBroker(store, clock).get('app:k', endpoint.fetch);
    expect(await new TokenBroker(store, clock).get('app:k', endpoint.fetch)).toBe('token-1');
    expect(endpoint.calls).toBe(1);
    expect(await store.get('app:k')).toEqual({ accessToken: 'token-1', expireIn: 7200, obtainedAt: clock.ms });
  });

  it('when many callers invalidate the same stale token, then only one refresh happens', async () => {
    const store = new InMemoryTokenStore();
    const endpoint = tokenEndpoint();
    const broker = new TokenBroker(store, manualClock());
    const stale = await broker.get('app:k', endpoint.fetch);
    await Promise.all(Array.from({ length: 50 }, () => broker.invalidate('app:k', stale)));
    const fresh = await Promise.all(Array.from({ length: 50 }, () => broker.get('app:k', endpoint.fetch)));
    expect(new Set(fresh)).toEqual(new Set(['token-2']));
    await broker.invalidate('app:k', stale);
    expect(await broker.get('app:k', endpoint.fetch)).toBe('token-2');
    expect(endpoint.calls).toBe(2);
  });

  it('when the fetch fails, then every waiter sees the error and the next call tries again', async () => {
    const broker = new TokenBroker(new InMemoryTokenStore(), manualClock());
    let calls = 0;
    const failing = async (): Promise<FetchedToken> => {
      calls += 1;
      throw new Error('boom');
    };
    const results = await Promise.allSettled([broker.get('k', failing), broker.get('k', failing)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toBe(1);
    const endpoint = tokenEndpoint();
    expect(await broker.get('k', endpoint.fetch)).toBe('token-1');
  });

  it('a source binds one key: get and invalidate go through the broker', async () => {
    const endpoint = tokenEndpoint();
    const source = new TokenBroker(new InMemoryTokenStore(), manualClock()).source('suite:s', endpoint.fetch);
    const first = await source.get();
    await source.invalidate(first);
    expect(await source.get()).toBe('token-2');
  });

  it('when a token is fetched or a fetch fails, then onFetch is told the key and the outcome, never the token', async () => {
    const records: unknown[] = [];
    const broker = new TokenBroker(new InMemoryTokenStore(), manualClock(), undefined, (r) => records.push(r));
    const refused = new Error('refused');
    await expect(
      broker.get('app:k', () => {
        throw refused;
      }),
    ).rejects.toBe(refused);
    await broker.get('app:k', tokenEndpoint().fetch);
    await broker.get('app:k', tokenEndpoint().fetch);
    expect(records).toEqual([
      { key: 'app:k', ok: false, error: refused },
      { key: 'app:k', ok: true },
    ]);
  });
  describe('with a store several processes share (exclusive section)', () => {
    /** One store seen by several brokers (processes), with a lock per key as the cloud's Postgres store takes one. */
    function sharedStore(): TokenStore & { sections: string[] } {
      const inner = new InMemoryTokenStore();
      const tails = new Map<string, Promise<unknown>>();
      const sections: string[] = [];
      return {
        sections,
        get: (key) => inner.get(key),
        set: (key, token) => inner.set(key, token),
        delete: (key) => inner.delete(key),
        async exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
          const run = (tails.get(key) ?? Promise.resolve()).then(async () => {
            sections.push(key);
            return fn();
          });
          tails.set(
            key,
            run.catch(() => undefined),
          );
          return run;
        },
      };
    }

    it('when three brokers ask on a cold cache at once, then one token request is made and all get its token', async () => {
      const store = sharedStore();
      const endpoint = tokenEndpoint();
      const clock = manualClock();
      const brokers = [1, 2, 3].map(() => new TokenBroker(store, clock));
      const tokens = await Promise.all(brokers.flatMap((b) => Array.from({ length: 100 }, () => b.get('app:k', endpoint.fetch))));
      expect(endpoint.calls).toBe(1);
      expect(new Set(tokens)).toEqual(new Set(['token-1']));
      // One section per broker (its in-process flight), not per caller; the later two found the token stored.
      expect(store.sections).toEqual(['app:k', 'app:k', 'app:k']);
    });

    it('when the stored token is fresh, then no section is entered', async () => {
      const store = sharedStore();
      const clock = manualClock();
      await store.set('app:k', { accessToken: 'stored', obtainedAt: clock.ms, expireIn: 7200 });
      const endpoint = tokenEndpoint();
      expect(await new TokenBroker(store, clock).get('app:k', endpoint.fetch)).toBe('stored');
      expect(store.sections).toEqual([]);
      expect(endpoint.calls).toBe(0);
    });

    it('when the fetch inside the section fails, then the next broker fetches again', async () => {
      const store = sharedStore();
      const clock = manualClock();
      const failing = async (): Promise<FetchedToken> => Promise.reject(new Error('token endpoint down'));
      await expect(new TokenBroker(store, clock).get('app:k', failing)).rejects.toThrow('token endpoint down');
      const endpoint = tokenEndpoint();
      expect(await new TokenBroker(store, clock).get('app:k', endpoint.fetch)).toBe('token-1');
    });
  });
});
