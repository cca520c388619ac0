// The operator console: one HTML page at /admin/console and its static files, served by the cloud
// itself (same origin, no CDN). Everything the page shows or changes goes through /admin (the admin
// API and /admin/views) with the operator's session cookie — the same routes, schemas and audit
// as scripts using the ADMIN_TOKEN.
import { Router, type Response } from 'express';
import { z } from 'zod';
import { notFound, pageSecurity, requestLocale, type ApiRegistry } from '@dtg/service-kit';
import type { ConsoleAssets, ConsoleFile } from '@dtg/service-kit';
import { loadConsoleAssets } from './console-assets';

const AssetParamsSchema = z.object({ build: z.string().regex(/^[0-9a-f]{1,64}$/), file: z.string().regex(/^[a-z0-9-]+\.[a-z]+$/) });

function send(res: Response, file: ConsoleFile, headers: Record<string, string>): void {
  res.set({ ...headers, 'Content-Type': file.contentType, ETag: file.etag });
  res.send(file.body);
}

export function operatorConsoleRoutes(api: ApiRegistry, assets: ConsoleAssets = loadConsoleAssets()): Router {
  const router = api.router('/admin/console');
  const tags = ['operator console'];
  // Scripts, styles and calls to this origin only, no inline code, and no DOM sink that parses HTML
  // (Trusted Types): the page builds every node with the DOM API.
  const security = pageSecurity({
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'form-action': ["'self'"],
    'require-trusted-types-for': ["'script'"],
    'trusted-types': [],
  });
  api.add(
    router,
    {
      method: 'get',
      path: '/admin/console',
      summary:
        'The operator console (HTML): tenants and their health, deliveries, jobs, the audit log. English or Simplified Chinese (dtg_lang cookie, else Accept-Language).',
      tags,
      security: [],
      before: [security],
      responses: { 200: { description: 'The page.', schema: z.string(), contentType: 'text/html' } },
    },
    async (_input, req, res) => send(res, assets.pages[requestLocale(req)], { 'Cache-Control': 'no-cache', Vary: 'Accept-Language, Cookie' }),
  );
  api.add(
    router,
    {
      method: 'get',
      path: '/admin/console/assets/:build/:file',
      summary: "The operator console's scripts, styles and language catalogs; cached for good under the current build id.",
      tags,
      security: [],
      input: { params: AssetParamsSchema },
      responses: { 200: { description: 'The file.', schema: z.string(), contentType: 'text/javascript' }, 404: { description: 'No such file.' } },
    },
    async ({ params }, _req, res) => {
      const found = assets.asset(params.file);
      if (!found) throw notFound(`No operator console file ${params.file}.`);
      send(res, found, {
        'Cache-Control': params.build === assets.build ? 'public, max-age=31536000, immutable' : 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      });
    },
  );
  return router;
}
