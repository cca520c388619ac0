import path from 'node:path';
import { Router } from 'express';
import { pageSecurity } from '../app/page-security';
import { buildOpenApiDocument, type OpenApiInfo } from './openapi-document';
import type { ApiRegistry } from './api-registry';
import { documentServiceRoutes } from './service-routes.docs';

// Swagger UI from the swagger-ui-dist package (served from node_modules: no CDN, works offline and
// inside a customer's network). Chosen over Scalar, whose offline bundle comes with a ~300 MB
// dependency tree in the production image; swagger-ui-dist is one self-contained package.
const SWAGGER_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, string> = {
  'swagger-ui.css': path.join(SWAGGER_DIR, 'swagger-ui.css'),
  'swagger-ui-bundle.js': path.join(SWAGGER_DIR, 'swagger-ui-bundle.js'),
};

// In a file of its own (not inline) so the page's policy needs no hash: script-src 'self'.
const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#api',
    deepLinking: true,
    tryItOutEnabled: false,
    persistAuthorization: false,
    displayRequestDuration: true,
    defaultModelsExpandDepth: 0,
    presets: [SwaggerUIBundle.presets.apis],
  });
});
`;

const DOCS_POLICY = {
  'script-src': ["'self'"],
  // Swagger UI sets style attributes on its elements (React), which a policy can only allow wholesale.
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
};

/** `GET /openapi.json` and an interactive `/docs` page (Swagger UI; requests go to this origin only). */
export function openApiRoutes(info: OpenApiInfo, registry: ApiRegistry): Router {
  documentServiceRoutes(registry);
  const router = Router();
  let cached: Record<string, unknown> | undefined;
  const document = () => (cached ??= buildOpenApiDocument(info, registry.routes));
  router.get('/openapi.json', (_req, res) => {
    res.json(document());
  });
  const page = docsPage(info.title);
  router.get('/docs', pageSecurity(DOCS_POLICY), (_req, res) => {
    res.type('html').send(page);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('js').send(INIT_SCRIPT);
  });
  router.get('/docs/:asset', (req, res, next) => {
    const file = ASSETS[req.params.asset];
    if (file === undefined) return next();
    res.sendFile(file, { maxAge: '1d' });
  });
  return router;
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function docsPage(title: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><main id="api"><p>Loading the API reference… Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p></main>
<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script></body></html>`;
}
