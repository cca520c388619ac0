import { parse } from 'cookie';
import type { Request } from 'express';

/** One cookie of the request (parsed by `cookie`, the package Express itself uses); undefined when absent or empty. */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const value = parse(header)[name];
  return value === undefined || value === '' ? undefined : value;
}
