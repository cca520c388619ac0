import type { Writable } from 'node:stream';
import winston from 'winston';
import { getContext } from '../context/request-context';
import { redact } from './redact';

export type Logger = winston.Logger;

export interface LoggerOptions {
  service: string;
  version: string;
  level?: string;
  silent?: boolean;
  /** Where JSON lines go; stdout unless a test wants to read them. */
  destination?: Writable;
}

// Runs on every line, so the request id and tenant appear without callers passing them.
const withContext = winston.format((info) => {
  const context = getContext();
  if (context) {
    info.requestId ??= context.requestId;
    if (context.tenantId !== undefined) info.tenantId ??= context.tenantId;
  }
  return info;
});

// Redacts the string-keyed fields in place; winston's own Symbol keys (level, message) stay untouched.
const redaction = winston.format((info) => {
  for (const [key, value] of Object.entries(redact({ ...info }) as Record<string, unknown>)) {
    info[key] = value;
  }
  return info;
});

export function createLogger(options: LoggerOptions): Logger {
  const transport = options.destination ? new winston.transports.Stream({ stream: options.destination }) : new winston.transports.Console();
  // winston runs the whole format chain (redaction, JSON) before its transports drop a line below
  // the level; dropping it first makes a debug/info line cost nothing at LOG_LEVEL=warn.
  const enabled = winston.format((info) => (logger.isLevelEnabled(info.level) ? info : false));
  const logger: Logger = winston.createLogger({
    level: options.level ?? 'info',
    silent: options.silent ?? false,
    defaultMeta: { service: options.service, version: options.version },
    format: winston.format.combine(
      enabled(),
      winston.format.errors({ stack: true }),
      withContext(),
      redaction(),
      winston.format.timestamp(),
      winston.format.json(),
    ),
    transports: [transport],
  });
  return logger;
}
