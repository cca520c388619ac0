import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { runWithContext } from './request-context';

export const REQUEST_ID_HEADER = 'x-request-id';

// An incoming id ends up in logs and response headers, so only short, plain tokens are trusted.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestContext(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get(REQUEST_ID_HEADER);
    const requestId = incoming !== undefined && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader(REQUEST_ID_HEADER, requestId);
    runWithContext({ requestId }, next);
  };
}
