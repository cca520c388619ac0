import { Router } from 'express';
import type { OrgPrincipal } from '../auth/principal';
import { endpoint } from '../core/endpoint';
import type { World } from '../world';

const MAX_ITEMS = 200;

/** `get_call_back_failed_result`: events whose push and retries all failed, handed out once. */
export function callbackFailureRoutes(world: World): Router {
  const router = Router();
  router.all(
    '/call_back/get_call_back_failed_result',
    endpoint(world, 'oapi', '/call_back/get_call_back_failed_result', {
      auth: ['app', 'corp'],
      handle: ({ principal }) => {
        const p = principal as OrgPrincipal;
        const { items, hasMore } =
          p.kind === 'app' ? world.callbacks.takeFailed(p.appKey, undefined, MAX_ITEMS) : world.callbacks.takeFailed(p.suiteKey, p.corpId, MAX_ITEMS);
        return {
          has_more: hasMore,
          failed_list: items.map((d) => {
            const { EventType, ...payload } = d.event;
            const tag = typeof EventType === 'string' ? EventType : 'unknown';
            return { call_back_tag: tag, event_time: d.createdAtMs, [tag]: payload };
          }),
        };
      },
    }),
  );
  return router;
}
