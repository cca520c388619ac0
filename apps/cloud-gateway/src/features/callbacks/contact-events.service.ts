// Contact events (user_add_org, user_leave_org, org_dept_modify, …) → the current records read with
// the tenant's org client → user.upserted / user.removed / department.upserted / department.removed.
import { z } from 'zod';
import type { UserTokenRevocations } from '../auth/user-token-revocations';
import type { DingTalk } from '../dingtalk/org-clients';
import type { Outbox } from '../outbox/outbox';
import type { Tenant } from '../tenants/tenant';
import { inBatches } from '../../shared/batches';
import { derivedEventId, MAX_BATCH, type EventEffect } from './callback-effect';
import type { StoredCallbackEvent } from './callback-events.repository';
import { DEPARTMENT_EVENTS, USER_EVENTS, type CallbackPayload } from './callback-payload';
import { readDepartments, readUsers } from './directory-reader';

const UserIdsSchema = z.array(z.string().min(1)).max(10_000);
const DeptIdsSchema = z.array(z.coerce.number().int().positive()).max(10_000);

/**
 * The ids an event names. Legacy HTTP bodies say `UserId`/`DeptId`; DingTalk's current event pages
 * (HTTP and Stream alike) say `userId`/`deptId` — [CONFLICT] settled by reading either.
 */
function idsOf<T>(payload: CallbackPayload, keys: [string, string], schema: z.ZodType<T[]>): T[] | undefined {
  const parsed = schema.safeParse(payload[keys[0]] ?? payload[keys[1]]);
  return parsed.success ? parsed.data : undefined;
}

export interface ContactEventsDeps {
  dingtalk: DingTalk;
  outbox: Outbox;
  revocations: UserTokenRevocations;
}

export type ContactKind = 'users' | 'departments';

export function contactEvents(deps: ContactEventsDeps) {
  const { outbox } = deps;

  /** `part` keeps the outbox ids of several changes carried by one callback event apart. */
  async function users(tenant: Tenant, userids: string[], eventId: string, part: string): Promise<EventEffect> {
    const read = await readUsers(await deps.dingtalk.forTenant(tenant), [...new Set(userids)]);
    return {
      commit: async (sql) => {
        for (const [i, batch] of inBatches(read.users, MAX_BATCH).entries()) {
          await outbox.append(sql, tenant.id, 'user.upserted', { users: batch }, { id: derivedEventId(eventId, `${part}uu${i}`) });
        }
        for (const [i, batch] of inBatches(read.gone, MAX_BATCH).entries()) {
          await outbox.append(sql, tenant.id, 'user.removed', { userids: batch }, { id: derivedEventId(eventId, `${part}ur${i}`) });
        }
        // Someone who left the organisation keeps no working token (the store ends their sessions on user.removed).
        await deps.revocations.revokeUsers(sql, tenant.id, read.gone);
      },
    };
  }

  async function departments(tenant: Tenant, deptIds: number[], eventId: string, part: string): Promise<EventEffect> {
    const read = await readDepartments(await deps.dingtalk.forTenant(tenant), [...new Set(deptIds)]);
    return {
      commit: async (sql) => {
        for (const [i, batch] of inBatches(read.departments, MAX_BATCH).entries()) {
          await outbox.append(sql, tenant.id, 'department.upserted', { departments: batch }, { id: derivedEventId(eventId, `${part}du${i}`) });
        }
        for (const [i, batch] of inBatches(read.gone, MAX_BATCH).entries()) {
          await outbox.append(sql, tenant.id, 'department.removed', { deptIds: batch }, { id: derivedEventId(eventId, `${part}dr${i}`) });
        }
      },
    };
  }

  return {
    isContactEvent: (eventType: string) => USER_EVENTS.includes(eventType) || DEPARTMENT_EVENTS.includes(eventType),

    /** Every event is read as "these ids changed": a leave whose user is back in the org is an upsert. */
    async handle(tenant: Tenant, event: StoredCallbackEvent): Promise<EventEffect> {
      if (tenant.status !== 'active') return { failed: `tenant ${tenant.id} is suspended` };
      if (USER_EVENTS.includes(event.eventType)) {
        const ids = idsOf(event.payload, ['UserId', 'userId'], UserIdsSchema);
        return ids ? users(tenant, ids, event.id, '') : { failed: `${event.eventType} without a UserId list` };
      }
      const ids = idsOf(event.payload, ['DeptId', 'deptId'], DeptIdsSchema);
      return ids ? departments(tenant, ids, event.id, '') : { failed: `${event.eventType} without a DeptId list` };
    },

    /** Ids named some other way (a SyncHTTP biz_type 13/14 row), handled the same. */
    async handleIds(tenant: Tenant, kind: ContactKind, ids: string[], eventId: string, part: string): Promise<EventEffect> {
      if (tenant.status !== 'active') return { failed: `tenant ${tenant.id} is suspended` };
      if (kind === 'users') return users(tenant, ids, eventId, part);
      const deptIds = DeptIdsSchema.safeParse(ids);
      return deptIds.success ? departments(tenant, deptIds.data, eventId, part) : { failed: `department ids ${ids.join(',')} are not numbers` };
    },
  };
}

export type ContactEvents = ReturnType<typeof contactEvents>;
