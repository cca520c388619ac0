// The job behind every stored callback event. Processed exactly once per event row: a finished row
// is skipped, and its outbox events are written in the transaction that marks it processed.
import { z } from 'zod';
import { AppError, type Logger } from '@dtg/service-kit';
import type { SqlDatabase } from '../../db/prisma';
import type { JobResult } from '../jobs/job-runner';
import type { SuiteEvents } from './suite-events.service';
import type { Tenant } from '../tenants/tenant';
import { tenantsRepository } from '../tenants/tenants.repository';
import type { TenantsService } from '../tenants/tenants.service';
import type { EventEffect } from './callback-effect';
import { callbackEventsRepository as events, type StoredCallbackEvent } from './callback-events.repository';
import type { ContactEvents } from './contact-events.service';
import { keyedSerializer } from '../../shared/keyed-serializer';

const JobPayloadSchema = z.object({ eventId: z.string().min(1) });

export interface CallbackProcessorDeps {
  /** The events' rows and effects as direct SQL; its `exclusive` keeps one org's events apart across replicas (Postgres). */
  sqldb: SqlDatabase;
  tenants: TenantsService;
  contacts: ContactEvents;
  /** Present when a suite is configured. */
  suite?: { suiteKey: string; events: SuiteEvents };
  logger: Logger;
  now: () => number;
}

export function callbackProcessor(deps: CallbackProcessorDeps) {
  const { sqldb, logger } = deps;
  // Per org: in this process its events are applied in the order they were claimed, and across
  // replicas (Postgres) never two at once — each reads DingTalk's state, then commits.
  const serialize = keyedSerializer();

  async function internalTenant(tenantId: string): Promise<Tenant | string> {
    try {
      return await deps.tenants.get(tenantId);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return `tenant ${tenantId} no longer exists`;
      throw err;
    }
  }

  async function effectOf(event: StoredCallbackEvent): Promise<EventEffect> {
    const [kind, key = ''] = event.source.split(/:(.*)/s);
    if (kind === 'app') {
      const tenant = await internalTenant(key);
      return typeof tenant === 'string' ? { failed: tenant } : deps.contacts.handle(tenant, event);
    }
    if (!deps.suite || deps.suite.suiteKey !== key) return { failed: `suite ${key} is not configured` };
    if (!deps.contacts.isContactEvent(event.eventType)) return deps.suite.events.handle(event);
    const { corpId } = event;
    const tenant = corpId ? await sqldb.read(async (sql) => tenantsRepository.findByCorp(sql, corpId, 'isv')) : null;
    return tenant ? deps.contacts.handle(tenant, event) : { failed: `no suite install (ISV tenant) for corp ${event.corpId ?? '?'}` };
  }

  async function apply(eventId: string): Promise<JobResult> {
    const event = await sqldb.read(async (sql) => events.find(sql, eventId));
    if (!event || event.status !== 'received') return { done: true };
    let effect: EventEffect;
    try {
      effect = await effectOf(event);
    } catch (err) {
      // Kept on the row for operators; the job runner retries with backoff.
      await sqldb.write(async (tx) => events.noteError(tx, event.id, err instanceof Error ? err.message : String(err)));
      throw err;
    }
    await sqldb.write(async (tx) => {
      await effect.commit?.(tx);
      await events.finish(tx, event.id, effect.failed ? 'failed' : 'processed', new Date(deps.now()), effect.failed ?? null);
    });
    if (effect.failed) logger.warn('callback event not applied', { callbackEventId: event.id, eventType: event.eventType, reason: effect.failed });
    return { done: true };
  }

  // The org (the serializer's key) is on the event's row, so each job reads it first. Those reads
  // can answer out of order (Postgres runs them on different connections): they take turns, and
  // each job joins its org's queue before the next read starts, so the queue keeps the claim order.
  const lookups = keyedSerializer();
  return async function process(payload: unknown): Promise<JobResult> {
    const { eventId } = JobPayloadSchema.parse(payload);
    const queued = await lookups('lookup', async () => {
      const event = await sqldb.read(async (sql) => events.find(sql, eventId));
      if (!event || event.status !== 'received') return { run: Promise.resolve<JobResult>({ done: true }) };
      const key = `callbacks|${event.source}|${event.corpId ?? ''}`;
      // Wrapped, so the lookup's turn ends here rather than when the event has been applied.
      return { run: serialize(key, () => sqldb.exclusive(key, () => apply(eventId))) };
    });
    return queued.run;
  };
}
