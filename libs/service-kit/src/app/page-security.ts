// Response headers for every HTML page the services serve (the cloud's /docs and login error
// pages, the store's console and /docs), through helmet: one way to deliver them, so no page is
// left without. Each page names what it loads in `directives`; the rest is fixed here — nothing
// may frame a page (clickjacking), no <base> or form target elsewhere, no referrer (sign-in URLs
// carry one-time tickets), no MIME sniffing, a page of its own (COOP). HSTS is left to whoever
// terminates TLS for the whole host: a header on the HTML pages alone would be half of it.
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

export type CspDirectives = Record<string, string[]>;

const FIXED: CspDirectives = {
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/** Helmet's headers with a Content-Security-Policy of FIXED plus `directives` (which win). */
export function pageSecurity(directives: CspDirectives): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { ...FIXED, ...directives } },
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
  });
}

/** A CSP source allowing exactly this inline `<script>` or `<style>` content. */
export function inlineSource(content: string): string {
  return `'sha256-${createHash('sha256').update(content, 'utf8').digest('base64')}'`;
}
