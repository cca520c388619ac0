import type { Router } from 'express';
import type { ApiRegistry } from '@dtg/service-kit';
import { principal, requireScope } from '../auth/authenticate.middleware';
import type { MessagesFeature } from './messages.feature';
import {
  AcceptedMessageSchema,
  MessageRecipientsPageSchema,
  MessageRecipientsQuerySchema,
  SendMessageBodySchema,
  SendMessageHeadersSchema,
} from '@dtg/contracts';
import { MessageIdParamsSchema, MessageViewSchema } from './messages.schemas';

const common = { tags: ['messages'], security: ['bearer'] };
const denied = {
  401: { description: 'Missing or invalid credentials' },
  403: { description: 'Suspended tenant, or a missing permission (named in `missingPermission`)' },
};
const missing = { 404: { description: 'No such message for this tenant' } };

/** Work notifications: send (202, then events), read the cloud's view, recall. */
export function messagesRoutes(messages: MessagesFeature, api: ApiRegistry): Router {
  const router = api.router('/v1/messages');
  api.add(
    router,
    {
      ...common,
      method: 'post',
      path: '/v1/messages',
      summary:
        'Send a work notification (asynchronously; Idempotency-Key honoured): `msg`, or for ISV apps `template` {id, data} (sent with sendbytemplate). Members (user tokens of people who are not org admins) send within the tenant’s member policy',
      before: [requireScope('messages:send')],
      input: { body: SendMessageBodySchema, headers: SendMessageHeadersSchema },
      responses: {
        202: { description: 'Accepted: stored and queued (or the earlier message for this Idempotency-Key)', schema: AcceptedMessageSchema },
        400: { description: 'Invalid message or recipients; nothing stored or sent' },
        409: {
          description:
            'Idempotency-Key reused with a different body; or `template_required`: the tenant sends only by template (an ISV suite created after 2020-11-27) and a `msg` was given, or a `template` cannot be sent (internal-app tenant, no id and no tenant default)',
        },
        ...denied,
      },
    },
    async ({ body, headers }, _req, res) => {
      const accepted = await messages.service.send(principal(res), body, headers['idempotency-key']);
      res.status(202).location(`/v1/messages/${accepted.id}`).json(accepted);
    },
  );
  api.add(
    router,
    {
      ...common,
      method: 'get',
      path: '/v1/messages/:id',
      summary: "The cloud's view of a message: status, counts, chunks with task ids, the first 500 recipients (members: only messages they sent)",
      before: [requireScope('messages:read')],
      input: { params: MessageIdParamsSchema },
      responses: { 200: { description: 'The message', schema: MessageViewSchema }, ...denied, ...missing },
    },
    async ({ params }, _req, res) => {
      res.json(await messages.service.get(principal(res), params.id));
    },
  );
  api.add(
    router,
    {
      ...common,
      method: 'get',
      path: '/v1/messages/:id/recipients',
      summary:
        "A message's recipients page by page (by userid), optionally only some statuses (`status=unread`); the message's view carries the first 500 and where to continue (members: only messages they sent)",
      before: [requireScope('messages:read')],
      input: { params: MessageIdParamsSchema, query: MessageRecipientsQuerySchema },
      responses: {
        200: { description: 'One page of recipients', schema: MessageRecipientsPageSchema },
        400: { description: 'A malformed status list, cursor or limit' },
        ...denied,
        ...missing,
      },
    },
    async ({ params, query }, _req, res) => {
      res.json(await messages.service.recipients(principal(res), params.id, query));
    },
  );
  api.add(
    router,
    {
      ...common,
      method: 'delete',
      path: '/v1/messages/:id',
      summary: 'Recall every sent chunk (within 24 h of sending; members: only messages they sent)',
      before: [requireScope('messages:send')],
      input: { params: MessageIdParamsSchema },
      responses: {
        200: { description: 'Recalled', schema: MessageViewSchema },
        409: { description: 'Still being dispatched, or nothing was sent' },
        410: { description: 'Sent more than 24 h ago: DingTalk no longer recalls it' },
        502: { description: 'DingTalk refused or did not answer; retry' },
        ...denied,
        ...missing,
      },
    },
    async ({ params }, _req, res) => {
      res.json(await messages.recalls.recall(principal(res), params.id));
    },
  );
  return router;
}
