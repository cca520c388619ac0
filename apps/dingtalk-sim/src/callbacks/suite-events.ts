import type { World } from '../world';
import { pushToSuite, streamEvent, type Dispatch } from './event-notifier';
import { authInfo, type AuthInfo } from '../auth/isv-auth.service';
import { syncHttpPush } from './sync-http';

/**
 * Sends a suite lifecycle event over the suite's push mode. HTTP and SyncHTTP need a suite URL
 * (without one the change still happens, silently); Stream queues until a connection is open.
 */
async function dispatch(
  world: World,
  suiteKey: string,
  corpId: string | undefined,
  forMode: { http?: object; synchttp?: object; stream?: { eventType: string; data: object } },
): Promise<Dispatch | null> {
  const mode = world.eventModes.suite;
  if (mode === 'stream') return forMode.stream ? streamEvent(world, 'suite', suiteKey, forMode.stream.eventType, forMode.stream.data, corpId) : null;
  const event = mode === 'synchttp' ? forMode.synchttp : forMode.http;
  if (!world.callbackUrls.suiteUrl || !event) return null;
  return pushToSuite(world, event as Record<string, unknown>, corpId, suiteKey);
}

/** New suite_ticket: only this one is valid from now on; pushed as a `suite_ticket` event (biz_type 2 over SyncHTTP). */
export async function rotateSuiteTicket(world: World, suiteKey: string, ticket?: string): Promise<{ ticket: string; push: Dispatch | null }> {
  const now = world.clock.now();
  const issued = world.registry.rotateTicket(suiteKey, now, ticket);
  const suite = world.registry.suite(suiteKey);
  const push = await dispatch(world, suiteKey, undefined, {
    http: { EventType: 'suite_ticket', SuiteKey: suiteKey, SuiteTicket: issued, TimeStamp: String(now) },
    synchttp:
      suite &&
      syncHttpPush(suite.suiteId, '', [{ bizType: 2, bizId: String(suite.suiteId), bizData: { syncAction: 'suite_ticket', suiteTicket: issued } }], now),
    stream: { eventType: 'suite_ticket', data: { suiteTicket: issued } },
  });
  return { ticket: issued, push };
}

/** biz_data of a biz_type 4 authorisation row (snake_case, the data-format page). */
function authRow(info: AuthInfo, permanentCode: string) {
  return {
    syncAction: 'org_suite_auth',
    auth_corp_info: { corpid: info.corpId, corp_name: info.corpName, full_corp_name: info.corpName, auth_level: 0, is_authenticated: false },
    auth_info: { agent: [{ agentid: info.agentId, agent_name: info.agentName, appid: info.appId, admin_list: info.adminUserid ? [info.adminUserid] : [] }] },
    auth_user_info: { userId: info.adminUserid },
    auth_scope: { errcode: 0, errmsg: 'ok', auth_user_field: [], auth_org_scopes: { authed_dept: [1], authed_user: [] } },
    permanent_code: permanentCode,
  };
}

/** The same over Stream: camelCase (the org_suite_auth event page). */
function authEvent(info: AuthInfo, permanentCode: string) {
  return {
    authCorpInfo: { corpid: info.corpId, corpName: info.corpName, fullCorpName: info.corpName, authLevel: 0, isAuthenticated: false },
    authInfo: { agent: [{ agentid: info.agentId, agentName: info.agentName, appid: info.appId, adminList: info.adminUserid ? [info.adminUserid] : [] }] },
    authUserInfo: { userId: info.adminUserid },
    authScope: { errcode: 0, errmsg: 'ok', authUserField: [], authOrgScopes: { authedDept: [1] } },
    permanentCode,
  };
}

/**
 * An org admin installs the suite: an agentId is assigned, then DingTalk tells the suite. Legacy
 * HTTP: `tmp_auth_code` and the SyncHTTP `org_suite_auth` row (biz_type 4), as before; SyncHTTP: the
 * row only (no activation step there); Stream: the `org_suite_auth` event.
 */
export async function installSuite(world: World, suiteKey: string, corpId: string, agentId?: number) {
  const suite = world.registry.suite(suiteKey);
  if (!suite || !world.orgs.org(corpId)) throw new Error(!suite ? `unknown suite ${suiteKey}` : `unknown org ${corpId}`);
  const { install, tmpAuthCode } = world.registry.addInstall(suiteKey, corpId, agentId);
  // The same facts the auth-info APIs answer with (the org and the install both exist by now).
  const info = authInfo(world, suite, corpId);
  const now = world.clock.now();
  const row = syncHttpPush(suite.suiteId, corpId, [{ bizType: 4, bizId: String(suite.suiteId), bizData: authRow(info, install.permanentCode) }], now);
  const pushes: Array<Dispatch | null> = [];
  if (world.eventModes.suite === 'http') {
    pushes.push(
      await dispatch(world, suiteKey, corpId, {
        http: { EventType: 'tmp_auth_code', SuiteKey: suiteKey, AuthCode: tmpAuthCode, AuthCorpId: corpId, TimeStamp: String(now) },
      }),
    );
  }
  pushes.push(
    await dispatch(world, suiteKey, corpId, {
      http: row,
      synchttp: row,
      stream: { eventType: 'org_suite_auth', data: authEvent(info, install.permanentCode) },
    }),
  );
  return { corpId, agentId: info.agentId, tmpAuthCode, pushes: pushes.filter((p) => p !== null) };
}

/** The org removes the suite: its corp tokens die and the suite is told (suite_relieve / biz_type 4 org_suite_relieve / Stream org_suite_relieve). */
export async function uninstallSuite(world: World, suiteKey: string, corpId: string) {
  const suite = world.registry.suite(suiteKey);
  const removed = world.registry.removeInstall(suiteKey, corpId);
  world.tokens.revokeWhere((p) => p.kind === 'corp' && p.suiteKey === suiteKey && p.corpId === corpId);
  if (!removed || !suite) return { removed, pushes: [] };
  const now = world.clock.now();
  const push = await dispatch(world, suiteKey, corpId, {
    http: { EventType: 'suite_relieve', SuiteKey: suiteKey, AuthCorpId: corpId, TimeStamp: String(now) },
    synchttp: syncHttpPush(suite.suiteId, corpId, [{ bizType: 4, bizId: String(suite.suiteId), bizData: { syncAction: 'org_suite_relieve' } }], now),
    stream: { eventType: 'org_suite_relieve', data: { authCorpId: corpId } },
  });
  return { removed, pushes: push ? [push] : [] };
}

/** Automatic ticket cadence (config.suiteTicketIntervalMs of sim time), only while a push can land (a URL, or Stream). */
export function rotateDueTickets(world: World): void {
  const interval = world.config.suiteTicketIntervalMs;
  if (interval <= 0 || (!world.callbackUrls.suiteUrl && world.eventModes.suite !== 'stream')) return;
  const now = world.clock.now();
  for (const suite of world.registry.allSuites()) {
    const issuedAt = world.registry.ticketIssuedAtMs(suite.suiteKey) ?? now;
    // A clock listener cannot wait: the ticket rotates at once, and a failed push is recorded by the pusher.
    if (now - issuedAt >= interval) void rotateSuiteTicket(world, suite.suiteKey);
  }
}
