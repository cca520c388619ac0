// Login runs in a browser: a refused login start or callback is shown as a small HTML page (never a
// redirect — the URL it came with is exactly what cannot be trusted). API clients asking for JSON
// still get problem+json from the shared error handler. The page is in the reader's language
// (Accept-Language; any Chinese → zh-CN), with the other language one click away in a <details>:
// a language link would replay a request that has just been refused (a spent state, a used code).
import type { ErrorRequestHandler } from 'express';
import {
  inlineSource,
  pageSecurity,
  REQUEST_ID_HEADER,
  requestLocale,
  toAppError,
  UI_LOCALES,
  type AppError,
  type Logger,
  type UiLocale,
} from '@dtg/service-kit';
import { escapeHtml, pageHtml, pageText, problemTextKey } from '../../shared/page-text';
import { refusalKey } from './login-failure';

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}.ref{color:#555;font-size:.9rem}' +
  'details{margin-top:2rem;border-top:1px solid #ddd;padding-top:1rem}summary{cursor:pointer;font-weight:600}';
// The page loads nothing; its one inline style is allowed by hash.
const security = pageSecurity({ 'style-src': [inlineSource(STYLE)] });

/** The page's content in one language; `headingLevel` 1 for the page's language, 2 inside the other's <details>. */
function content(error: AppError, requestId: string, locale: UiLocale, headingLevel: 1 | 2): string {
  const refusal = refusalKey(error.detail);
  // A refusal has its own words in every language; otherwise the code's meaning, and the server's
  // detail (English, the API's language) under it.
  const message = pageHtml(locale, refusal ?? problemTextKey(error.code));
  const detail = refusal ? '' : `<p>${pageHtml(locale, 'login.serverDetail', { detail: `<span lang="en">${escapeHtml(error.detail)}</span>` })}</p>`;
  const fields = error.fields?.length
    ? `<ul lang="en">${error.fields.map((f) => `<li><code>${escapeHtml(f.path)}</code>: ${escapeHtml(f.message)}</li>`).join('')}</ul>`
    : '';
  const h = `h${headingLevel}`;
  return `<${h}>${pageHtml(locale, 'login.heading')}</${h}>
<p${headingLevel === 1 ? ' role="alert"' : ''}>${message}</p>${detail}${fields}
<p>${pageHtml(locale, 'login.again')}</p>
<p class="ref">${pageHtml(locale, 'login.reference', { code: `<code>${escapeHtml(error.code)}</code>`, request: `<code>${escapeHtml(requestId)}</code>` })}</p>`;
}

export function renderLoginError(error: AppError, requestId: string, locale: UiLocale = 'en'): string {
  const other = UI_LOCALES.find((candidate) => candidate !== locale) ?? locale;
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(pageText(locale, 'login.pageTitle'))}</title>
<style>${STYLE}</style>
</head><body><main>
${content(error, requestId, locale, 1)}
<details lang="${other}"><summary>${escapeHtml(pageText(locale, 'login.otherLanguage'))}</summary>
${content(error, requestId, other, 2)}
</details>
</main></body></html>`;
}

/** For the /auth pages: HTML to browsers, everything else on to the JSON error handler. */
export function loginErrorPages(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent || req.accepts(['application/json', 'text/html']) !== 'text/html') return next(err);
    const error = toAppError(err);
    const fields = { problem: error.code, status: error.status, method: req.method, path: `${req.baseUrl}${req.path}` };
    if (error.status >= 500) logger.error('login page failed', { ...fields, err });
    else logger.info(error.detail, fields);
    security(req, res, () => {
      if (error.headers) res.set(error.headers);
      res
        .status(error.status)
        .set({ 'Cache-Control': 'no-store', Vary: 'Accept-Language, Cookie' })
        .type('html')
        .send(renderLoginError(error, String(res.getHeader(REQUEST_ID_HEADER) ?? ''), requestLocale(req)));
    });
  };
}
