// Suite lifecycle events: suite_ticket, the legacy tmp_auth_code → get_permanent_code →
// activate_suite flow, change_auth, suite_relieve, app stop/restore, and the SyncHTTP rows that
// carry the same (biz_type 2 ticket, 4 org authorisation).
import { z } from 'zod';
import { DingTalkApiError, type SuiteApi } from '@dtg/dingtalk-client';
import type { Logger } from '@dtg/service-kit';
import type { DbTx } from '../../db/prisma';
import type { EventEffect } from '../callbacks/callback-effect';
import type { StoredCallbackEvent } from '../callbacks/callback-events.repository';
import type { IsvTenants } from './isv-tenants.service';
import type { SuiteTicketIntake } from './suite-ticket-intake';

const TicketEventSchema = z.object({ SuiteTicket: z.string().min(1), TimeStamp: z.coerce.number().optional() });
const CorpEventSchema = z.object({ AuthCorpId: z.string().min(1) });
const TmpAuthCodeSchema = CorpEventSchema.extend({ AuthCode: z.string().min(1) });
const SyncRowSchema = z.looseObject({
  corp_id: z.string().optional(),
  biz_type: z.coerce.number().int(),
  gmt_modified: z.coerce.number().optional(),
  biz_data: z.string(),
});
const SyncPushSchema = z.object({ bizData: z.array(SyncRowSchema) });
const SyncDataSchema = z.looseObject({ syncAction: z.string().optional(), suiteTicket: z.string().optional() });

const AUTHORIZING = ['org_suite_auth', 'org_suite_change'];
const RELIEVING = ['org_suite_relieve'];

export interface SuiteEventsDeps {
  suiteKey: string;
  suiteApi: SuiteApi;
  intake: SuiteTicketIntake;
  isvTenants: IsvTenants;
  logger: Logger;
}

type Step = (tx: DbTx) => Promise<unknown>;

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
    return (tx) => isvTenants.authorize(tx, { corpId, corpName: info.authCorpInfo.corpName, agentId });
  }

  const suspend = (corpId: string): Step => (tx) => isvTenants.suspend(tx, corpId);

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

  async function syncRows(event: StoredCallbackEvent): Promise<Step[] | string> {
    const push = SyncPushSchema.safeParse(event.payload);
    if (!push.success) return `${event.eventType} without bizData rows`;
    const steps: Step[] = [];
    for (const row of push.data.bizData) {
      const data = SyncDataSchema.safeParse(safeJson(row.biz_data));
      if (!data.success) continue;
      const action = data.data.syncAction ?? '';
      if (row.biz_type === 2 && data.data.suiteTicket) await ticket(data.data.suiteTicket, row.gmt_modified, event.receivedAt);
      else if (row.biz_type === 4 && row.corp_id && AUTHORIZING.includes(action)) steps.push(await authorize(row.corp_id));
      else if (row.biz_type === 4 && row.corp_id && RELIEVING.includes(action)) steps.push(suspend(row.corp_id));
    }
    return steps;
  }

  async function stepsFor(event: StoredCallbackEvent): Promise<Step[] | string> {
    const p = event.payload;
    switch (event.eventType) {
      case 'suite_ticket': {
        const parsed = TicketEventSchema.safeParse(p);
        if (!parsed.success) return 'suite_ticket without SuiteTicket';
        await ticket(parsed.data.SuiteTicket, parsed.data.TimeStamp, event.receivedAt);
        return [];
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
        commit: async (tx) => {
          for (const step of steps) await step(tx);
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
