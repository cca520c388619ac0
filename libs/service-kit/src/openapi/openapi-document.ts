// OpenAPI 3.1 from the registry, with zod 4's own JSON Schema output (3.1 uses JSON Schema 2020-12).
import { z } from 'zod';
import { ProblemSchema } from '../errors/problem.schema';
import type { ApiRouteSpec } from './api-registry';
import { METRICS_SECURITY_SCHEME } from './service-routes.docs';

/** A request the service sends (OpenAPI 3.1 `webhooks`), e.g. an event pushed to subscribers. */
export interface OutgoingWebhookSpec {
  summary: string;
  /** The JSON body it carries. */
  schema: z.ZodType;
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
  securitySchemes?: Record<string, unknown>;
  /** Keyed by name (the event type). */
  webhooks?: Record<string, OutgoingWebhookSpec>;
}

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
}

/**
 * A media type object: the schema, and as its `example` the first of the schema's own `examples`
 * (zod's `.meta({ examples: [...] })`), which Swagger UI shows and "Try it out" pre-fills.
 */
function media(schema: z.ZodType, io: 'input' | 'output'): Json {
  const js = jsonSchema(schema, io);
  // Read from the schema's metadata too: zod's JSON Schema output drops it when it merges an intersection.
  const given = (schema.meta() as { examples?: unknown } | undefined)?.examples ?? js.examples;
  const examples = Array.isArray(given) ? (given as unknown[]) : [];
  return { schema: js, ...(examples.length > 0 ? { example: examples[0] } : {}) };
}

const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** A body schema that accepts no body at all (`.optional()`, a default) makes the body optional. */
function bodyRequired(schema: z.ZodType): boolean {
  try {
    return !schema.safeParse(undefined).success;
  } catch {
    // Async refinements cannot run synchronously; such a schema is treated as needing a body.
    return true;
  }
}

function parameters(spec: ApiRouteSpec): Json[] {
  const out: Json[] = [];
  for (const location of ['params', 'query', 'headers'] as const) {
    const schema = spec.input?.[location];
    if (!schema) continue;
    const js = jsonSchema(schema, 'input');
    const props = (js.properties ?? {}) as Record<string, Json>;
    const required = new Set((js.required ?? []) as string[]);
    for (const [name, prop] of Object.entries(props)) {
      out.push({
        name,
        in: location === 'params' ? 'path' : location === 'headers' ? 'header' : 'query',
        required: location === 'params' || required.has(name),
        schema: prop,
        ...(typeof prop.description === 'string' ? { description: prop.description } : {}),
      });
    }
  }
  return out;
}

export function buildOpenApiDocument(info: OpenApiInfo, routes: readonly ApiRouteSpec[]): Json {
  const paths: Record<string, Json> = {};
  for (const spec of routes) {
    const responses: Json = {};
    for (const [status, res] of Object.entries(spec.responses)) {
      const type = res.contentType ?? (Number(status) >= 400 ? 'application/problem+json' : 'application/json');
      const schema = res.schema ?? (Number(status) >= 400 ? ProblemSchema : undefined);
      responses[status] = { description: res.description, ...(schema ? { content: { [type]: media(schema, 'output') } } : {}) };
    }
    const body = spec.input?.body;
    const operation: Json = {
      summary: spec.summary,
      operationId: `${spec.method}${toOpenApiPath(spec.path).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      ...(spec.tags ? { tags: spec.tags } : {}),
      ...(spec.security ? { security: spec.security.map((name) => ({ [name]: spec.scopes ?? [] })) } : {}),
      parameters: parameters(spec),
      ...(body ? { requestBody: { required: bodyRequired(body), content: { 'application/json': media(body, 'input') } } } : {}),
      responses,
    };
    const path = toOpenApiPath(spec.path);
    paths[path] = { ...(paths[path] ?? {}), [spec.method]: operation };
  }
  const webhooks = Object.fromEntries(
    Object.entries(info.webhooks ?? {}).map(([name, hook]) => [
      name,
      {
        post: {
          summary: hook.summary,
          operationId: `webhook${name.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')).replace(/^./, (c) => c.toUpperCase())}`,
          requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(hook.schema, 'output') } } },
          responses: { '2XX': { description: 'Received; any other answer (or none) is retried.' } },
        },
      },
    ]),
  );
  return hoistLocalDefs({
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, ...(info.description ? { description: info.description } : {}) },
    paths,
    ...(info.webhooks ? { webhooks } : {}),
    components: {
      securitySchemes: { ...info.securitySchemes, [METRICS_SECURITY_SCHEME]: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN' } },
    },
  });
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
  visit(document.webhooks);
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
