import { Router } from 'express';
import { endpoint } from '../core/endpoint';
import { invalidParam, SimError } from '../core/sim-error';
import type { World } from '../world';
import type { Principal } from './principal';
import { authInfo, newAuthInfoBody, oldAuthInfoBody } from './isv-auth.service';
import { signedSuite } from './token.routes';

function suiteOf(world: World, principal: Principal | undefined) {
  const suite = principal?.kind === 'suite' ? world.registry.suite(principal.suiteKey) : undefined;
  if (!suite) throw new SimError('token_invalid', 'invalid suite_access_token');
  return suite;
}

/** ISV authorisation info and the legacy tmp_auth_code → permanent_code → activate flow. */
export function isvAuthRoutes(world: World): Router {
  const router = Router();

  router.all(
    '/service/get_auth_info',
    endpoint(world, 'oapi', '/service/get_auth_info', {
      clientKey: ({ query }) => query['accessKey'],
      handle: ({ params, query }) => {
        const suite = signedSuite(world, query);
        const suiteKey = params.optStr('suite_key');
        if (suiteKey !== undefined && suiteKey !== suite.suiteKey) throw invalidParam('suite_key', 'does not match accessKey');
        return oldAuthInfoBody(authInfo(world, suite, params.str('auth_corpid')));
      },
    }),
  );

  router.get(
    '/v1.0/oauth2/apps/authInfo',
    endpoint(world, 'api', '/v1.0/oauth2/apps/authInfo', {
      auth: ['suite'],
      handle: ({ query, principal }) => {
        const corpId = query['authCorpId'];
        if (!corpId) throw new SimError('invalid_param', 'authCorpId is required', { apiCode: 'invalidCorpId' });
        return newAuthInfoBody(authInfo(world, suiteOf(world, principal), corpId));
      },
    }),
  );

  router.all(
    '/service/get_permanent_code',
    endpoint(world, 'oapi', '/service/get_permanent_code', {
      auth: ['suite'],
      tokenParam: 'suite_access_token',
      handle: ({ params, principal }) => {
        const suite = suiteOf(world, principal);
        const code = params.optStr('tmp_auth_code');
        if (code === undefined) throw new SimError('missing_param', 'missing tmp_auth_code', { errcode: 41026 });
        const install = world.registry.consumeTmpAuthCode(suite.suiteKey, code);
        if (!install) throw new SimError('invalid_code', 'tmp_auth_code is invalid or already used');
        const org = world.orgs.org(install.corpId);
        return { permanent_code: install.permanentCode, auth_corp_info: { corpid: install.corpId, corp_name: org?.corpName ?? '' } };
      },
    }),
  );

  router.all(
    '/service/activate_suite',
    endpoint(world, 'oapi', '/service/activate_suite', {
      auth: ['suite'],
      tokenParam: 'suite_access_token',
      handle: ({ params, principal }) => {
        const suite = suiteOf(world, principal);
        if (params.str('suite_key') !== suite.suiteKey) throw new SimError('invalid_suite_key', 'suite_key does not match the token');
        const install = world.registry.install(suite.suiteKey, params.str('auth_corpid'));
        if (!install || install.permanentCode !== params.str('permanent_code')) throw new SimError('invalid_auth_info', 'org has not authorised the suite');
        install.activated = true;
        return {};
      },
    }),
  );

  return router;
}
