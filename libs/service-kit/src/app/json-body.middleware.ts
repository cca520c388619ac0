import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type RequestHandler } from 'express';
import { JSON_CONTENT_TYPES } from '../validation/validate.middleware';

declare module 'express-serve-static-core' {
  interface Request {
    /** The exact bytes of a JSON body, kept for signature checks (webhooks, DingTalk callbacks). */
    rawBody?: Buffer;
  }
}

export interface JsonBodyOptions {
  limit: string;
  /** Path prefixes whose raw body is kept on `req.rawBody` (signature checks); none when omitted. */
  rawBodyPaths?: string[];
  /** Path prefixes with a limit of their own (e.g. a webhook whose events can carry 100,000 recipients). */
  limitsByPath?: Record<string, string>;
}

export function jsonBody(options: JsonBodyOptions): RequestHandler {
  const rawPaths = options.rawBodyPaths ?? [];
  // Only apps that check signatures keep raw bodies, and only on those paths: every other request
  // would hold its body twice and carry one more property.
  const verify =
    rawPaths.length === 0
      ? undefined
      : (req: IncomingMessage, _res: ServerResponse, buffer: Buffer) => {
          const request = req as express.Request;
          if (rawPaths.some((prefix) => request.path.startsWith(prefix))) request.rawBody = buffer;
        };
  const parser = (limit: string) => express.json({ limit, type: JSON_CONTENT_TYPES, ...(verify ? { verify } : {}) });
  const standard = parser(options.limit);
  const special = Object.entries(options.limitsByPath ?? {}).map(([prefix, limit]) => ({ prefix, parse: parser(limit) }));
  if (special.length === 0) return standard;
  return (req, res, next) => {
    const own = special.find(({ prefix }) => req.path.startsWith(prefix));
    (own?.parse ?? standard)(req, res, next);
  };
}
