// Contact events (user_add_org, user_leave_org, org_dept_modify, …) → the current records read with
// the tenant's org client → user.upserted / user.removed / department.upserted / department.removed.
import { z } from 'zod';
import type { DingTalk } from '../dingtalk/org-clients';
import type { Outbox } from '../outbox/outbox';
import type { Tenant } from '../tenants/tenant';
import { inBatches } from '../../shared/batches';
import { derivedEventId, MAX_BATCH, type EventEffect } from './callback-effect';
import type { StoredCallbackEvent } from './callback-events.repository';
import { DEPARTMENT_EVENTS, USER_EVENTS } from './callback-payload';
import { readDepartments, readUsers } from './directory-reader';

const UserIdsSchema = z.object({ UserId: z.array(z.string().min(1)).max(10_000) });
const DeptIdsSchema = z.object({ DeptId: z.array(z.coerce.number().int().positive()).max(10_000) });

export interface ContactEventsDeps {
  dingtalk: DingTalk;
  outbox: Outbox;
}

export function contactEvents(deps: ContactEventsDeps) {
  const { outbox } = deps;

  async function users(tenant: Tenant, event: StoredCallbackEvent): Promise<EventEffect> {
    const ids = UserIdsSchema.safeParse(event.payload);
    if (!ids.success) return { failed: `${event.eventType} without a UserId list` };
    const read = await readUsers(await deps.dingtalk.forTenant(tenant), [...new Set(ids.data.UserId)]);
    return {
      commit: async () => {
        for (const [i, batch] of inBatches(read.users, MAX_BATCH).entries()) {
          outbox.append(tenant.id, 'user.upserted', { users: batch }, { id: derivedEventId(event.id, `uu${i}`) });
        }
        for (const [i, batch] of inBatches(read.gone, MAX_BATCH).entries()) {
          outbox.append(tenant.id, 'user.removed', { userids: batch }, { id: derivedEventId(event.id, `ur${i}`) });
        }
      },
    };
  }

  async function departments(tenant: Tenant, event: StoredCallbackEvent): Promise<EventEffect> {
    const ids = DeptIdsSchema.safeParse(event.payload);
    if (!ids.success) return { failed: `${event.eventType} without a DeptId list` };
    const read = await readDepartments(await deps.dingtalk.forTenant(tenant), [...new Set(ids.data.DeptId)]);
    return {
      commit: async () => {
        for (const [i, batch] of inBatches(read.departments, MAX_BATCH).entries()) {
          outbox.append(tenant.id, 'department.upserted', { departments: batch }, { id: derivedEventId(event.id, `du${i}`) });
        }
        for (const [i, batch] of inBatches(read.gone, MAX_BATCH).entries()) {
          outbox.append(tenant.id, 'department.removed', { deptIds: batch }, { id: derivedEventId(event.id, `dr${i}`) });
        }
      },
    };
  }

  return {
    isContactEvent: (eventType: string) => USER_EVENTS.includes(eventType) || DEPARTMENT_EVENTS.includes(eventType),

    /** Every event is read as "these ids changed": a leave whose user is back in the org is an upsert. */
    async handle(tenant: Tenant, event: StoredCallbackEvent): Promise<EventEffect> {
      if (tenant.status !== 'active') return { failed: `tenant ${tenant.id} is suspended` };
      return USER_EVENTS.includes(event.eventType) ? users(tenant, event) : departments(tenant, event);
    },
  };
}

export type ContactEvents = ReturnType<typeof contactEvents>;
