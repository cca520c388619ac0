import type { Request, RequestHandler, Response } from 'express';
import { parseInput, type InputSchemas, type ParsedInput } from './validate.middleware';

export type RouteHandler<S extends InputSchemas> = (input: ParsedInput<S>, req: Request, res: Response) => unknown;

/**
 * A typed route: validates the given locations, then calls `handler` with the parsed input.
 * Thrown and rejected errors reach the error handler, so handlers never need try/catch.
 *
 *   router.get('/users/:id', route({ params: z.object({ id: z.string() }) }, async ({ params }, _req, res) => {
 *     res.json(await users.get(params.id));
 *   }));
 */
export function route<S extends InputSchemas>(schemas: S, handler: RouteHandler<S>): RequestHandler {
  return async (req, res, next) => {
    try {
      const parsed = parseInput(schemas, req);
      res.locals.input = parsed;
      await handler(parsed, req, res);
    } catch (error) {
      next(error);
    }
  };
}
