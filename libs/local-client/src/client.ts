// The local store's /api as typed methods. Types come from @dtg/contracts, the same schemas the
// store validates with; answers are trusted as the store's own (webhooks, which arrive unasked,
// are verified and parsed in webhooks.ts).
import type {
  AcceptedMessage,
  ChangesPage,
  ChangeTypePattern,
  DeliveriesPage,
  DeliveryDetail,
  DeliveryStatus,
  DepartmentDetail,
  DepartmentTree,
  DirectorySyncView,
  IssuedServiceToken,
  MessageDetail,
  MessageRecipientsPage,
  MessagesPage,
  RecipientStatus,
  ReplayResult,
  Scope,
  SendMessageBody,
  ServiceToken,
  Subscription,
  SubscriptionWithSecret,
  UserProfile,
  UsersPage,
} from '@dtg/contracts';
import { createTransport, type LocalStoreClientOptions } from './http';

export interface UsersFilter {
  /** Case-insensitive substring of the name, userid or job number. */
  q?: string;
  deptId?: number;
  /** With deptId: members of every department below it too. */
  includeSubDepartments?: boolean;
  /** Only users the store changed at or after this time. */
  updatedSince?: Date | string;
  /** `true` (default) active users, `false` those who left, `'any'` both. */
  active?: boolean | 'any';
  /** 1–200, default 50. */
  limit?: number;
  cursor?: string;
}

export interface SendOptions {
  /** The same key and body give the same message; another body with the key is a 409. Keys are per token. */
  idempotencyKey?: string;
}

const segment = encodeURIComponent;

export function createLocalStoreClient(options: LocalStoreClientOptions) {
  const http = createTransport(options);
  const usersQuery = (filter: UsersFilter) => ({
    ...filter,
    updatedSince: filter.updatedSince instanceof Date ? filter.updatedSince.toISOString() : filter.updatedSince,
    active: filter.active === undefined ? undefined : String(filter.active),
  });

  const users = {
    /** One page, by userid; pass `nextCursor` back as `cursor` for the next one. */
    list: (filter: UsersFilter = {}) => http.request<UsersPage>('GET', '/api/users', { query: usersQuery(filter) }),
    /** Every user matching the filter, page after page (stable while the directory changes). */
    async *iterate(filter: Omit<UsersFilter, 'cursor'> = {}): AsyncGenerator<UserProfile> {
      let cursor: string | undefined;
      do {
        const page = await users.list({ ...filter, cursor });
        yield* page.items;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    },
    get: (userid: string) => http.request<UserProfile>('GET', `/api/users/${segment(userid)}`),
    byUnionId: (unionId: string) => http.request<UserProfile>('GET', `/api/users/by-union-id/${segment(unionId)}`),
  };

  const changes = {
    /** Events after `after` (0 = from the start) in seq order; pass `next` back as `after`. */
    list: (query: { after?: number; limit?: number } = {}) => http.request<ChangesPage>('GET', '/api/changes', { query }),
  };

  return {
    users,
    departments: {
      /** The tree with direct member counts, or the subtree under `rootId`. */
      tree: (query: { rootId?: number } = {}) => http.request<DepartmentTree>('GET', '/api/departments', { query }),
      get: (deptId: number) => http.request<DepartmentDetail>('GET', `/api/departments/${deptId}`),
    },
    messages: {
      /** Recorded by the store and relayed to the cloud; answered `queued`. */
      send: (body: SendMessageBody, sendOptions: SendOptions = {}) =>
        http.request<AcceptedMessage>('POST', '/api/messages', {
          body,
          headers: sendOptions.idempotencyKey ? { 'idempotency-key': sendOptions.idempotencyKey } : {},
        }),
      /** The message with its counts and first 500 recipients (`recipientsNextCursor` continues in `recipients`). */
      get: (id: string) => http.request<MessageDetail>('GET', `/api/messages/${segment(id)}`),
      /** A message's recipients page by page, by userid; `status` keeps only those statuses. */
      recipients: (id: string, query: { status?: RecipientStatus[]; cursor?: string; limit?: number } = {}) =>
        http.request<MessageRecipientsPage>('GET', `/api/messages/${segment(id)}/recipients`, {
          query: { ...query, status: query.status?.join(',') },
        }),
      list: (query: { cursor?: string; limit?: number } = {}) => http.request<MessagesPage>('GET', '/api/messages', { query }),
    },
    changes,
    subscriptions: {
      /** The answer holds the signing secret; it is not shown again. */
      create: (request: { url: string; eventTypes: ChangeTypePattern[]; description?: string }) =>
        http.request<SubscriptionWithSecret>('POST', '/api/subscriptions', { body: request }),
      list: async () => (await http.request<{ items: Subscription[] }>('GET', '/api/subscriptions')).items,
      get: (id: string) => http.request<Subscription>('GET', `/api/subscriptions/${segment(id)}`),
      pause: (id: string) => http.request<Subscription>('POST', `/api/subscriptions/${segment(id)}/pause`),
      resume: (id: string) => http.request<Subscription>('POST', `/api/subscriptions/${segment(id)}/resume`),
      rotateSecret: (id: string) => http.request<SubscriptionWithSecret>('POST', `/api/subscriptions/${segment(id)}/rotate-secret`),
      replay: (id: string, fromSeq: number) => http.request<ReplayResult>('POST', `/api/subscriptions/${segment(id)}/replay`, { body: { fromSeq } }),
      remove: (id: string) => http.request<void>('DELETE', `/api/subscriptions/${segment(id)}`),
      deliveries: (id: string, query: { status?: DeliveryStatus; cursor?: string; limit?: number } = {}) =>
        http.request<DeliveriesPage>('GET', `/api/subscriptions/${segment(id)}/deliveries`, { query }),
      delivery: (id: string, deliveryId: string) => http.request<DeliveryDetail>('GET', `/api/subscriptions/${segment(id)}/deliveries/${segment(deliveryId)}`),
    },
    /** LOCAL_ADMIN_TOKEN only (service tokens cannot manage tokens). */
    tokens: {
      create: (request: { name: string; scopes: Scope[]; expiresAt?: string }) => http.request<IssuedServiceToken>('POST', '/api/tokens', { body: request }),
      list: async () => (await http.request<{ items: ServiceToken[] }>('GET', '/api/tokens')).items,
      revoke: (id: string) => http.request<ServiceToken>('DELETE', `/api/tokens/${segment(id)}`),
    },
    /** LOCAL_ADMIN_TOKEN only: the store relays the sync to the cloud. */
    directory: {
      sync: (full = false) => http.request<Pick<DirectorySyncView, 'id' | 'status'>>('POST', '/api/directory/sync', { body: full ? { full } : {} }),
      syncStatus: (id: string) => http.request<DirectorySyncView>('GET', `/api/directory/sync/${segment(id)}`),
    },
  };
}

export type LocalStoreClient = ReturnType<typeof createLocalStoreClient>;
