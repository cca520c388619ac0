import { Router } from 'express';
import type { OrgPrincipal } from '../auth/principal';
import { endpoint } from '../core/endpoint';
import type { World } from '../world';

const ORG_TOKENS = ['app', 'corp'] as const;

/**
 * The JSAPI ticket an H5 page's dd.config signature is made with (dingtalk-api.md §2.6), on both
 * hosts: the old `GET /get_jsapi_ticket?access_token=` and the new `POST /v1.0/oauth2/jsapiTickets`
 * (token in x-acs-dingtalk-access-token). One ticket per org, shared by both. A bad or expired
 * token gets each host's own error (40014 / InvalidAuthentication) from the token guard.
 */
export function jsapiRoutes(world: World): Router {
  const router = Router();
  const ticketOf = (principal: unknown) => world.oauth.jsapiTicket((principal as OrgPrincipal).corpId, world.clock.now());
  router.get(
    '/get_jsapi_ticket',
    endpoint(world, 'oapi', '/get_jsapi_ticket', {
      auth: ORG_TOKENS,
      handle: ({ principal }) => {
        const { ticket, expiresInS } = ticketOf(principal);
        return { ticket, expires_in: expiresInS };
      },
    }),
  );
  router.post(
    '/v1.0/oauth2/jsapiTickets',
    endpoint(world, 'api', '/v1.0/oauth2/jsapiTickets', {
      auth: ORG_TOKENS,
      handle: ({ principal }) => {
        const { ticket, expiresInS } = ticketOf(principal);
        return { jsapiTicket: ticket, expireIn: expiresInS };
      },
    }),
  );
  return router;
}
