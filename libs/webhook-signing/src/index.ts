export { generateWebhookSecret, signWebhook, verifyWebhook, WebhookSignatureError } from './webhook-signing';
export type { SignedWebhookHeaders, WebhookRejection } from './webhook-signing';
export { DEFAULT_RETRY_SCHEDULE_MS, nextStep, parseRetryAfter, retryPolicy, type NextStep, type RetryPolicy } from './retry-schedule';
export type { PushResult, PushSender } from './push-result';
