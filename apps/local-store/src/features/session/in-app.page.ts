// Sign-in inside the DingTalk client without a click (免登), for the console and for the OpenID
// Connect provider's sign-in step: GET /in-app loads DingTalk's JSAPI script and in-app.js, which
// asks the store for dd.config's arguments (signed by the cloud), gets an auth code from the client
// (dd.runtime.permission.requestAuthCode), signs in with it (POST /api/session/in-app) and goes on to
// `next` — the console, or the provider's interaction that sent it here. A separate page: the
// console's own CSP (Trusted Types, this origin only) rightly allows no third-party script.
// In the reader's language (the store's catalog, inApp.* keys; the console's dtg_lang or
// Accept-Language): the page carries its failure words in data attributes, so the script is the
// same for every language.
import { pageSecurity, requestLocale, type ApiRegistry, type UiLocale } from '@dtg/service-kit';
import { Router, type Request } from 'express';
import type { Access } from '../../http/access';
import { storeText } from '../console/store-text';

export const IN_APP_PATH = '/in-app';

/** Where the page may send the browser once signed in: the console, or a provider interaction. */
const NEXT = /^\/oidc\/interaction\/[A-Za-z0-9_-]{1,64}$/;

/** The DingTalk client's web view names itself in the User-Agent ("… DingTalk/7.6.0 …"). */
export function insideDingTalk(req: Request): boolean {
  return /\bDingTalk\b/i.test(req.get('user-agent') ?? '');
}

export function inAppUrl(next?: string): string {
  return next && NEXT.test(next) ? `${IN_APP_PATH}?${new URLSearchParams({ next })}` : IN_APP_PATH;
}

const SCRIPT = `(function () {
  var next = new URL(location.href).searchParams.get('next');
  var target = next && ${NEXT.toString()}.test(next) ? next : '/';
  function post(path, body) {
    return fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (json) {
        if (!res.ok) throw new Error(json.detail || json.title || ('HTTP ' + res.status));
        return json;
      });
    });
  }
  post('/api/session/in-app/config', { url: location.href })
    .then(function (config) {
      dd.config({ agentId: config.agentId, corpId: config.corpId, timeStamp: config.timeStamp, nonceStr: config.nonceStr, signature: config.signature, jsApiList: ['runtime.permission.requestAuthCode'] });
      return new Promise(function (resolve, reject) {
        dd.ready(function () { dd.runtime.permission.requestAuthCode({ corpId: config.corpId, onSuccess: resolve, onFail: reject }); });
      });
    })
    .then(function (result) { return post('/api/session/in-app', { authCode: result.code }); })
    .then(function () { location.replace(target); })
    .catch(function (error) {
      // Read here, not at the top: this script runs in <head>, before the page's body exists.
      var status = document.getElementById('status');
      status.textContent = status.dataset.failed + ' ' + (error.message || error.errorMessage || String(error)) + ' ';
      var link = document.createElement('a');
      link.href = '/auth/login';
      link.textContent = status.dataset.fallback;
      status.appendChild(link);
    });
})();
`;

export function inAppRoutes(api: ApiRegistry, access: Access, jsapiUrl: string): Router {
  const router = Router();
  const security = pageSecurity({
    'script-src': ["'self'", new URL(jsapiUrl).origin],
    'connect-src': ["'self'", new URL(jsapiUrl).origin],
    'style-src': ["'self'"],
  });
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const page = (locale: UiLocale) => {
    const text = (key: string) => escape(storeText(locale, key));
    return (
      `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${text('inApp.title')}</title>` +
      `<script src="${escape(jsapiUrl)}"></script><script src="${IN_APP_PATH}.js"></script></head><body><main>` +
      `<p id="status" role="status" data-failed="${text('inApp.failed')}" data-fallback="${text('inApp.fallback')}">${text('inApp.working')}</p></main></body></html>`
    );
  };
  router.get(IN_APP_PATH, security, (req, res) => {
    res
      .set({ 'Cache-Control': 'no-store', Vary: 'Accept-Language, Cookie' })
      .type('html')
      .send(page(requestLocale(req)));
  });
  router.get(`${IN_APP_PATH}.js`, (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('application/javascript').send(SCRIPT);
  });
  api.document({
    ...access.public,
    method: 'get',
    path: IN_APP_PATH,
    summary:
      'Sign-in inside the DingTalk client without a click (HTML): dd.config, requestAuthCode, POST /api/session/in-app, then on to `next` (the console or a provider interaction).',
    tags: ['session'],
    responses: { 200: { description: 'The page.' } },
  });
  api.document({
    ...access.public,
    method: 'get',
    path: `${IN_APP_PATH}.js`,
    summary: 'The script of GET /in-app.',
    tags: ['session'],
    responses: { 200: { description: 'JavaScript.' } },
  });
  return router;
}
