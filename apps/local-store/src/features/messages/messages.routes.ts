import { MessageDetailSchema, MessageParamsSchema, MessagesPageSchema, MessagesQuerySchema } from '@dtg/contracts';
import type { ApiRegistry } from '@dtg/service-kit';
import { Router } from 'express';
import { REFUSALS, type Access } from '../../http/access';
import type { MessagesService } from './messages.service';

export function messagesRoutes(api: ApiRegistry, access: Access, messages: MessagesService): Router {
  const router = Router();
  const tags = ['messages'];
  api.add(
    router,
    {
      ...access.scope('messages:read'),
      method: 'get',
      path: '/api/messages',
      summary: 'Work notifications, newest first, with recipient counts per status.',
      tags,
      input: { query: MessagesQuerySchema },
      responses: { 200: { description: 'One page.', schema: MessagesPageSchema }, 400: { description: 'Bad query.' }, ...REFUSALS },
    },
    async ({ query }, _req, res) => {
      res.json(await messages.list(query));
    },
  );
  api.add(
    router,
    {
      ...access.scope('messages:read'),
      method: 'get',
      path: '/api/messages/:id',
      summary: "One work notification with every recipient's status and reason.",
      tags,
      input: { params: MessageParamsSchema },
      responses: { 200: { description: 'The message.', schema: MessageDetailSchema }, ...REFUSALS, 404: { description: 'Unknown message.' } },
    },
    async ({ params }, _req, res) => {
      res.json(await messages.get(params.id));
    },
  );
  return router;
}
