import {
  CreateSubscriptionRequestSchema,
  DeliveriesPageSchema,
  DeliveriesQuerySchema,
  DeliveryDetailSchema,
  DeliveryParamsSchema,
  ReplayRequestSchema,
  ReplayResultSchema,
  SubscriptionListSchema,
  SubscriptionParamsSchema,
  SubscriptionSchema,
  SubscriptionWithSecretSchema,
} from '@dtg/contracts';
import type { ApiRegistry } from '@dtg/service-kit';
import { Router } from 'express';
import { callerOf, REFUSALS, type Access } from '../../http/access';
import type { Subscriptions } from './subscriptions.service';

const unknown = { 404: { description: 'No such subscription.' } };

export function subscriptionsRoutes(api: ApiRegistry, access: Access, subscriptions: Subscriptions): Router {
  const router = Router();
  const common = { ...access.scope('subscriptions:manage'), tags: ['subscriptions'] };
  const params = SubscriptionParamsSchema;

  api.add(
    router,
    {
      ...common,
      method: 'post',
      path: '/api/subscriptions',
      summary:
        'Register an endpoint for change events (Standard Webhooks). The signing secret (whsec_…) is in this answer only. It receives what changes from now on.',
      input: { body: CreateSubscriptionRequestSchema },
      responses: {
        201: { description: 'Created.', schema: SubscriptionWithSecretSchema },
        400: { description: 'Bad URL or event type; nothing stored.' },
        ...REFUSALS,
      },
    },
    async ({ body }, _req, res) => {
      res.status(201).json(await subscriptions.create(body, callerOf(res).id));
    },
  );
  api.add(
    router,
    {
      ...common,
      method: 'get',
      path: '/api/subscriptions',
      summary: 'Every subscription, oldest first (never the secrets).',
      responses: { 200: { description: 'The list.', schema: SubscriptionListSchema }, ...REFUSALS },
    },
    async (_input, _req, res) => {
      res.json({ items: await subscriptions.list() });
    },
  );
  api.add(
    router,
    {
      ...common,
      method: 'get',
      path: '/api/subscriptions/:id',
      summary: 'One subscription.',
      input: { params },
      responses: { 200: { description: 'It.', schema: SubscriptionSchema }, ...REFUSALS, ...unknown },
    },
    async ({ params: { id } }, _req, res) => {
      res.json(await subscriptions.get(id));
    },
  );
  api.add(
    router,
    {
      ...common,
      method: 'delete',
      path: '/api/subscriptions/:id',
      summary: 'Delete a subscription with its delivery log; nothing more is pushed to it.',
      input: { params },
      responses: { 204: { description: 'Deleted.' }, ...REFUSALS, ...unknown },
    },
    async ({ params: { id } }, _req, res) => {
      await subscriptions.remove(id);
      res.status(204).end();
    },
  );
  api.add(
    router,
    {
      ...common,
      method: 'post',
      path: '/api/subscriptions/:id/pause',
      summary: 'Stop pushing to the endpoint; events keep queuing for it.',
      input: { params },
      responses: { 200: { description: 'Paused.', schema: SubscriptionSchema }, ...REFUSALS, ...unknown },
    },
    async ({ params: { id } }, _req, res) => {
      res.json(await subscriptions.pause(id));
    },
  );
  api.add(
    router,
    {
      ...common,
      method: 'post',
      path: '/api/subscriptions/:id/resume',
      summary: 'Push again, starting with what queued up while paused.',
      input: { params },
      responses: { 200: { description: 'Active.', schema: SubscriptionSchema }, ...REFUSALS, ...unknown },
    },
    async ({ params: { id } }, _req, res) => {
      res.json(await subscriptions.resume(id));
    },
  );
  api.add(
    router,
    {
      ...common,
      method: 'post',
      path: '/api/subscriptions/:id/rotate-secret',
      summary: 'A new signing secret (in this answer only); for 24 h pushes carry signatures with both the new and the previous one.',
      input: { params },
      responses: { 200: { description: 'Rotated.', schema: SubscriptionWithSecretSchema }, ...REFUSALS, ...unknown },
    },
    async ({ params: { id } }, _req, res) => {
      res.json(await subscriptions.rotateSecret(id));
    },
  );
  api.add(
    router,
    {
      ...common,
      method: 'post',
      path: '/api/subscriptions/:id/replay',
      summary: 'Push every matching event from `fromSeq` on again, dead ones included, and any the subscription never had.',
      input: { params, body: ReplayRequestSchema },
      responses: { 200: { description: 'Queued.', schema: ReplayResultSchema }, 400: { description: 'Bad fromSeq.' }, ...REFUSALS, ...unknown },
    },
    async ({ params: { id }, body }, _req, res) => {
      res.json(await subscriptions.replay(id, body.fromSeq));
    },
  );
  api.add(
    router,
    {
      ...common,
      method: 'get',
      path: '/api/subscriptions/:id/deliveries',
      summary: 'The delivery log, newest first; `status=dead` lists dead letters.',
      input: { params, query: DeliveriesQuerySchema },
      responses: { 200: { description: 'One page.', schema: DeliveriesPageSchema }, 400: { description: 'Bad filter.' }, ...REFUSALS, ...unknown },
    },
    async ({ params: { id }, query }, _req, res) => {
      res.json(await subscriptions.deliveries(id, query));
    },
  );
  api.add(
    router,
    {
      ...common,
      method: 'get',
      path: '/api/subscriptions/:id/deliveries/:deliveryId',
      summary: 'One delivery with every attempt (status, duration, the first KB of the answer or the error).',
      input: { params: DeliveryParamsSchema },
      responses: {
        200: { description: 'The delivery.', schema: DeliveryDetailSchema },
        ...REFUSALS,
        404: { description: 'No such subscription or delivery.' },
      },
    },
    async ({ params: { id, deliveryId } }, _req, res) => {
      res.json(await subscriptions.delivery(id, deliveryId));
    },
  );
  return router;
}
