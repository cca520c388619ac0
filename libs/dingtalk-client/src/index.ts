// Public entry of @dtg/dingtalk-client. Everything another project may use is exported here.
export { DingTalkClient } from './client/dingtalk-client';
export { OrgClient } from './client/org-client';
export { DEFAULT_BASE_URLS, DEFAULT_TIMEOUT_MS, type DingTalkClientOptions } from './client/client-options';
export { tokenKeys, type AppCredentials, type SuiteCredentials } from './client/credentials';

export { TokensApi, type AppSecretPair, type CorpTokenRequest, type SuiteTicketCredentials } from './api/token.api';
export { OAuthApi, type AuthorizeUrlOptions, type ClientSecretPair } from './api/oauth.api';
export { SuiteApi } from './api/suite.api';
export { ContactsApi, type Language, type ListUsersOptions } from './api/contacts.api';
export { MessagesApi } from './api/messages.api';
export { RobotApi } from './api/robot.api';
export { checkMediaLimits, MEDIA_LIMITS, MEDIA_TYPES, MediaApi, MediaLimitError, type MediaType, type MediaUpload, type UploadedMedia } from './api/media.api';
export { InAppApi, InAppUserSchema, jsapiSignature, type InAppUser, type JsapiSignatureInput } from './api/in-app.api';

export * from './api/token.schemas';
export * from './api/oauth.schemas';
export * from './api/suite.schemas';
export * from './api/contacts.schemas';
export * from './api/message.schemas';
export * from './api/message-results.schemas';
export * from './api/robot.schemas';

export type { BaseUrls, CallRecord } from './http/api-caller';
export type { FetchLike, Transport } from './http/transport';
export { DEFAULT_RETRY, type RetryOptions } from './http/retry-policy';
export { DEFAULT_QPS, type RateLimitOptions, type RateSlots } from './rate-limit/rate-limiter';

export { DEFAULT_REFRESH_MARGIN_MS, type Clock, type TokenFetchRecord } from './tokens/token-broker';
export { InMemoryTokenStore, type StoredToken, type TokenStore } from './tokens/token-store';
export { InMemorySuiteTicketSource, type SuiteTicketSource } from './tokens/suite-ticket-source';

export { DingTalkApiError, DingTalkTransportError, SuiteTicketUnavailableError, type CallOutcome, type TransportFailure } from './errors/dingtalk-errors';
export { ERROR_CLASSIFICATION, IP_BLOCKED_CODE, classify, type DingTalkErrorCodes, type ErrorClassRule, type ErrorKind } from './errors/error-classification';
export { isDingTalkBusy, isDingTalkNotFound } from './errors/error-predicates';
export { diagnoseSetup, type SetupProblem, type SetupProblemKind } from './errors/setup-diagnosis';

export { DingTalkStreamClient, type StreamClientOptions, type StreamState, type StreamStateChange, type StreamStats } from './stream/stream-client';
export { DEFAULT_RECONNECT, reconnectDelayMs, type ReconnectOptions } from './stream/reconnect-backoff';
export type { EventAckStatus, StreamCallbackMessage, StreamEvent, StreamSubscription } from './stream/stream-frames';

export { DingTalkCallbackCrypto, type EncryptedReply, type EncryptedRequest } from './crypto/callback-crypto';
export { CALLBACK_CRYPTO_ERRORS, DingTalkCallbackCryptoError, type CallbackCryptoErrorCode } from './crypto/callback-crypto.error';
export { percentEncode, signTimestamp, type TimestampSignature } from './crypto/request-signing';
