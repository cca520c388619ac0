// The console: one HTML page at `/`, its static files, and the little it must know before anyone
// signs in (GET /api/config). Everything else the page does goes through the store's /api.
import { ConsoleConfigSchema, messageLimits, type ConsoleConfig } from '@dtg/contracts';
import { notFound, requestLocale, type ApiRegistry } from '@dtg/service-kit';
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Access } from '../../http/access';
import type { ConsoleAssets, ConsoleFile } from '@dtg/service-kit';
import { loadConsoleAssets } from './console-assets';
import { consolePageSecurity, IMMUTABLE_ASSET, PAGE_CACHE } from './console-headers';

const AssetParamsSchema = z.object({
  build: z.string().regex(/^[0-9a-f]{1,64}$/),
  file: z.string().regex(/^[a-z0-9-]+\.[a-z]+$/),
});

export interface ConsoleSettings {
  tenantId: string;
  /** The cloud as the browser reaches it (CLOUD_PUBLIC_URL). */
  cloudPublicUrl: string;
  /** The organisation's IANA time zone (ORG_TIME_ZONE): the console shows dates in it. */
  timeZone: string;
}

function consoleConfig(settings: ConsoleSettings): ConsoleConfig {
  // The store starts every login itself (session feature, GET /auth/login): never a link straight to the cloud.
  return {
    tenantId: settings.tenantId,
    cloudUrl: settings.cloudPublicUrl,
    loginUrl: '/auth/login',
    timeZone: settings.timeZone,
    messageLimits: messageLimits(),
  };
}

function send(res: Response, file: ConsoleFile, headers: Record<string, string>): void {
  // Express answers 304 itself when If-None-Match matches this ETag.
  res.set({ ...headers, 'Content-Type': file.contentType, ETag: file.etag });
  res.send(file.body);
}

export function consoleRoutes(api: ApiRegistry, access: Access, settings: ConsoleSettings, assets: ConsoleAssets = loadConsoleAssets()): Router {
  const router = Router();
  const tags = ['console'];
  const pageSecurity = consolePageSecurity();
  const config = ConsoleConfigSchema.parse(consoleConfig(settings));

  api.add(
    router,
    {
      ...access.public,
      method: 'get',
      path: '/',
      summary:
        "The console (HTML): sign in with DingTalk, directory, send a notification, watch receipts. In English or Simplified Chinese: the dtg_lang cookie (the page's language switch), else Accept-Language (any Chinese → zh-CN).",
      tags,
      before: [pageSecurity],
      responses: { 200: { description: 'The page.', schema: z.string(), contentType: 'text/html' } },
    },
    async (_input, req, res) => send(res, assets.pages[requestLocale(req)], { 'Cache-Control': PAGE_CACHE, Vary: 'Accept-Language, Cookie' }),
  );

  api.add(
    router,
    {
      ...access.public,
      method: 'get',
      path: '/assets/:build/:file',
      summary: "The console's scripts, styles, icon and language catalogs; cached for good under the current build id.",
      tags,
      input: { params: AssetParamsSchema },
      responses: {
        200: { description: 'The file (JavaScript module, CSS or SVG).', schema: z.string(), contentType: 'text/javascript' },
        404: { description: 'No such file.' },
      },
    },
    async ({ params }, _req, res) => {
      const file = assets.asset(params.file);
      if (!file) throw notFound(`No console file ${params.file}.`);
      // A page loaded before a restart asks for its old build: it gets today's file, but that answer
      // must not be cached as if it were the old build's.
      const cacheControl = params.build === assets.build ? IMMUTABLE_ASSET : 'no-cache';
      send(res, file, { 'Cache-Control': cacheControl, 'X-Content-Type-Options': 'nosniff' });
    },
  );

  api.add(
    router,
    {
      ...access.public,
      method: 'get',
      path: '/api/config',
      summary:
        'What the console needs before sign-in: the tenant, the cloud URL, the "Sign in with DingTalk" URL, the organisation\'s time zone and DingTalk\'s message limits.',
      tags,
      responses: { 200: { description: 'The settings.', schema: ConsoleConfigSchema } },
    },
    async (_input, _req, res) => {
      res.set('Cache-Control', 'no-cache').json(config);
    },
  );
  return router;
}
