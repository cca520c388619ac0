// Stream mode: one connection per internal-app tenant whose callbackMode is `stream` (its AppKey and
// AppSecret), and one for the suite when SUITE_EVENT_MODE is `stream`. Every EVENT goes into the same
// callback inbox as an HTTP push (keyed by DingTalk's eventId) and is acknowledged only once stored,
// so a redelivery — an ack lost with a dropped socket — changes nothing.
// The set of connections follows the tenants table: re-read after every admin-API change and every
// STREAM_SUPERVISE_INTERVAL (the admin CLI writes from another process). A tenant switched to http,
// suspended, deleted or given a new secret loses (or restarts) its connection.
import type { DingTalkStreamClient, StreamState, StreamStateChange } from '@dtg/dingtalk-client';
import type { Logger } from '@dtg/service-kit';
import type { SqlDatabase } from '../../db/prisma';
import type { SecretBox } from '../../shared/secret-box';
import type { CallbackInbox } from '../callbacks/callback-inbox.service';
import type { CallbackSourceKind } from '../callbacks/callback-payload';
import type { DingTalk } from '../dingtalk/org-clients';

export interface StreamConnectionsDeps {
  sqldb: SqlDatabase;
  secrets: SecretBox;
  dingtalk: DingTalk;
  inbox: CallbackInbox;
  suiteEventMode: 'http' | 'stream';
  superviseIntervalMs: number;
  logger: Logger;
}

interface Wanted {
  /** `app:<tenantId>` or `suite:<suiteKey>`: the callback source its events are stored under. */
  source: string;
  kind: CallbackSourceKind;
  tenantId?: string;
  clientId: string;
  secret: () => string;
  /** Changes when the credentials do: the connection is then restarted. */
  fingerprint: string;
}

interface Live {
  wanted: Wanted;
  client: DingTalkStreamClient;
  state: StreamState;
  since: Date;
  lastError?: string;
}

export interface StreamConnectionView {
  source: string;
  tenantId: string | null;
  clientId: string;
  state: StreamState;
  since: Date;
  connects: number;
  eventsReceived: number;
  lastConnectedAt: Date | null;
  lastError: string | null;
}

export function streamConnections(deps: StreamConnectionsDeps) {
  const { sqldb, logger } = deps;
  const live = new Map<string, Live>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let chain: Promise<void> = Promise.resolve();

  async function wanted(): Promise<Wanted[]> {
    const rows = await sqldb.read(async (sql) =>
      sql.all<{ id: string; appKey: string | null; appSecretEnc: string | null }>(
        `SELECT id, "appKey", "appSecretEnc" FROM "Tenant" WHERE mode = 'internal' AND "callbackMode" = 'stream' AND status = 'active'`,
      ),
    );
    const list: Wanted[] = rows.flatMap((r) => {
      const { appKey, appSecretEnc } = r;
      if (!appKey || !appSecretEnc) return [];
      return [
        {
          source: `app:${r.id}`,
          kind: 'app' as const,
          tenantId: r.id,
          clientId: appKey,
          secret: () => deps.secrets.open(appSecretEnc, 'Tenant.appSecretEnc', r.id),
          fingerprint: `${appKey}|${appSecretEnc}`,
        },
      ];
    });
    const suite = deps.dingtalk.suite;
    if (suite && deps.suiteEventMode === 'stream') {
      list.push({ source: `suite:${suite.suiteKey}`, kind: 'suite', clientId: suite.suiteKey, secret: () => suite.suiteSecret, fingerprint: suite.suiteKey });
    }
    return list;
  }

  function onState(entry: Live, change: StreamStateChange): void {
    entry.state = change.state;
    entry.since = new Date();
    const at = { source: entry.wanted.source, clientId: entry.wanted.clientId };
    if (change.state === 'open') logger.info('Stream connection open', at);
    if (change.state === 'backoff' && change.error) {
      entry.lastError = change.error.message;
      logger.warn('Stream connection lost or refused; reconnecting', { ...at, attempt: change.attempt, delayMs: change.delayMs, error: change.error.message });
    }
  }

  function open(w: Wanted): void {
    const endpoint = { kind: w.kind, source: w.source, ...(w.tenantId ? { tenantId: w.tenantId } : {}) };
    const entry = { wanted: w, state: 'idle', since: new Date() } as Live;
    entry.client = deps.dingtalk.client.stream({
      clientId: w.clientId,
      clientSecret: w.secret(),
      // Stored (or recognised as a redelivery) before the ack; a failed store throws → LATER.
      onEvent: async (event) => {
        await deps.inbox.acceptStream(endpoint, event);
        return 'SUCCESS';
      },
      onStateChange: (change) => onState(entry, change),
    });
    live.set(w.source, entry);
    entry.client.start();
  }

  async function reconcileOnce(): Promise<void> {
    const want = new Map((await wanted()).map((w) => [w.source, w]));
    for (const [source, entry] of live) {
      if (want.get(source)?.fingerprint === entry.wanted.fingerprint) continue;
      live.delete(source);
      await entry.client.stop();
      logger.info('Stream connection closed (tenant switched, suspended, removed or re-keyed)', { source });
    }
    if (stopped) return;
    for (const w of want.values()) if (!live.has(w.source)) open(w);
  }

  return {
    /** Opens what should be open, then keeps re-reading. */
    async start(): Promise<void> {
      await this.reconcile();
      // reconcile() is serialised and never rejects (it logs); the interval only starts it.
      timer = setInterval(() => void this.reconcile(), deps.superviseIntervalMs);
      timer.unref();
    },

    /** Brings the open connections in line with the tenants table (serialised; never throws). */
    reconcile(): Promise<void> {
      chain = chain.then(async () => {
        if (stopped) return;
        try {
          await reconcileOnce();
        } catch (err) {
          logger.error('could not reconcile Stream connections', { err });
        }
      });
      return chain;
    },

    /** At shutdown: no new connections, every socket closed, handlers in flight finished. */
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      await chain;
      await Promise.all([...live.values()].map((entry) => entry.client.stop()));
      live.clear();
    },

    list(): StreamConnectionView[] {
      return [...live.values()].map((e) => ({
        source: e.wanted.source,
        tenantId: e.wanted.tenantId ?? null,
        clientId: e.wanted.clientId,
        state: e.state,
        since: e.since,
        connects: e.client.stats.connects,
        eventsReceived: e.client.stats.eventsReceived,
        lastConnectedAt: e.client.stats.lastConnectedAt ?? null,
        lastError: e.lastError ?? null,
      }));
    },
  };
}

export type StreamConnections = ReturnType<typeof streamConnections>;
