// Sign-in inside the DingTalk client (免登) and the JSAPI signature H5 pages need, for a tenant's
// own servers (the local store; API key). The auth code an H5 page got from
// `dd.runtime.permission.requestAuthCode` becomes the person's userid through DingTalk
// (`/topapi/v2/user/getuserinfo` with the tenant's app or corp token), then the same ticket, cloud
// token and user.authenticated event as the QR login (login.service signIn): the store redeems it
// on the same path.
import { randomBytes } from 'node:crypto';
import { DingTalkApiError, jsapiSignature } from '@dtg/dingtalk-client';
import { AppError, type ApiRegistry } from '@dtg/service-kit';
import type { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { principal, requireScope } from '../auth/authenticate.middleware';
import type { DingTalk } from '../dingtalk/org-clients';
import type { TenantsService } from '../tenants/tenants.service';
import { LoginRefusedError, type LoginService } from './login.service';

// 40078: unknown or spent code; 40102 / 40103: expired (dingtalk-api.md §1.2).
const BAD_CODE = new Set([40078, 40102, 40103]);

const InAppLoginRequestSchema = z.strictObject({
  authCode: z.string().min(1).max(256),
  /** SHA-256 (hex) of the binding the store keeps for the browser: the ticket is redeemable there only. */
  binding: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest'),
});
const InAppLoginResponseSchema = z.object({ ticket: z.string() });

const JsapiSignatureRequestSchema = z.strictObject({
  url: z
    .string()
    .max(2048)
    .refine((url) => /^https?:\/\//.test(url) && URL.canParse(url), 'must be an absolute http(s) URL'),
});
const JsapiSignatureSchema = z.object({
  corpId: z.string(),
  agentId: z.number().int().nullable(),
  timeStamp: z.string(),
  nonceStr: z.string(),
  signature: z.string(),
});

export interface InAppDeps {
  login: LoginService;
  dingtalk: DingTalk;
  tenants: TenantsService;
  now?: () => number;
}

export function inAppRoutes(deps: InAppDeps, api: ApiRegistry, authenticate: RequestHandler): Router {
  // Its two routes sit beside other /v1 routers: Express enters this one for /v1 paths only.
  const router = api.router('/v1');
  const now = deps.now ?? Date.now;
  const tags = ['sign-in inside DingTalk'];
  const before = [authenticate, requireScope('events:read')];

  api.add(
    router,
    {
      method: 'post',
      path: '/v1/in-app-logins',
      summary:
        'Exchange an in-app auth code (dd.runtime.permission.requestAuthCode, 5 min, single use) for a one-time login ticket, as GET /auth/dingtalk’s callback issues: ' +
        'the same user.authenticated event, with `binding` in its data.',
      tags,
      security: ['bearer'],
      before,
      input: { body: InAppLoginRequestSchema },
      responses: {
        201: { description: 'The ticket (60 s, single use).', schema: InAppLoginResponseSchema },
        400: { description: 'Bad body.' },
        401: { description: 'Missing credentials, or DingTalk does not know the code (unknown, expired or already used).' },
        403: { description: 'No events:read scope, the person is not a member of the organisation, or the tenant is suspended.' },
        502: { description: 'DingTalk could not be asked.' },
      },
    },
    async ({ body }, _req, res) => {
      const { tenantId } = principal(res);
      const org = await deps.dingtalk.forTenant(await deps.tenants.get(tenantId));
      const person = await org.inApp.userByCode(body.authCode).catch((error: unknown) => {
        if (error instanceof DingTalkApiError && error.errcode !== undefined && BAD_CODE.has(error.errcode)) {
          throw new AppError('unauthorized', 'DingTalk does not know this auth code: it is unknown, expired or already used.');
        }
        throw error;
      });
      if (!person.unionid) throw new AppError('upstream_error', 'DingTalk answered the auth code without a unionid.');
      try {
        const { ticket } = await deps.login.signIn(tenantId, { nick: person.name ?? '', unionId: person.unionid }, body.binding);
        res.status(201).set('Cache-Control', 'no-store').json({ ticket });
      } catch (error) {
        if (error instanceof LoginRefusedError) throw new AppError('forbidden', error.message);
        throw error;
      }
    },
  );

  api.add(
    router,
    {
      method: 'post',
      path: '/v1/jsapi-signatures',
      summary:
        'The dd.config signature for an H5 page of the tenant: SHA-1 over the tenant’s JSAPI ticket (cached, refreshed like its access token), a fresh nonce, ' +
        'the time and the page URL (without #fragment). The URL’s origin must be one of the tenant’s return URLs’ origins.',
      tags,
      security: ['bearer'],
      before,
      input: { body: JsapiSignatureRequestSchema },
      responses: {
        200: { description: 'What the page passes to dd.config (with its jsApiList).', schema: JsapiSignatureSchema },
        400: { description: 'Bad URL, or its origin is not registered for the tenant.' },
        401: { description: 'Missing credentials.' },
        502: { description: 'DingTalk could not be asked for the ticket.' },
      },
    },
    async ({ body }, _req, res) => {
      const tenant = await deps.tenants.get(principal(res).tenantId);
      const origin = new URL(body.url).origin;
      if (!tenant.returnUrls.some((registered) => new URL(registered).origin === origin)) {
        throw new AppError('bad_request', 'The page is not on an origin registered for the tenant.', {
          fields: [{ path: 'body.url', message: 'must be on the origin of one of the tenant’s return URLs' }],
        });
      }
      const org = await deps.dingtalk.forTenant(tenant);
      const ticket = await org.jsapiTicket();
      const timeStamp = String(now());
      const nonceStr = randomBytes(12).toString('base64url');
      res.set('Cache-Control', 'no-store').json({
        corpId: tenant.corpId,
        agentId: tenant.agentId ?? null,
        timeStamp,
        nonceStr,
        signature: jsapiSignature({ ticket, nonceStr, timeStamp, url: body.url }),
      });
    },
  );
  return router;
}
