// Who is calling: a tenant API key (server-to-server, the scopes it was issued with) or a user
// token (browser, its role's scopes). Everything downstream reads `principal(res)` and scopes its
// queries by tenant.
import type { RequestHandler, Response } from 'express';
import { forbidden, setContextValue, unauthorized } from '@dtg/service-kit';
import type { SqlDatabase } from '../../db/prisma';
import { apiKeyAuthenticator } from '../api-keys/api-keys.service';
import { authVersionReader } from './auth-version';
import { scopeRefusal, type Principal, type Scope } from './permissions';
import { userTokenAuthenticator } from './user-token-authenticator';
import { verifyUserToken } from './user-tokens';

export type { Principal };

export function principal(res: Response): Principal {
  const found = res.locals.principal as Principal | undefined;
  if (!found) throw new Error('principal(res) used on a route without authenticate()');
  return found;
}

export function authenticate(deps: { sqldb: SqlDatabase; userTokenSecret: string }): RequestHandler {
  const authVersion = authVersionReader(deps.sqldb);
  const apiKey = apiKeyAuthenticator(deps.sqldb, authVersion);
  const userToken = userTokenAuthenticator(deps.sqldb, authVersion);
  return async (req, res, next) => {
    try {
      const header = req.headers.authorization ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1]) throw unauthorized('Authorization: Bearer <API key or user token> is required');
      const token = match[1];
      let found: Principal | null = null;
      let status: string | undefined;
      const claims = verifyUserToken(deps.userTokenSecret, token);
      if (claims) {
        const checked = await userToken(claims);
        // A revoked token is as good as a forged one: signed out, or its person left the organisation.
        if (!checked.revoked) {
          found = { kind: 'user', tenantId: claims.tenantId, userid: claims.userid, role: claims.role, scopes: claims.scopes };
          status = checked.tenantStatus;
        }
      } else {
        const key = await apiKey(token);
        if (key) [found, status] = [{ kind: 'api_key', tenantId: key.tenantId, keyId: key.keyId, scopes: key.scopes }, key.tenantStatus];
      }
      if (!found || status === undefined) throw unauthorized('the API key or user token is not valid');
      if (status !== 'active') throw forbidden('this tenant is suspended');
      res.locals.principal = found;
      setContextValue('tenantId', found.tenantId);
      next();
    } catch (err) {
      next(err);
    }
  };
}

export function requireScope(scope: Scope): RequestHandler {
  return (_req, res, next) => next(scopeRefusal(principal(res), scope));
}
