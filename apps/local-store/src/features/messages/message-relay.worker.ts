// Relays sends asked of this store to the cloud (POST /v1/messages with the tenant's API key). The
// Idempotency-Key is the request's own id, so however often a request is tried — a retry after a
// timeout, a lease that ran out after a crash — the cloud accepts it once. While the cloud cannot
// be reached (or answers 5xx/429) the request stays queued and is tried again, backing off up to
// MAX_BACKOFF_MS; an answer that can never change (400, 404, 409, 413, 422) marks it failed.
import { sendBodyOf } from '@dtg/contracts';
import type { Logger } from '@dtg/service-kit';
import type { Pool } from 'pg';
import { CloudRequestError, type CloudClient } from '../../cloud/cloud-client';
import { inTransaction, runStatements, type Sql } from '../../db/sql';
import { newId } from '../../shared/ids';
import { changesRepository } from '../changes/changes.repository';
import { messageRequestsRepository as repo, type RequestRow } from './message-requests.repository';

const FINAL_STATUSES = new Set([400, 404, 409, 413, 422]);
const MAX_BACKOFF_MS = 5_000;
const BATCH = 8;
/** Covers the cloud call's own deadline with room to record the answer. */
const LEASE_MS = 30_000;

export interface MessageRelayDeps {
  pool: Pool;
  sql: Sql;
  cloud: CloudClient;
  tenantId: string;
  logger: Logger;
  pollIntervalMs: number;
  /** Told when a relay wrote change events. */
  onChanged: () => void;
}

export class MessageRelay {
  private readonly owner = newId('rly');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;

  constructor(private readonly deps: MessageRelayDeps) {}

  start(): void {
    this.stopped = false;
    this.kick();
  }

  /** A request was queued: relay now (coalesced with a round in progress). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.round()
      .catch((err: unknown) => {
        this.deps.logger.error('message relay round failed', { err });
      })
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.kick();
        } else {
          this.timer = setTimeout(() => this.kick(), this.deps.pollIntervalMs);
          this.timer.unref();
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async round(): Promise<void> {
    for (;;) {
      const claimed = await repo.claim(this.deps.sql, this.deps.tenantId, this.owner, BATCH, LEASE_MS);
      if (claimed.length === 0 || this.stopped) return;
      await Promise.all(claimed.map((request) => this.relay(request)));
    }
  }

  private async relay(request: RequestRow): Promise<void> {
    const { tenantId, logger } = this.deps;
    // The channel only when one was asked for: the body (and its Idempotency-Key hash) stays as before otherwise.
    const channel = request.channel === null ? {} : { channel: request.channel };
    const body = { ...sendBodyOf(request.recipients_spec, request.msg), ...channel } as Parameters<CloudClient['sendMessage']>[0];
    let answer: Awaited<ReturnType<CloudClient['sendMessage']>>;
    try {
      answer = await this.deps.cloud.sendMessage(body, request.id);
    } catch (error) {
      if (!(error instanceof CloudRequestError)) throw error;
      await this.retryLater(request, error.message);
      return;
    }
    if (answer.ok) {
      await this.record([repo.relayed(tenantId, request.id, answer.value.id)]);
      logger.info('message relayed to the cloud', { requestId: request.id, messageId: answer.value.id, attempts: request.attempts + 1 });
    } else if (FINAL_STATUSES.has(answer.status)) {
      const detail = (answer.body as { detail?: unknown } | undefined)?.detail;
      const reason = `cloud answered ${answer.status}${typeof detail === 'string' ? `: ${detail}` : ''}`;
      await this.record([repo.failed(tenantId, request.id, reason)]);
      logger.warn('message refused by the cloud; not relayed', { requestId: request.id, status: answer.status });
    } else {
      await this.retryLater(request, `cloud answered ${answer.status}`);
    }
  }

  private async retryLater(request: RequestRow, reason: string): Promise<void> {
    const delayMs = Math.min(1_000 * 2 ** request.attempts, MAX_BACKOFF_MS);
    await repo.retryLater(this.deps.sql, this.deps.tenantId, request.id, this.owner, delayMs, reason);
    this.deps.logger.warn('message not relayed yet; will retry', { requestId: request.id, attempts: request.attempts + 1, reason, retryInMs: delayMs });
  }

  private async record(statements: ReturnType<typeof repo.relayed>[]): Promise<void> {
    await inTransaction(this.deps.pool, (sql) => runStatements(sql, [...statements, changesRepository.finalize(this.deps.tenantId)]));
    this.deps.onChanged();
  }
}
