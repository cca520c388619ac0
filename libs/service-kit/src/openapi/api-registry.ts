// Routes declared once — method, path, input schemas, responses — so the same declaration mounts
// the Express handler and writes the OpenAPI document: the spec cannot miss or drift from a route.
import type { RequestHandler, Router } from 'express';
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

  /** Mounts `handler` on `router` behind `spec.before` and input validation, and records the spec. */
  add<S extends InputSchemas>(router: Router, spec: ApiRouteSpec<S>, handler: RouteHandler<S>): void {
    this.routes.push(spec as unknown as ApiRouteSpec);
    router[spec.method](spec.path, ...(spec.before ?? []), route(spec.input ?? ({} as S), handler));
  }

  /** Records a route mounted by other means (raw-body webhooks, HTML pages, redirects). */
  document(spec: ApiRouteSpec): void {
    this.routes.push(spec);
  }
}
