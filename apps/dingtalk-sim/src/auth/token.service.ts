import { SimError } from '../core/sim-error';
import type { Suite } from '../fixture/fixture.schema';
import type { World } from '../world';
import type { TokenRecord } from './token-store';

export interface IssuedToken {
  token: string;
  expiresInSeconds: number;
}

function issued(world: World, record: TokenRecord): IssuedToken {
  return { token: record.token, expiresInSeconds: Math.round((record.expiresAtMs - world.clock.now()) / 1000) };
}

/** Internal app token (old gettoken, new accessToken, unified token): same token while valid. */
export function appToken(world: World, appKey: string, appSecret: string): IssuedToken {
  const app = world.registry.app(appKey);
  if (!app || app.appSecret !== appSecret) throw new SimError('invalid_credentials', 'invalid appKey or appSecret');
  const principal = { kind: 'app' as const, appKey, corpId: app.corpId, agentId: app.agentId };
  return issued(world, world.tokens.issueReusable(principal, world.clock.now(), world.config.tokenLifetimeMs));
}

export function requireSuite(world: World, suiteKey: string, suiteSecret: string | undefined, unknownKey: 'invalid_suite_key' | 'invalid_credentials'): Suite {
  const suite = world.registry.suite(suiteKey);
  if (!suite) throw new SimError(unknownKey, 'invalid suiteKey');
  if (suiteSecret !== undefined && suite.suiteSecret !== suiteSecret) throw new SimError('invalid_credentials', 'invalid suiteKey or suiteSecret');
  return suite;
}

/** Only the newest pushed ticket is accepted; custom apps accept any string. */
export function requireCurrentTicket(world: World, suite: Suite, ticket: string): void {
  if (suite.customApp) return;
  if (world.registry.currentTicket(suite.suiteKey) !== ticket) throw new SimError('invalid_suite_ticket', 'suiteTicket is invalid or stale');
}

export function suiteToken(
  world: World,
  suiteKey: string,
  suiteSecret: string,
  ticket: string,
  unknownKey: 'invalid_suite_key' | 'invalid_credentials',
): IssuedToken {
  const suite = requireSuite(world, suiteKey, suiteSecret, unknownKey);
  requireCurrentTicket(world, suite, ticket);
  return issued(world, world.tokens.issue({ kind: 'suite', suiteKey }, world.clock.now(), world.config.tokenLifetimeMs));
}

/**
 * ISV corp token: a NEW token on every call (dingtalk-api.md §1.3); earlier tokens stay valid until
 * their own expiry ([UNVERIFIED] upstream — the lenient choice keeps concurrent callers working).
 */
export function corpToken(world: World, suite: Suite, corpId: string): IssuedToken {
  const install = world.registry.install(suite.suiteKey, corpId);
  if (!install) throw new SimError('invalid_auth_info', `org ${corpId} has not authorised this suite`);
  const principal = { kind: 'corp' as const, suiteKey: suite.suiteKey, corpId, agentId: install.agentId };
  return issued(world, world.tokens.issue(principal, world.clock.now(), world.config.tokenLifetimeMs));
}

/**
 * Unified `POST /v1.0/oauth2/{corpId}/token` (client_credentials) for internal apps and suites.
 * An unknown corpId answers 500 unknownError, as observed live (PROBE P4).
 */
export function unifiedToken(world: World, corpId: string, clientId: string, clientSecret: string, grantType: string): IssuedToken {
  if (grantType !== 'client_credentials') throw new SimError('unsupported_grant_type', 'grant_type must be client_credentials');
  if (!world.orgs.org(corpId)) throw new SimError('unknown_error', 'unknown error');
  const app = world.registry.app(clientId);
  if (app) {
    if (app.appSecret !== clientSecret) throw new SimError('invalid_client', 'invalid client_id or client_secret');
    if (app.corpId !== corpId) throw new SimError('unauthorized_client', `app does not belong to org ${corpId}`);
    return appToken(world, clientId, clientSecret);
  }
  const suite = world.registry.suite(clientId);
  if (!suite || suite.suiteSecret !== clientSecret) throw new SimError('invalid_client', 'invalid client_id or client_secret');
  if (!world.registry.install(suite.suiteKey, corpId)) throw new SimError('unauthorized_client', `org ${corpId} has not authorised this app`);
  return corpToken(world, suite, corpId);
}
