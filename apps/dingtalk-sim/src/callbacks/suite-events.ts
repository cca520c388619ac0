import type { World } from '../world';
import { pushToSuite, type PushOutcome } from './event-notifier';
import { authInfo } from '../auth/isv-auth.service';

/** Pushes when a suite URL is configured; otherwise the change still happens, silently. */
async function maybePush(world: World, suiteKey: string, event: Record<string, unknown>, corpId?: string): Promise<PushOutcome | null> {
  if (!world.callbackUrls.suiteUrl) return null;
  return pushToSuite(world, event, corpId, suiteKey);
}

/** New suite_ticket: only this one is valid from now on; pushed as a `suite_ticket` event. */
export async function rotateSuiteTicket(world: World, suiteKey: string, ticket?: string): Promise<{ ticket: string; push: PushOutcome | null }> {
  const now = world.clock.now();
  const issued = world.registry.rotateTicket(suiteKey, now, ticket);
  const push = await maybePush(world, suiteKey, { EventType: 'suite_ticket', SuiteKey: suiteKey, SuiteTicket: issued, TimeStamp: String(now) });
  return { ticket: issued, push };
}

/**
 * An org admin installs the suite: an agentId is assigned, then DingTalk pushes the legacy
 * `tmp_auth_code` event and the SyncHTTP `org_suite_auth` row (biz_type 4).
 */
export async function installSuite(world: World, suiteKey: string, corpId: string, agentId?: number) {
  const suite = world.registry.suite(suiteKey);
  if (!suite || !world.orgs.org(corpId)) throw new Error(!suite ? `unknown suite ${suiteKey}` : `unknown org ${corpId}`);
  const { install, tmpAuthCode } = world.registry.addInstall(suiteKey, corpId, agentId);
  // The same facts the auth-info APIs answer with (the org and the install both exist by now).
  const info = authInfo(world, suite, corpId);
  const now = world.clock.now();
  const tmpPush = await maybePush(world, suiteKey, { EventType: 'tmp_auth_code', SuiteKey: suiteKey, AuthCode: tmpAuthCode, AuthCorpId: corpId, TimeStamp: String(now) }, corpId);
  const bizData = {
    syncAction: 'org_suite_auth',
    auth_corp_info: { corpid: corpId, corp_name: info.corpName },
    auth_info: { agent: [{ agentid: info.agentId, agent_name: info.agentName, appid: info.appId, admin_list: info.adminUserid ? [info.adminUserid] : [] }] },
    auth_user_info: { userId: info.adminUserid },
    permanent_code: install.permanentCode,
  };
  const authPush = await maybePush(world, suiteKey, syncHttpEvent(suite.suiteId, corpId, 4, bizData, now), corpId);
  return { corpId, agentId: info.agentId, tmpAuthCode, pushes: [tmpPush, authPush].filter((p) => p !== null) };
}

/** The org removes the suite: its corp tokens die and `suite_relieve` is pushed. */
export async function uninstallSuite(world: World, suiteKey: string, corpId: string) {
  const removed = world.registry.removeInstall(suiteKey, corpId);
  world.tokens.revokeWhere((p) => p.kind === 'corp' && p.suiteKey === suiteKey && p.corpId === corpId);
  const push = removed ? await maybePush(world, suiteKey, { EventType: 'suite_relieve', SuiteKey: suiteKey, AuthCorpId: corpId, TimeStamp: String(world.clock.now()) }, corpId) : null;
  return { removed, pushes: push ? [push] : [] };
}

function syncHttpEvent(suiteId: number, corpId: string, bizType: number, bizData: object, nowMs: number) {
  return {
    EventType: 'SYNC_HTTP_PUSH_HIGH',
    bizData: [
      {
        gmt_create: nowMs,
        gmt_modified: nowMs,
        subscribe_id: `${suiteId}_0`,
        corp_id: corpId,
        biz_id: String(suiteId),
        biz_type: bizType,
        biz_data: JSON.stringify(bizData),
        open_cursor: 0,
        status: 0,
      },
    ],
  };
}

/** Automatic ticket cadence (config.suiteTicketIntervalMs of sim time), only while pushes can land. */
export function rotateDueTickets(world: World): void {
  const interval = world.config.suiteTicketIntervalMs;
  if (interval <= 0 || !world.callbackUrls.suiteUrl) return;
  const now = world.clock.now();
  for (const suite of world.registry.allSuites()) {
    const issuedAt = world.registry.ticketIssuedAtMs(suite.suiteKey) ?? now;
    if (now - issuedAt >= interval) void rotateSuiteTicket(world, suite.suiteKey);
  }
}
