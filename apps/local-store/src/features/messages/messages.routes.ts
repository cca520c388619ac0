import {
  AcceptedMessageSchema,
  MessageDetailSchema,
  MessageParamsSchema,
  MessageRecipientsPageSchema,
  MessageRecipientsQuerySchema,
  MessagesPageSchema,
  MessagesQuerySchema,
  SendMessageBodySchema,
  SendMessageHeadersSchema,
} from '@dtg/contracts';
import type { ApiRegistry } from '@dtg/service-kit';
import { Router } from 'express';
import { callerOf, REFUSALS, type Access } from '../../http/access';
import type { MessageSending } from './message-send.service';
import type { MessagesService } from './messages.service';

export function messagesRoutes(api: ApiRegistry, access: Access, messages: MessagesService, sending: MessageSending): Router {
  const router = Router();
  const tags = ['messages'];
  api.add(
    router,
    {
      ...access.scope('messages:send'),
      method: 'post',
      path: '/api/messages',
      summary:
        'Send a work notification through the store: the cloud’s POST /v1/messages body and Idempotency-Key semantics (keys are per caller). ' +
        'Recorded here first and answered `queued`; relayed to the cloud with the store’s API key, and kept while the cloud is unreachable.',
      tags,
      input: { body: SendMessageBodySchema, headers: SendMessageHeadersSchema },
      responses: {
        202: { description: 'Queued (or the earlier message for this Idempotency-Key).', schema: AcceptedMessageSchema },
        400: { description: 'Invalid message or recipients (the field is named); nothing stored.' },
        409: { description: 'This Idempotency-Key was used with another body.' },
        ...REFUSALS,
      },
    },
    async ({ body, headers }, _req, res) => {
      const accepted = await sending.send(callerOf(res).id, body, headers['idempotency-key']);
      res
        .status(202)
        .location(`/api/messages/${encodeURIComponent(accepted.id)}`)
        .json(accepted);
    },
  );
  api.add(
    router,
    {
      ...access.scope('messages:read'),
      method: 'get',
      path: '/api/messages',
      summary: 'Work notifications, newest first, with recipient counts per status (org members: the ones they sent).',
      tags,
      input: { query: MessagesQuerySchema },
      responses: { 200: { description: 'One page.', schema: MessagesPageSchema }, 400: { description: 'Bad query.' }, ...REFUSALS },
    },
    async ({ query }, _req, res) => {
      res.json(await messages.list(callerOf(res), query));
    },
  );
  api.add(
    router,
    {
      ...access.scope('messages:read'),
      method: 'get',
      path: '/api/messages/:id',
      summary: "One work notification (by the store's id or the cloud's) with every recipient's status and reason.",
      tags,
      input: { params: MessageParamsSchema },
      responses: {
        200: { description: 'The message.', schema: MessageDetailSchema },
        ...REFUSALS,
        404: { description: 'Unknown message (or another person’s, for an org member).' },
      },
    },
    async ({ params }, _req, res) => {
      res.json(await messages.get(callerOf(res), params.id));
    },
  );
  api.add(
    router,
    {
      ...access.scope('messages:read'),
      method: 'get',
      path: '/api/messages/:id/recipients',
      summary:
        "A message's recipients page by page (by userid), optionally only some statuses (`status=pending,sent`); the detail carries the first 500 and where to continue.",
      tags,
      input: { params: MessageParamsSchema, query: MessageRecipientsQuerySchema },
      responses: {
        200: { description: 'One page of recipients.', schema: MessageRecipientsPageSchema },
        ...REFUSALS,
        404: { description: 'Unknown message (or another person’s, for an org member).' },
      },
    },
    async ({ params, query }, _req, res) => {
      res.json(await messages.recipients(callerOf(res), params.id, query));
    },
  );
  return router;
}
