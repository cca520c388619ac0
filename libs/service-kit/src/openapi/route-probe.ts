/** A request an app answers: supertest, or fetch against a running server. */
export type ProbeRequest = (method: string, path: string) => Promise<{ status: number; body: unknown }>;

/**
 * The `method path`s, of those given, the app does not serve, for tests that hold /openapi.json to
 * the routes actually mounted. Each is requested once, without credentials or a body, path
 * parameters filled from `params` (else `x`); any answer but 404 route_not_found means a route
 * matched. Asked over HTTP rather than read from Express's internals: it checks what a client sees.
 */
export async function unservedRoutes(request: ProbeRequest, routes: readonly string[], params: Record<string, string> = {}): Promise<string[]> {
  const unserved: string[] = [];
  for (const entry of routes) {
    const [method = '', path = ''] = entry.split(' ');
    const concrete = path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name] ?? 'x'));
    const res = await request(method, concrete);
    if (res.status === 404 && (res.body as { code?: unknown } | undefined)?.code === 'route_not_found') unserved.push(entry);
  }
  return unserved;
}

/** The `method path` list of an OpenAPI document (`{id}` back to `:id`). */
export function documentedRoutes(document: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`))
    .sort();
}
