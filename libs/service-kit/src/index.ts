export { loadConfig, parseConfigOrExit } from './config/load-config';
export { ConfigError, type ConfigProblem } from './config/config-error';
export {
  envBool,
  envDurationList,
  envDurationMs,
  envDurationOrOff,
  envInt,
  envList,
  envPort,
  envRateLimit,
  envSecret,
  envTrustProxy,
  envUrl,
  parseDurationMs,
  type RateLimitSetting,
} from './config/env-schemas';
export { isPublishedSecret, PUBLISHED_SECRET_MESSAGE } from './config/published-secrets';

export { createLogger, type Logger, type LoggerOptions } from './logging/create-logger';
export { redact, redactText, REDACTED } from './logging/redact';

export { currentRequestId, getContext, runWithContext, setContextValue, type ContextValues, type RequestContext } from './context/request-context';
export { requestContext, REQUEST_ID_HEADER } from './context/request-context.middleware';

export { ERROR_CODES, ERROR_STATUS, errorTitle, type ErrorCode } from './errors/error-codes';
export {
  AppError,
  conflict,
  forbidden,
  missingPermission,
  notFound,
  unauthorized,
  validationError,
  type AppErrorOptions,
  type DingTalkSetup,
  type FieldError,
} from './errors/app-error';
export { toAppError } from './errors/to-app-error';
export { errorHandler, notFoundHandler, PROBLEM_CONTENT_TYPE } from './errors/error-handler.middleware';
export { FieldErrorSchema, PROBLEM_TYPE_BASE, ProblemSchema, type Problem } from './errors/problem.schema';

export { input, parseValue, validate, type InputLocation, type InputSchemas, type ParsedInput } from './validation/validate.middleware';
export { route, type RouteHandler } from './validation/route';
export { parseJson } from './validation/parse-json';

export { healthRoutes, type HealthCheck, type HealthOptions } from './health/health.routes';
export { createMetricsRegistry } from './metrics/metrics-registry';
export { httpMetrics } from './metrics/http-metrics.middleware';
export { metricsRoutes } from './metrics/metrics.routes';
export type { Registry } from 'prom-client';

export { sha256Hex } from './crypto/sha256';
export { catalogFile, loadConsoleAssets, type ConsoleAssets, type ConsoleAssetsOptions, type ConsoleCatalog, type ConsoleFile } from './ui/console-assets';
export { openWithTicket, sealWithTicket } from './crypto/ticket-seal';
export { readCookie } from './http/cookies';
export { decodeCursor, nextCursor } from './http/page-cursor';
export { fillText, LOCALE_COOKIE, negotiateLocale, parseUiLocale, requestLocale, UI_LOCALES, type UiLocale } from './http/locale';
export { canonicalJson, canonicalSha256 } from './crypto/canonical-json';

export { memoryRateLimiter, rateLimiterOf, type RateDecision, type RateLimiter } from './rate-limit/rate-limiter';
export { clientAddress, rateLimit, type RateLimitRule } from './rate-limit/rate-limit.middleware';

export { createServiceApp, type ServiceAppOptions } from './app/create-service-app';
export { logAsRoutine } from './app/access-log.middleware';
export { inlineSource, pageSecurity, type CspDirectives } from './app/page-security';
export { serve, type RunningServer, type ServeOptions, type ShutdownHook } from './server/serve';

export { ApiRegistry, type ApiResponseSpec, type ApiRouteSpec, type HttpMethod } from './openapi/api-registry';
export { buildOpenApiDocument, type OpenApiInfo, type OutgoingWebhookSpec } from './openapi/openapi-document';
export { openApiRoutes } from './openapi/openapi.routes';
export { documentedRoutes, unservedRoutes, type ProbeRequest } from './openapi/route-probe';

export { Pump } from './work/pump';
export { Signal } from './work/signal';
export { BatchWriter } from './work/batch-writer';
export { KeyedWorkers } from './work/keyed-workers';
