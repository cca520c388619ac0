import type { Request } from 'express';
import type { ParsedBody } from '../core/http-locals';
import { SimError } from '../core/sim-error';
import type { World } from '../world';
import type { Principal, TokenKind } from './principal';

export type Host = 'oapi' | 'api';

/**
 * Where each host looks for the token (dingtalk-api.md §8.2). Old host: `?access_token=` or a form
 * body field — a header token counts as blank. New host: only `x-acs-dingtalk-access-token`; a query
 * token or `Authorization: Bearer` counts as missing.
 */
export function extractToken(host: Host, req: Request, query: Record<string, string>, body: ParsedBody, param = 'access_token'): string | undefined {
  if (host === 'api') {
    const header = req.headers['x-acs-dingtalk-access-token'];
    return typeof header === 'string' && header !== '' ? header : undefined;
  }
  const fromQuery = query[param];
  if (fromQuery) return fromQuery;
  return body.kind === 'form' && body.value[param] ? body.value[param] : undefined;
}

export function authenticate(world: World, host: Host, token: string | undefined, kinds: readonly TokenKind[], revokeAfter: boolean): Principal {
  if (token === undefined) throw new SimError('token_missing', 'access_token is blank');
  const found = world.tokens.lookup(token, world.clock.now());
  if (found.status === 'expired') {
    if (host === 'oapi' && world.config.expiredTokenStyle === '42001') throw new SimError('token_expired', 'access_token expired');
    throw new SimError('token_invalid', 'access_token expired');
  }
  if (found.status === 'unknown' || !kinds.includes(found.record.principal.kind)) {
    throw new SimError('token_invalid', 'invalid access_token');
  }
  // invalidate-token fault: this call succeeds, the next one with the same token fails.
  if (revokeAfter) world.tokens.revoke(token);
  return found.record.principal;
}
