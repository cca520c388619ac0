// Routes declared once — method, path, input schemas, responses — so the same declaration mounts
// the Express handler and writes the OpenAPI document: the spec cannot miss or drift from a route.
// A feature's routes live in a router made by `router(prefix)` and mounted under that prefix
// (`mount`), so Express enters it only for paths under it; specs keep their full paths.
import { Router, type RequestHandler } from 'express';
import type { z } from 'zod';
import { route, type RouteHandler } from '../validation/route';
import type { InputSchemas } from '../validation/validate.middleware';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ApiResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Defaults to application/json. */
  contentType?: string;
}

export interface ApiRouteSpec<S extends InputSchemas = InputSchemas> {
  method: HttpMethod;
  /** Express syntax (`/v1/users/:userid`). */
  path: string;
  summary: string;
  tags?: string[];
  /** Names of security schemes from the document's components; [] = public. */
  security?: string[];
  /** What each of those schemes must carry (OAuth scopes, or roles for other schemes). */
  scopes?: string[];
  input?: S;
  responses: Record<number, ApiResponseSpec>;
  /** Middlewares that run before validation (auth, scopes). */
  before?: RequestHandler[];
}

export class ApiRegistry {
  readonly routes: ApiRouteSpec[] = [];
  private readonly prefixes = new WeakMap<Router, string>();

  /** A router for the routes under `prefix` (`/v1/messages`); add routes with their full paths, then `mount` it. */
  router(prefix: string): Router {
    if (!/^\/[^:*?(]*[^/:*?(]$/.test(prefix)) throw new Error(`router prefix ${prefix} must be a literal path without a trailing slash`);
    const router = Router();
    this.prefixes.set(router, prefix);
    return router;
  }

  /** `app.use(prefix, router)`: requests under other paths never enter it. */
  mount(app: Pick<Router, 'use'>, router: Router): void {
    app.use(this.prefixOf(router), router);
  }

  /** Mounts `handler` on `router` behind `spec.before` and input validation, and records the spec. */
  add<S extends InputSchemas>(router: Router, spec: ApiRouteSpec<S>, handler: RouteHandler<S>): void {
    this.routes.push(spec as unknown as ApiRouteSpec);
    router[spec.method](this.pathIn(router, spec.path), ...(spec.before ?? []), route(spec.input ?? ({} as S), handler));
  }

  /** Records and mounts, in one call, a route answered by other means (raw-body webhooks, HTML pages, redirects). */
  raw(router: Router, spec: ApiRouteSpec, ...handlers: RequestHandler[]): void {
    this.routes.push(spec);
    router[spec.method](this.pathIn(router, spec.path), ...handlers);
  }

  /** Records a route the shared plumbing mounts (health, metrics, the document itself). */
  document(spec: ApiRouteSpec): void {
    this.routes.push(spec);
  }

  private prefixOf(router: Router): string {
    const prefix = this.prefixes.get(router);
    if (prefix === undefined) throw new Error("mount() takes a router made by this registry's router(prefix)");
    return prefix;
  }

  /** The path inside a prefixed router (`/v1/messages/:id` → `/:id`; the prefix itself → `/`). */
  private pathIn(router: Router, path: string): string {
    const prefix = this.prefixes.get(router) ?? '';
    const rest = path.slice(prefix.length);
    if (!path.startsWith(prefix) || (rest !== '' && !rest.startsWith('/'))) throw new Error(`route ${path} is not under its router's prefix ${prefix}`);
    return rest === '' ? '/' : rest;
  }
}
