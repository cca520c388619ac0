// Managing subscriptions (scope subscriptions:manage): create (secret shown once), list, pause,
// resume, rotate the secret, replay from a seq, delete, and read the delivery log.
import type {
  CreateSubscriptionRequest,
  DeliveriesPage,
  DeliveriesQuery,
  DeliveryDetail,
  ReplayResult,
  Subscription,
  SubscriptionWithSecret,
} from '@dtg/contracts';
import { decodeCursor, nextCursor, notFound } from '@dtg/service-kit';
import { generateWebhookSecret } from '@dtg/webhook-signing';
import { z } from 'zod';
import type { Database } from '../../db/database';
import { newId } from '../../shared/ids';
import { deliveriesRepository } from './deliveries.repository';
import { subscriptionsRepository as repo, toSubscription, type SubscriptionRow } from './subscriptions.repository';

/** After a rotation, pushes carry both signatures this long, so the endpoint can switch secrets without missing one. */
export const SECRET_ROTATION_GRACE_MS = 24 * 3_600_000;

const DeliveryCursorSchema = z.object({ before: z.string().regex(/^\d+$/) });

export function createSubscriptions(db: Database, tenantId: string, onChange: () => void) {
  const { sql } = db;
  const found = (row: SubscriptionRow | undefined, id: string): Subscription => {
    if (!row) throw notFound(`No subscription ${id}.`);
    return toSubscription(row);
  };
  const ensure = async (id: string) => found(await repo.find(sql, tenantId, id), id);

  return {
    async create(request: CreateSubscriptionRequest, createdBy: string): Promise<SubscriptionWithSecret> {
      const secret = generateWebhookSecret();
      const row = await repo.insert(sql, tenantId, {
        id: newId('sub'),
        url: request.url,
        description: request.description,
        eventTypes: request.eventTypes,
        secret,
        createdBy,
      });
      return { subscription: toSubscription(row), secret };
    },

    async list(): Promise<Subscription[]> {
      return (await repo.list(sql, tenantId)).map(toSubscription);
    },

    get: ensure,

    async pause(id: string): Promise<Subscription> {
      return found(await repo.setStatus(sql, tenantId, id, 'paused'), id);
    },

    /** What queued up while paused goes out now. */
    async resume(id: string): Promise<Subscription> {
      const subscription = found(await repo.setStatus(sql, tenantId, id, 'active'), id);
      onChange();
      return subscription;
    },

    async rotateSecret(id: string): Promise<SubscriptionWithSecret> {
      const secret = generateWebhookSecret();
      return { subscription: found(await repo.rotateSecret(sql, tenantId, id, secret, SECRET_ROTATION_GRACE_MS), id), secret };
    },

    async replay(id: string, fromSeq: number): Promise<ReplayResult> {
      await ensure(id);
      const requeued = await deliveriesRepository.replay(db.pool, id, fromSeq);
      onChange();
      return { requeued, fromSeq };
    },

    async remove(id: string): Promise<void> {
      if (!(await repo.delete(sql, tenantId, id))) throw notFound(`No subscription ${id}.`);
    },

    async deliveries(id: string, query: DeliveriesQuery): Promise<DeliveriesPage> {
      await ensure(id);
      const beforeId = query.cursor === undefined ? undefined : decodeCursor(query.cursor, DeliveryCursorSchema).before;
      const { items, hasMore } = await deliveriesRepository.list(sql, id, { status: query.status, beforeId, limit: query.limit });
      return { items, nextCursor: nextCursor(items, hasMore, (last) => ({ before: last.id })) };
    },

    async delivery(id: string, deliveryId: string): Promise<DeliveryDetail> {
      await ensure(id);
      const detail = await deliveriesRepository.find(sql, id, deliveryId);
      if (!detail) throw notFound(`No delivery ${deliveryId} for subscription ${id}.`);
      return { ...detail.delivery, attemptLog: detail.attempts };
    },
  };
}

export type Subscriptions = ReturnType<typeof createSubscriptions>;
