// Login runs in a browser: a refused login start or callback is shown as a small HTML page (never a
// redirect — the URL it came with is exactly what cannot be trusted). API clients asking for JSON
// still get problem+json from the shared error handler.
import type { ErrorRequestHandler } from 'express';
import { inlineSource, pageSecurity, REQUEST_ID_HEADER, toAppError, type AppError, type Logger } from '@dtg/service-kit';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = 'body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}.ref{color:#555;font-size:.9rem}';
// The page loads nothing; its one inline style is allowed by hash.
const security = pageSecurity({ 'style-src': [inlineSource(STYLE)] });

export function renderLoginError(error: AppError, requestId: string): string {
  const fields = error.fields?.length
    ? `<ul>${error.fields.map((f) => `<li><code>${escapeHtml(f.path)}</code>: ${escapeHtml(f.message)}</li>`).join('')}</ul>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign-in failed</title>
<style>${STYLE}</style>
</head><body><main>
<h1>Sign-in with DingTalk failed</h1>
<p role="alert">${escapeHtml(error.detail)}</p>${fields}
<p>Go back to the application and start the sign-in again.</p>
<p class="ref">Error <code>${escapeHtml(error.code)}</code>, request <code>${escapeHtml(requestId)}</code></p>
</main></body></html>`;
}

/** For the /auth pages: HTML to browsers, everything else on to the JSON error handler. */
export function loginErrorPages(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent || req.accepts(['application/json', 'text/html']) !== 'text/html') return next(err);
    const error = toAppError(err);
    const fields = { problem: error.code, status: error.status, method: req.method, path: req.path };
    if (error.status >= 500) logger.error('login page failed', { ...fields, err });
    else logger.info(error.detail, fields);
    security(req, res, () => {
      if (error.headers) res.set(error.headers);
      res
        .status(error.status)
        .set('Cache-Control', 'no-store')
        .type('html')
        .send(renderLoginError(error, String(res.getHeader(REQUEST_ID_HEADER) ?? '')));
    });
  };
}
