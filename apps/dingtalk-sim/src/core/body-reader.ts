import type { NextFunction, Request, Response } from 'express';
import { locals, type ParsedBody } from './http-locals';

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads and parses the body ourselves instead of express.json(): a parse failure must become the
 * host's own error answer (errcode 43009 / 400 invalidParameter), never Express's HTML error page.
 */
export function bodyReader(req: Request, res: Response, next: NextFunction): void {
  // Media uploads are up to 20 MB and streamed by their route (media/upload.routes.ts).
  if (/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '')) {
    locals(res).body = { kind: 'multipart' };
    next();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(chunk);
  });
  req.on('error', () => res.destroy());
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    locals(res).body = tooLarge ? { kind: 'invalid', problem: 'too_large', text: '' } : parseBody(raw, req.headers['content-type']);
    next();
  });
}

export function parseBody(raw: string, contentType: string | undefined): ParsedBody {
  if (raw.trim() === '') return { kind: 'none' };
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/x-www-form-urlencoded') {
    return { kind: 'form', value: Object.fromEntries(new URLSearchParams(raw)) };
  }
  if (type === '' || type === 'application/json' || type.endsWith('+json')) {
    try {
      return { kind: 'json', value: JSON.parse(raw) as unknown };
    } catch {
      return { kind: 'invalid', problem: 'malformed', text: raw.slice(0, 2048) };
    }
  }
  return { kind: 'invalid', problem: 'content_type', text: raw.slice(0, 2048) };
}
