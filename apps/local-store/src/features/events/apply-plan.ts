// Turns a batch of events (one pushed event, or a pulled page) into one list per kind of write.
// Every write is guarded by a per-resource version (the event seq), so the final state does not
// depend on the order writes run in; folding to the newest event per resource here only keeps
// one bulk statement from touching the same row twice.
import type { Department, EventData, EventEnvelope, LoginTicket, MessageStatus, RecipientResult, UserProfile } from '@dtg/contracts';

export interface Versioned<T> {
  value: T;
  seq: number;
}

// The events' own data shapes (libs/contracts), not restated here.
type MessageAccepted = EventData<'message.accepted'>;
type RecipientUpdate = RecipientResult & { messageId: string };
type TenantAuthorization = EventData<'tenant.authorization.changed'>;

export interface ApplyPlan {
  userProfiles: Versioned<UserProfile>[];
  userRemovals: Versioned<string>[];
  departments: Versioned<Department>[];
  departmentRemovals: Versioned<number>[];
  loginTickets: LoginTicket[];
  messagesAccepted: Versioned<MessageAccepted>[];
  messageStatuses: Versioned<{ messageId: string; status: MessageStatus }>[];
  /** Not folded: every report newer than the stored one is a history entry. */
  recipientUpdates: Versioned<RecipientUpdate>[];
  tenantAuthorization?: Versioned<TenantAuthorization>;
  /** The corpId a sign-in named (user.authenticated), for a store that has no tenant_info row yet. */
  corpId?: string;
}

class NewestByKey<K, T> {
  private readonly items = new Map<K, Versioned<T>>();

  offer(key: K, value: T, seq: number): void {
    const current = this.items.get(key);
    if (!current || current.seq < seq) this.items.set(key, { value, seq });
  }

  values(): Versioned<T>[] {
    return [...this.items.values()];
  }
}

export function planApply(events: readonly EventEnvelope[]): ApplyPlan {
  const users = new NewestByKey<string, UserProfile>();
  const removals = new NewestByKey<string, string>();
  const departments = new NewestByKey<number, Department>();
  const departmentRemovals = new NewestByKey<number, number>();
  const accepted = new NewestByKey<string, MessageAccepted>();
  const statuses = new NewestByKey<string, { messageId: string; status: MessageStatus }>();
  const tenant = new NewestByKey<'tenant', TenantAuthorization>();
  let corpId: string | undefined;
  const loginTickets: LoginTicket[] = [];
  const recipientUpdates: Versioned<RecipientUpdate>[] = [];
  const recipients = (messageId: string, list: Omit<RecipientUpdate, 'messageId'>[], seq: number) => {
    for (const item of list) recipientUpdates.push({ value: { messageId, ...item }, seq });
  };

  for (const event of events) {
    const { seq } = event;
    switch (event.type) {
      case 'user.upserted':
        for (const user of event.data.users) users.offer(user.userid, user, seq);
        break;
      case 'user.removed':
        for (const userid of event.data.userids) removals.offer(userid, userid, seq);
        break;
      case 'user.authenticated':
        // Events from before 2026-12 had their ticket scrubbed (login: null): only the profile is left.
        if (event.data.login) loginTickets.push({ user: event.data.user, login: event.data.login });
        corpId = event.data.corpId ?? corpId;
        users.offer(event.data.user.userid, event.data.user, seq);
        break;
      case 'department.upserted':
        for (const dept of event.data.departments) departments.offer(dept.deptId, dept, seq);
        break;
      case 'department.removed':
        for (const deptId of event.data.deptIds) departmentRemovals.offer(deptId, deptId, seq);
        break;
      case 'message.accepted': {
        accepted.offer(event.data.messageId, event.data, seq);
        break;
      }
      case 'message.dispatched':
        statuses.offer(event.data.messageId, { messageId: event.data.messageId, status: 'sent' }, seq);
        recipients(event.data.messageId, event.data.recipients, seq);
        break;
      case 'message.completed':
        statuses.offer(event.data.messageId, { messageId: event.data.messageId, status: event.data.status }, seq);
        recipients(event.data.messageId, event.data.recipients, seq);
        break;
      case 'message.receipts.updated':
        recipients(event.data.messageId, event.data.recipients, seq);
        break;
      case 'message.recalled':
        statuses.offer(event.data.messageId, { messageId: event.data.messageId, status: 'recalled' }, seq);
        break;
      case 'tenant.authorization.changed':
        tenant.offer('tenant', event.data, seq);
        break;
      case 'test.ping':
        // An operator's end-to-end check: recording it as processed is the whole effect.
        break;
    }
  }
  return {
    userProfiles: users.values(),
    userRemovals: removals.values(),
    departments: departments.values(),
    departmentRemovals: departmentRemovals.values(),
    loginTickets,
    messagesAccepted: accepted.values(),
    messageStatuses: statuses.values(),
    recipientUpdates,
    tenantAuthorization: tenant.values()[0],
    ...(corpId !== undefined ? { corpId } : {}),
  };
}
