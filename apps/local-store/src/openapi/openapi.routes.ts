import { buildOpenApiDocument, type ApiRegistry, type OpenApiInfo } from '@dtg/service-kit';
import { Router } from 'express';

type Json = Record<string, unknown>;

/** GET /openapi.json, generated once from the route registry. */
export function openapiRoutes(info: OpenApiInfo, api: ApiRegistry): Router {
  const router = Router();
  let cached: Json | undefined;
  router.get('/openapi.json', (_req, res) => {
    cached ??= hoistLocalDefs(buildOpenApiDocument(info, api.routes));
    res.json(cached);
  });
  return router;
}

/**
 * zod inlines a recursive schema (the department tree) with local `$defs` and `#/$defs/…`
 * references. Embedded in an OpenAPI document those references would resolve against the document
 * root, where there is no `$defs`; moving the definitions to `components.schemas` makes them valid.
 */
function hoistLocalDefs(document: Json): Json {
  const components = (document.components ??= {}) as Json;
  const shared = (components.schemas ??= {}) as Json;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const schema = node as Json;
    if (schema.$defs && typeof schema.$defs === 'object') {
      const definitions = schema.$defs as Json;
      delete schema.$defs;
      const targets = new Map(Object.keys(definitions).map((name) => [name, uniqueName(shared, name)]));
      rewriteRefs(schema, targets);
      for (const [name, definition] of Object.entries(definitions)) {
        rewriteRefs(definition, targets);
        shared[targets.get(name) ?? name] = definition;
      }
    }
    Object.values(schema).forEach(visit);
  };
  visit(document.paths);
  return document;
}

function uniqueName(taken: Json, name: string): string {
  const base = name.replace(/^_+/, '') || 'Schema';
  let candidate = base;
  for (let suffix = 2; candidate in taken; suffix++) candidate = `${base}${suffix}`;
  return candidate;
}

function rewriteRefs(node: unknown, targets: Map<string, string>): void {
  if (Array.isArray(node)) return node.forEach((item) => rewriteRefs(item, targets));
  if (node === null || typeof node !== 'object') return;
  const schema = node as Json;
  const ref = typeof schema.$ref === 'string' ? /^#\/\$defs\/(.+)$/.exec(schema.$ref)?.[1] : undefined;
  const target = ref === undefined ? undefined : targets.get(ref);
  if (target !== undefined) schema.$ref = `#/components/schemas/${target}`;
  Object.values(schema).forEach((value) => rewriteRefs(value, targets));
}
