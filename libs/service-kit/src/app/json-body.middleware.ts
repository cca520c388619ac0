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
  /** Path prefixes whose raw body is kept on `req.rawBody`; every path when omitted. */
  rawBodyPaths?: string[];
}

export function jsonBody(options: JsonBodyOptions): RequestHandler {
  const keepRaw = (path: string): boolean => options.rawBodyPaths === undefined || options.rawBodyPaths.some((prefix) => path.startsWith(prefix));
  return express.json({
    limit: options.limit,
    type: JSON_CONTENT_TYPES,
    verify: (req, _res, buffer) => {
      const request = req as express.Request;
      if (keepRaw(request.path)) request.rawBody = buffer;
    },
  });
}
