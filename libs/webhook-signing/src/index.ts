export { generateWebhookSecret, signWebhook, verifyWebhook, WebhookSignatureError } from './webhook-signing';
export type { SignedWebhookHeaders, WebhookRejection } from './webhook-signing';
