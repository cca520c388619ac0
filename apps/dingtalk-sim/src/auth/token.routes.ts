import { Router } from 'express';
import { endpoint } from '../core/endpoint';
import { locals } from '../core/http-locals';
import { SimError } from '../core/sim-error';
import type { World } from '../world';
import { verifySignedQuery } from './request-signature';
import { appToken, corpToken, requireCurrentTicket, requireSuite, suiteToken, unifiedToken } from './token.service';

/** Token endpoints on both hosts (dingtalk-api.md §1). */
export function tokenRoutes(world: World): Router {
  const router = Router();

  router.all('/gettoken', (req, res, next) => {
    // Parameters only count in the query string; a form body is ignored (PROBE P2).
    if (locals(res).body.kind !== 'none') locals(res).body = { kind: 'none' };
    next();
  });
  router.all(
    '/gettoken',
    endpoint(world, 'oapi', '/gettoken', {
      clientKey: ({ query }) => query['appkey'],
      handle: ({ query }) => {
        const appkey = query['appkey'] ?? query['corpid'];
        if (!appkey) throw new SimError('missing_param', 'missing corpid or appkey');
        const secret = query['appsecret'] ?? query['corpsecret'];
        if (!secret) throw new SimError('missing_param', 'missing secret', { errcode: 41004 });
        if (query['appkey'] === undefined) throw new SimError('invalid_credentials', 'invalid corpid or corpsecret', { errcode: 40089 });
        const t = appToken(world, appkey, secret);
        return { access_token: t.token, expires_in: t.expiresInSeconds };
      },
    }),
  );

  router.post(
    '/v1.0/oauth2/accessToken',
    endpoint(world, 'api', '/v1.0/oauth2/accessToken', {
      clientKey: ({ params }) => params.optStr('appKey'),
      handle: ({ params }) => {
        const t = appToken(world, params.str('appKey'), params.str('appSecret'));
        return { accessToken: t.token, expireIn: t.expiresInSeconds };
      },
    }),
  );

  router.post(
    '/v1.0/oauth2/:corpId/token',
    endpoint(world, 'api', '/v1.0/oauth2/{corpId}/token', {
      clientKey: ({ params }) => params.optStr('client_id'),
      handle: ({ params, pathParams }) => {
        const t = unifiedToken(world, pathParams['corpId'] ?? '', params.str('client_id'), params.str('client_secret'), params.str('grant_type'));
        return { access_token: t.token, expires_in: t.expiresInSeconds };
      },
    }),
  );

  router.all(
    '/service/get_suite_token',
    endpoint(world, 'oapi', '/service/get_suite_token', {
      clientKey: ({ params }) => params.optStr('suite_key'),
      handle: ({ params }) => {
        const t = suiteToken(world, params.str('suite_key'), params.str('suite_secret'), params.str('suite_ticket'), 'invalid_suite_key');
        return { suite_access_token: t.token, expires_in: t.expiresInSeconds };
      },
    }),
  );

  router.post(
    '/v1.0/oauth2/suiteAccessToken',
    endpoint(world, 'api', '/v1.0/oauth2/suiteAccessToken', {
      clientKey: ({ params }) => params.optStr('suiteKey'),
      handle: ({ params }) => {
        const t = suiteToken(world, params.str('suiteKey'), params.str('suiteSecret'), params.str('suiteTicket'), 'invalid_credentials');
        return { accessToken: t.token, expireIn: t.expiresInSeconds };
      },
    }),
  );

  router.post(
    '/v1.0/oauth2/corpAccessToken',
    endpoint(world, 'api', '/v1.0/oauth2/corpAccessToken', {
      clientKey: ({ params }) => params.optStr('suiteKey'),
      handle: ({ params }) => {
        const suite = requireSuite(world, params.str('suiteKey'), params.str('suiteSecret'), 'invalid_suite_key');
        const corpId = params.str('authCorpId');
        requireCurrentTicket(world, suite, params.str('suiteTicket'));
        const t = corpToken(world, suite, corpId);
        return { accessToken: t.token, expireIn: t.expiresInSeconds };
      },
    }),
  );

  router.all(
    '/service/get_corp_token',
    endpoint(world, 'oapi', '/service/get_corp_token', {
      clientKey: ({ query }) => query['accessKey'],
      handle: ({ params, query }) => {
        const suite = signedSuite(world, query);
        const t = corpToken(world, suite, params.str('auth_corpid'));
        return { access_token: t.token, expires_in: t.expiresInSeconds };
      },
    }),
  );

  return router;
}

/** Old signed ISV call: accessKey = SuiteKey, HMAC over timestamp + "\n" + suiteTicket. */
export function signedSuite(world: World, query: Record<string, string>) {
  const suite = world.registry.suite(query['accessKey'] ?? '');
  if (!suite) throw new SimError('signature_unknown_key', 'unknown accessKey');
  verifySignedQuery(query, suite.suiteSecret, world.clock.now(), world.config.signatureSkewMs);
  requireCurrentTicket(world, suite, query['suiteTicket'] ?? '');
  return suite;
}
