// Suite lifecycle events: suite_ticket, the legacy tmp_auth_code → get_permanent_code →
// activate_suite flow, change_auth, suite_relieve, app stop/restore; the SyncHTTP rows that carry
// the same (biz_type 2 ticket, 4 org authorisation) and contact changes (13 user, 14 department);
// and the Stream events of the same names (suite_ticket, org_suite_auth/change/relieve). Each
// channel ends in the same steps, so a suite behaves alike whichever way DingTalk pushes.
import { z } from 'zod';
import { DingTalkApiError, type SuiteApi } from '@dtg/dingtalk-client';
import type { Logger } from '@dtg/service-kit';
import type { Tx } from '../../db/prisma';
import type { EventEffect } from './callback-effect';
import type { StoredCallbackEvent } from './callback-events.repository';
import type { CallbackPayload } from './callback-payload';
import type { ContactEvents, ContactKind } from './contact-events.service';
import type { Tenant } from '../tenants/tenant';
import type { IsvTenants } from '../tenants/isv-tenants.service';
import type { SuiteTicketIntake } from '../dingtalk/suite-ticket-intake';

// Legacy HTTP spells the ticket SuiteTicket; Stream's data spells it suiteTicket.
const TicketEventSchema = z
  .object({
    SuiteTicket: z.string().min(1).optional(),
    suiteTicket: z.string().min(1).optional(),
    TimeStamp: z.coerce.number().optional(),
    EventBornTime: z.coerce.number().optional(),
  })
  .transform((t) => ({ ticket: t.SuiteTicket ?? t.suiteTicket, issuedAtMs: t.TimeStamp ?? t.EventBornTime }))
  .refine((t) => t.ticket !== undefined);
const CorpEventSchema = z.object({ AuthCorpId: z.string().min(1) });
const TmpAuthCodeSchema = CorpEventSchema.extend({ AuthCode: z.string().min(1) });
const SyncRowSchema = z.looseObject({
  corp_id: z.string().optional(),
  biz_id: z.coerce.string().optional(),
  biz_type: z.coerce.number().int(),
  gmt_modified: z.coerce.number().optional(),
  // [CONFLICT] a JSON string (§6.4, the data-format page) or an object (the per-event pages): either.
  biz_data: z.union([z.string(), z.looseObject({})]),
});
const SyncPushSchema = z.object({ bizData: z.array(SyncRowSchema) });
const SyncDataSchema = z.looseObject({ syncAction: z.string().optional(), suiteTicket: z.string().optional() });

const AUTHORIZING = ['org_suite_auth', 'org_suite_change'];
const RELIEVING = ['org_suite_relieve'];
/** SyncHTTP contact rows: biz_id is the userid (13) or the department id (14). */
const CONTACT_ROWS: Record<number, ContactKind> = { 13: 'users', 14: 'departments' };

/** The org a Stream authorisation event is about: its eventCorpId, else the body's corp. */
function authCorpOf(p: CallbackPayload): string | undefined {
  const info = p['authCorpInfo'];
  const fromInfo = info && typeof info === 'object' && 'corpid' in info && typeof info.corpid === 'string' ? info.corpid : undefined;
  for (const value of [p['AuthCorpId'], p['authCorpId'], p['CorpId'], fromInfo]) if (typeof value === 'string' && value) return value;
  return undefined;
}

export interface SuiteEventsDeps {
  suiteKey: string;
  suiteApi: SuiteApi;
  intake: SuiteTicketIntake;
  isvTenants: IsvTenants;
  /** Contact rows of SyncHTTP pushes are handled like contact events, for the install's tenant. */
  contacts: ContactEvents;
  isvTenant: (corpId: string) => Promise<Tenant | null>;
  logger: Logger;
}

type Step = (sql: Tx) => Promise<unknown>;

export function suiteEvents(deps: SuiteEventsDeps) {
  const { suiteKey, suiteApi, isvTenants, logger } = deps;

  async function ticket(value: string, issuedAtMs: number | undefined, receivedAt: Date): Promise<void> {
    const outcome = await deps.intake.accept(suiteKey, value, issuedAtMs ? new Date(issuedAtMs) : receivedAt);
    if (outcome === 'older') logger.info('an older suite_ticket arrived after a newer one; kept the newer', { suiteKey });
  }

  /** The current authorisation, always re-read: events say "something changed", auth info says what. */
  async function authorize(corpId: string): Promise<Step> {
    const info = await suiteApi.authInfo(corpId);
    const agentId = info.authAppInfo.agentList[0]?.agentId ?? null;
    return (sql) => isvTenants.authorize(sql, { corpId, corpName: info.authCorpInfo.corpName, agentId });
  }

  const suspend =
    (corpId: string): Step =>
    (sql) =>
      isvTenants.suspend(sql, corpId);

  /** Legacy flow. The temp code is single use: a rerun after it was spent (40078/40102) goes straight on. */
  async function activate(corpId: string, authCode: string): Promise<void> {
    try {
      const permanent = await suiteApi.permanentCode(authCode);
      await suiteApi.activateSuite(corpId, permanent.permanent_code);
    } catch (err) {
      if (!(err instanceof DingTalkApiError && err.kind === 'fail-invalid-code')) throw err;
      logger.warn('tmp_auth_code already used; continuing with the authorisation info', { corpId, errcode: err.errcode });
    }
  }

  /** A biz_type 13/14 row: the install's tenant reads the current record, as for a contact event. */
  async function contactRow(event: StoredCallbackEvent, kind: ContactKind, corpId: string, bizId: string, row: number): Promise<Step | undefined> {
    const tenant = await deps.isvTenant(corpId);
    if (!tenant) {
      logger.warn('SyncHTTP contact row for an org without an ISV tenant; skipped', { corpId, callbackEventId: event.id });
      return undefined;
    }
    const effect = await deps.contacts.handleIds(tenant, kind, [bizId], event.id, `r${row}`);
    if (effect.failed) logger.warn('SyncHTTP contact row not applied', { corpId, reason: effect.failed });
    return async (sql) => effect.commit?.(sql);
  }

  async function syncRows(event: StoredCallbackEvent): Promise<Step[] | string> {
    const push = SyncPushSchema.safeParse(event.payload);
    if (!push.success) return `${event.eventType} without bizData rows`;
    const steps: Step[] = [];
    for (const [index, row] of push.data.bizData.entries()) {
      const data = SyncDataSchema.safeParse(typeof row.biz_data === 'string' ? safeJson(row.biz_data) : row.biz_data);
      if (!data.success) continue;
      const action = data.data.syncAction ?? '';
      const contactKind = CONTACT_ROWS[row.biz_type];
      if (row.biz_type === 2 && data.data.suiteTicket) await ticket(data.data.suiteTicket, row.gmt_modified, event.receivedAt);
      else if (row.biz_type === 4 && row.corp_id && AUTHORIZING.includes(action)) steps.push(await authorize(row.corp_id));
      else if (row.biz_type === 4 && row.corp_id && RELIEVING.includes(action)) steps.push(suspend(row.corp_id));
      else if (contactKind && row.corp_id && row.biz_id) {
        const step = await contactRow(event, contactKind, row.corp_id, row.biz_id, index);
        if (step) steps.push(step);
      }
    }
    return steps;
  }

  async function stepsFor(event: StoredCallbackEvent): Promise<Step[] | string> {
    const p = event.payload;
    switch (event.eventType) {
      case 'suite_ticket': {
        const parsed = TicketEventSchema.safeParse(p);
        if (!parsed.success || parsed.data.ticket === undefined) return 'suite_ticket without SuiteTicket';
        await ticket(parsed.data.ticket, parsed.data.issuedAtMs, event.receivedAt);
        return [];
      }
      case 'org_suite_auth':
      case 'org_suite_change':
      case 'org_suite_relieve': {
        const corpId = authCorpOf(p);
        if (!corpId) return `${event.eventType} without its org (eventCorpId / authCorpInfo.corpid)`;
        return [event.eventType === 'org_suite_relieve' ? suspend(corpId) : await authorize(corpId)];
      }
      case 'tmp_auth_code': {
        const parsed = TmpAuthCodeSchema.safeParse(p);
        if (!parsed.success) return 'tmp_auth_code without AuthCorpId/AuthCode';
        await activate(parsed.data.AuthCorpId, parsed.data.AuthCode);
        return [await authorize(parsed.data.AuthCorpId)];
      }
      case 'change_auth':
      case 'org_micro_app_restore': {
        const parsed = CorpEventSchema.safeParse(p);
        return parsed.success ? [await authorize(parsed.data.AuthCorpId)] : `${event.eventType} without AuthCorpId`;
      }
      case 'suite_relieve':
      case 'org_micro_app_stop':
      case 'org_micro_app_remove': {
        const parsed = CorpEventSchema.safeParse(p);
        return parsed.success ? [suspend(parsed.data.AuthCorpId)] : `${event.eventType} without AuthCorpId`;
      }
      case 'SYNC_HTTP_PUSH_HIGH':
      case 'SYNC_HTTP_PUSH_MEDIUM':
        return syncRows(event);
      default:
        return `unhandled suite event ${event.eventType}`;
    }
  }

  return {
    async handle(event: StoredCallbackEvent): Promise<EventEffect> {
      const pushedFor = event.payload['SuiteKey'];
      if (typeof pushedFor === 'string' && pushedFor !== suiteKey) return { failed: `event for suite ${pushedFor}, configured is ${suiteKey}` };
      const steps = await stepsFor(event);
      if (typeof steps === 'string') return { failed: steps };
      return {
        commit: async (sql) => {
          for (const step of steps) await step(sql);
        },
      };
    },
  };
}

export type SuiteEvents = ReturnType<typeof suiteEvents>;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
