// A simulated DingTalk client, for H5 micro-apps that sign people in without a click (免登):
//   GET  /_sim/client?corpId&userid&url   "opens" the app inside DingTalk as that person: the person
//                                          is remembered (a cookie here) and the browser goes to url;
//   GET  /_sim/client/dingtalk.open.js     stands in for DingTalk's JSAPI script: `dd.ready`,
//                                          `dd.config`, and `dd.runtime.permission.requestAuthCode`
//                                          / `dd.requestAuthCode` ({corpId} → {code});
//   POST /_sim/client/auth-code?corpId     what that call does natively: a code for the person the
//                                          client was opened as (single use, 5 minutes), only for
//                                          the org they were opened in.
// A test browser opening an app "inside DingTalk" also sends a DingTalk User-Agent, as the real
// client's web view does; the app decides from it whether to load the JSAPI at all.
import { Router, type Request, type Response } from 'express';
import type { Simulator } from '../simulator';

const PERSON_COOKIE = 'sim_dd_person';

const SHIM = `(function () {
  var base = document.currentScript.src.replace(/\\/dingtalk\\.open\\.js.*$/, '');
  function requestAuthCode(options) {
    options = options || {};
    var asked = fetch(base + '/auth-code?corpId=' + encodeURIComponent(options.corpId || ''), { method: 'POST', credentials: 'include' }).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw { errorCode: String(res.status), errorMessage: body.error };
        return { code: body.code, authCode: body.code };
      });
    });
    asked.then(function (result) { if (options.onSuccess) options.onSuccess(result); }, function (error) { if (options.onFail) options.onFail(error); });
    return asked;
  }
  window.dd = {
    version: 'dingtalk-sim',
    env: { platform: 'pc' },
    ready: function (callback) { callback(); },
    error: function () {},
    config: function () {},
    requestAuthCode: requestAuthCode,
    runtime: { permission: { requestAuthCode: requestAuthCode } },
  };
})();
`;

function personOf(req: Request): { corpId: string; userid: string } | undefined {
  const header = req.get('cookie') ?? '';
  const value = header
    .split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${PERSON_COOKIE}=`))
    ?.slice(PERSON_COOKIE.length + 1);
  if (!value) return undefined;
  const [corpId, userid] = decodeURIComponent(value).split('|');
  return corpId && userid ? { corpId, userid } : undefined;
}

/** The app's page calls from its own origin: answer it, with the client's cookie. */
function allowCaller(req: Request, res: Response): void {
  const origin = req.get('origin');
  if (origin) {
    res.set('Access-Control-Allow-Origin', origin);
    res.set('Access-Control-Allow-Credentials', 'true');
    res.set('Vary', 'Origin');
  }
}

export function clientRoutes(sim: Simulator): Router {
  const router = Router();
  router.get('/_sim/client', (req, res) => {
    const { corpId, userid, url } = req.query as Record<string, string | undefined>;
    if (!corpId || !userid || !url || !/^https?:\/\//.test(url) || !URL.canParse(url)) {
      return void res.status(400).json({ error: 'corpId, userid and an http(s) url are required' });
    }
    if (!sim.world.orgs.member(corpId, userid)) return void res.status(404).json({ error: `userid ${userid} not in org ${corpId}` });
    res.cookie(PERSON_COOKIE, `${corpId}|${userid}`, { httpOnly: true, sameSite: 'lax', path: '/_sim/client' });
    res.redirect(302, url);
  });
  router.get('/_sim/client/dingtalk.open.js', (_req, res) => {
    res.type('application/javascript').set('Cache-Control', 'no-store').send(SHIM);
  });
  router.post('/_sim/client/auth-code', (req, res) => {
    allowCaller(req, res);
    const person = personOf(req);
    const corpId = typeof req.query['corpId'] === 'string' ? req.query['corpId'] : '';
    if (!person) return void res.status(403).json({ error: 'not opened inside the (simulated) DingTalk client' });
    if (person.corpId !== corpId) return void res.status(403).json({ error: `the client is signed in to ${person.corpId}, not ${corpId}` });
    res.json({ code: sim.issueInAppCode(person.corpId, person.userid) });
  });
  return router;
}
