import { Router } from 'express';
import { z } from 'zod';
import { endpoint } from '../core/endpoint';
import { invalidParam, SimError } from '../core/sim-error';
import type { World } from '../world';
import { STREAM_CONNECT_PATH } from './stream-gateway';
import { SubscriptionSchema } from './stream-frames';

const SubscriptionsSchema = z.array(SubscriptionSchema).min(1).max(100);

/**
 * `POST /v1.0/gateway/connections/open` (dingtalk-api.md §7): the app's (or suite's) clientId and
 * clientSecret and its subscriptions in the body → `{endpoint, ticket}`; the WebSocket endpoint is
 * this simulator's own `/connect`.
 */
export function streamRoutes(world: World): Router {
  const router = Router();
  router.post(
    '/v1.0/gateway/connections/open',
    endpoint(world, 'api', '/v1.0/gateway/connections/open', {
      clientKey: ({ params }) => params.optStr('clientId'),
      handle: ({ params, requestHost }) => {
        const clientId = params.str('clientId');
        const clientSecret = params.str('clientSecret');
        const app = world.registry.app(clientId);
        const suite = world.registry.suite(clientId);
        if (!app && !suite) throw new SimError('invalid_credentials', `no app or suite has clientId ${clientId}`);
        if ((app?.appSecret ?? suite?.suiteSecret) !== clientSecret) throw new SimError('invalid_credentials', 'clientSecret does not match the clientId');
        const subscriptions = SubscriptionsSchema.safeParse(params.raw('subscriptions'));
        if (!subscriptions.success) throw invalidParam('subscriptions', 'a non-empty array of {type: EVENT|CALLBACK, topic}');
        const ticket = world.stream.issueTicket(clientId, subscriptions.data);
        return { endpoint: `ws://${requestHost}${STREAM_CONNECT_PATH}`, ticket };
      },
    }),
  );
  return router;
}
