// Public entry of @dtg/local-client: a typed client for a local store's API, and webhook
// verification for subscription endpoints.
export { createLocalStoreClient, type LocalStoreClient, type SendOptions, type UsersFilter } from './client';
export { LocalStoreError, type FieldProblem, type LocalStoreClientOptions } from './http';
export { ChangeEventError, verifyChangeWebhook, WebhookSignatureError } from './webhooks';
export type {
  AcceptedMessage,
  ChangeData,
  ChangeEvent,
  ChangesPage,
  ChangeType,
  ChangeTypePattern,
  DeliveriesPage,
  Delivery,
  DeliveryDetail,
  DepartmentDetail,
  DepartmentNode,
  DepartmentTree,
  MessageDetail,
  MessageResource,
  MessagesPage,
  MessageSummary,
  Scope,
  SendMessageBody,
  ServiceToken,
  Subscription,
  SubscriptionWithSecret,
  UserProfile,
  UsersPage,
  WorkNotificationMessage,
} from '@dtg/contracts';
