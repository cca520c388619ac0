import { createHash } from 'node:crypto';
import { Router } from 'express';
import type { Principal } from '../auth/principal';
import { endpoint } from '../core/endpoint';
import { SimError } from '../core/sim-error';
import { personIdFromUnionId, unionIdFor } from '../org/viewer';
import type { World } from '../world';
import { findOAuthClient } from './oauth-client';
import type { LoginGrant } from './oauth-store';

function issueUserTokens(world: World, grant: LoginGrant) {
  const now = world.clock.now();
  const access = world.tokens.issue({ kind: 'user', ...grant }, now, world.config.userTokenLifetimeMs);
  const refreshToken = world.oauth.issueRefreshToken(grant, now, world.config.refreshTokenLifetimeMs);
  return {
    accessToken: access.token,
    refreshToken,
    expireIn: Math.round(world.config.userTokenLifetimeMs / 1000),
    ...(grant.corpId !== undefined ? { corpId: grant.corpId } : {}),
  };
}

/** ISV apps see the mobile number masked, `155****3240` (dingtalk-api.md §2.3). */
const maskMobile = (mobile: string) => (mobile.length > 7 ? `${mobile.slice(0, 3)}****${mobile.slice(-4)}` : '****');

/** OAuth token exchange and the current-user API on the new host (dingtalk-api.md §2.2–2.3). */
export function userTokenRoutes(world: World): Router {
  const router = Router();

  router.post(
    '/v1.0/oauth2/userAccessToken',
    endpoint(world, 'api', '/v1.0/oauth2/userAccessToken', {
      clientKey: ({ params }) => params.optStr('clientId'),
      handle: ({ params }) => {
        const client = findOAuthClient(world, params.str('clientId'));
        if (!client || client.clientSecret !== params.str('clientSecret')) throw new SimError('invalid_credentials', 'invalid clientId or clientSecret');
        const grantType = params.str('grantType');
        const now = world.clock.now();
        let grant: LoginGrant | undefined;
        if (grantType === 'authorization_code') grant = world.oauth.consumeCode(params.str('code'), client.clientId, now);
        else if (grantType === 'refresh_token') {
          grant = world.oauth.useRefreshToken(params.str('refreshToken'), client.clientId, now, world.config.rotateRefreshTokens);
        } else throw new SimError('unsupported_grant_type', 'grantType must be authorization_code or refresh_token');
        if (!grant)
          throw new SimError(
            'invalid_code',
            grantType === 'authorization_code' ? 'code is invalid, expired or already used' : 'refreshToken is invalid or expired',
          );
        return issueUserTokens(world, grant);
      },
    }),
  );

  router.get(
    '/v1.0/contact/users/:unionId',
    endpoint(world, 'api', '/v1.0/contact/users/{unionId}', {
      auth: ['user'],
      handle: ({ pathParams, principal }) => {
        const user = principal as Extract<Principal, { kind: 'user' }>;
        const client = findOAuthClient(world, user.clientId);
        const person = world.orgs.person(user.personId);
        if (!client || !person) throw new SimError('user_not_found', 'user not found');
        const asked = pathParams['unionId'] ?? 'me';
        if (asked !== 'me') {
          const askedPerson = personIdFromUnionId(client, asked);
          if (askedPerson === undefined || !world.orgs.person(askedPerson)) throw new SimError('user_not_found', 'user not found');
          if (askedPerson !== user.personId) throw new SimError('permission_denied', 'a user token can only read its own user');
        }
        return {
          nick: person.nick,
          ...(person.avatarUrl !== undefined ? { avatarUrl: person.avatarUrl } : {}),
          mobile: client.isv ? maskMobile(person.mobile) : person.mobile,
          stateCode: person.stateCode,
          ...(person.email !== undefined ? { email: person.email } : {}),
          openId: createHash('sha1').update(`${client.clientId}:${person.personId}`).digest('hex').slice(0, 24),
          unionId: unionIdFor(client, person.personId),
        };
      },
    }),
  );

  return router;
}
