// Response headers of the console. The Content-Security-Policy allows scripts and styles from this
// origin only (no inline code at all), network calls to this origin and the cloud, and no DOM sink
// that parses strings as HTML (Trusted Types) — the console builds every node with the DOM API.
export function consolePageHeaders(cloudOrigin: string): Record<string, string> {
  const policy = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src 'self' ${cloudOrigin}`,
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    'trusted-types',
  ].join('; ');
  return {
    'Content-Security-Policy': policy,
    // The sign-in return URL carries a one-time ticket: never leak it in a Referer header.
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    // Revalidated on every load (cheap: a 304 by ETag) so a new build is picked up at once.
    'Cache-Control': 'no-cache',
  };
}

/** Assets under the current build id never change. */
export const IMMUTABLE_ASSET = 'public, max-age=31536000, immutable';
