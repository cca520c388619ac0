// Signing out here revokes the session's cloud user token at the cloud. The revocation is written
// in the transaction that ends the session (cloud_token_revocations) and sent from here: at once,
// then again with backoff while the cloud cannot be reached or refuses; a row goes only once the
// cloud has confirmed, so a revocation is never dropped.
import type { Logger } from '@dtg/service-kit';
import type { CloudClient } from '../../cloud/cloud-client';
import type { Sql } from '../../db/sql';
import { tokenRevocationsRepository as repo } from './token-revocations.repository';

export interface TokenRevoker {
  start(): void;
  /** Send what is due as soon as possible (coalesced with a run in progress). */
  trigger(): void;
  /** Sends what is due now; resolves when every due revocation was tried once. */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

export interface TokenRevokerOptions {
  sql: Sql;
  cloud: CloudClient;
  tenantId: string;
  logger: Logger;
  /** How often due revocations are looked for. Default 5000 ms. */
  intervalMs?: number;
  /** Longest wait between two tries of one revocation. Default 30000 ms. */
  maxBackoffMs?: number;
}

const BATCH = 50;

export function createTokenRevoker(options: TokenRevokerOptions): TokenRevoker {
  const { sql, cloud, tenantId, logger } = options;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let rerun = false;

  const sendDue = async (): Promise<void> => {
    for (const due of await repo.due(sql, tenantId, BATCH)) {
      try {
        await cloud.revokeUserToken(due.tokenId);
        await repo.done(sql, due.tokenId);
        logger.debug('cloud token revoked', { cloudTokenId: due.tokenId });
      } catch (error) {
        const retryInMs = Math.min(1000 * 2 ** due.attempts, maxBackoffMs);
        const reason = error instanceof Error ? error.message : String(error);
        await repo.failed(sql, due.tokenId, retryInMs, reason);
        logger.warn('cloud token revocation failed; it will be retried', { cloudTokenId: due.tokenId, attempts: due.attempts + 1, retryInMs, reason });
      }
    }
  };

  const run = (): Promise<void> => {
    if (running) {
      rerun = true;
      return running;
    }
    const current = (async () => {
      do {
        rerun = false;
        await sendDue();
      } while (rerun);
    })()
      .catch((error: unknown) => {
        logger.warn('cloud token revocations could not be read', { err: error });
      })
      .finally(() => {
        running = undefined;
      });
    running = current;
    return current;
  };

  return {
    start() {
      // run() logs its own failures and never rejects; start() and trigger() only set it going.
      timer ??= setInterval(() => void run(), options.intervalMs ?? 5000);
      timer.unref();
      void run();
    },
    trigger() {
      void run(); // as in start()
    },
    runOnce: run,
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
