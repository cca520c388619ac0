import { Router } from 'express';
import { inlineSource, pageSecurity } from '../app/page-security';
import { buildOpenApiDocument, type OpenApiInfo } from './openapi-document';
import type { ApiRegistry } from './api-registry';
import { documentServiceRoutes } from './service-routes.docs';

/** `GET /openapi.json` and a readable `/docs` page (no CDN: the page renders the JSON itself). */
export function openApiRoutes(info: OpenApiInfo, registry: ApiRegistry): Router {
  documentServiceRoutes(registry);
  const router = Router();
  let cached: Record<string, unknown> | undefined;
  const document = () => (cached ??= buildOpenApiDocument(info, registry.routes));
  router.get('/openapi.json', (_req, res) => {
    res.json(document());
  });
  // The page's only script and style are inline: the policy allows exactly those (by hash).
  const page = docsPage(info.title);
  router.get('/docs', pageSecurity({ 'script-src': [inlineSource(DOCS_SCRIPT)], 'style-src': [inlineSource(DOCS_STYLE)], 'connect-src': ["'self'"] }), (_req, res) => {
    res.type('html').send(page);
  });
  return router;
}

const DOCS_STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
h2{margin-top:2rem;border-bottom:1px solid #ddd}code,pre{background:#f4f5f7;border-radius:4px}pre{padding:.75rem;overflow:auto;font-size:13px}
.m{display:inline-block;min-width:4.5rem;font-weight:600;text-transform:uppercase}details{margin:.5rem 0}`;

const DOCS_SCRIPT = `
fetch('/openapi.json').then(r=>r.json()).then(doc=>{
  const esc=s=>String(s).replace(/[&<>]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;'}[c]));
  const html=[];
  for(const [path,ops] of Object.entries(doc.paths)){for(const [m,op] of Object.entries(ops)){
    html.push('<section><h2><span class="m">'+m+'</span><code>'+esc(path)+'</code></h2><p>'+esc(op.summary||'')+'</p>');
    if(op.parameters&&op.parameters.length)html.push('<details><summary>Parameters</summary><pre>'+esc(JSON.stringify(op.parameters,null,2))+'</pre></details>');
    if(op.requestBody)html.push('<details><summary>Request body</summary><pre>'+esc(JSON.stringify(op.requestBody.content,null,2))+'</pre></details>');
    html.push('<details><summary>Responses</summary><pre>'+esc(JSON.stringify(op.responses,null,2))+'</pre></details></section>');
  }}
  document.getElementById('ops').innerHTML=html.join('');
});
`;

function docsPage(title: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${DOCS_STYLE}</style></head>
<body><h1>${title} API</h1><p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p><main id="ops">Loading…</main>
<script>${DOCS_SCRIPT}</script></body></html>`;
}
