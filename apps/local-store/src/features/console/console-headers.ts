// Response headers of the console. The Content-Security-Policy allows scripts and styles from this
// origin only (no inline code at all), network calls to this origin only (the store relays sends and
// syncs to the cloud), and no DOM sink that parses strings as HTML (Trusted Types) — the console
// builds every node with the DOM API.
// Delivered by service-kit's pageSecurity (helmet), like every HTML page of both services.
import { pageSecurity } from '@dtg/service-kit';
import type { RequestHandler } from 'express';

export function consolePageSecurity(): RequestHandler {
  return pageSecurity({
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'"],
    'connect-src': ["'self'"],
    'form-action': ["'self'"],
    'require-trusted-types-for': ["'script'"],
    'trusted-types': [],
  });
}

/** Revalidated on every load (cheap: a 304 by ETag) so a new build is picked up at once. */
export const PAGE_CACHE = 'no-cache';

/** Assets under the current build id never change. */
export const IMMUTABLE_ASSET = 'public, max-age=31536000, immutable';
