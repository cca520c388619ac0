import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { AppError, validationError, type FieldError } from '../errors/app-error';
import { fieldErrors } from '../errors/to-app-error';
import { unsafeTextFields } from './unsafe-text';

export type InputLocation = 'params' | 'query' | 'body' | 'headers';

export type InputSchemas = Partial<Record<InputLocation, z.ZodType>>;

/** The parsed values, typed by exactly the locations that were given a schema. */
export type ParsedInput<S extends InputSchemas> = {
  [K in keyof S]-?: S[K] extends z.ZodType ? z.output<S[K]> : never;
};

const LOCATIONS: readonly InputLocation[] = ['params', 'query', 'body', 'headers'];
/** What counts as a JSON body: the body parser reads these, and anything else with a body schema is a 415. */
export const JSON_CONTENT_TYPES: string[] = ['application/json', 'application/*+json'];

/**
 * Parses every given location, reporting all bad fields at once (paths prefixed `body.`, `query.`…).
 * Any string of those locations holding a NUL or an unpaired surrogate is refused too, whatever
 * its schema says (see unsafe-text.ts; headers cannot hold either).
 * Results go to `res.locals.input` because Express 5's `req.query` cannot be reassigned.
 * Synchronous: input schemas are plain shapes and refinements (zod throws if one turns async),
 * and every request passes here, so it costs no promise of its own.
 */
export function parseInput<S extends InputSchemas>(schemas: S, req: Request): ParsedInput<S> {
  if (schemas.body && hasBody(req) && !req.is(JSON_CONTENT_TYPES)) {
    throw new AppError('unsupported_media_type', 'The request body must be JSON (Content-Type: application/json).');
  }
  const parsed: Record<string, unknown> = {};
  const problems: FieldError[] = [];
  for (const location of LOCATIONS) {
    const schema = schemas[location];
    if (!schema) continue;
    // Headers need no check: Node's HTTP parser refuses a NUL in them (400 before any route runs)
    // and reads them as latin1, which holds no surrogate. Every request has a dozen of them.
    const unsafe = location === 'headers' ? [] : unsafeTextFields(req[location], location);
    if (unsafe.length > 0) {
      problems.push(...unsafe);
      continue;
    }
    const result = schema.safeParse(req[location]);
    if (result.success) parsed[location] = result.data;
    else problems.push(...fieldErrors(result.error.issues, location));
  }
  if (problems.length > 0) throw validationError(problems);
  return parsed as ParsedInput<S>;
}

/**
 * Input that reaches a service other than through a route (the admin CLI's flags): parsed like a
 * request location, so a bad value is a validation_failed naming its fields, never a bare
 * ZodError (which the error handler treats as a bug: see to-app-error.ts).
 */
export function parseValue<T extends z.ZodType>(schema: T, value: unknown, location?: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(fieldErrors(result.error.issues, location));
  return result.data;
}

export function validate<S extends InputSchemas>(schemas: S): RequestHandler {
  return (req, res, next) => {
    try {
      res.locals.input = parseInput(schemas, req);
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** Typed read of what `validate(schemas)` stored: `input<typeof schemas>(res).body`. */
export function input<S extends InputSchemas>(res: Response): ParsedInput<S> {
  if (res.locals.input === undefined) throw new Error('input(res) called on a route without validate()');
  return res.locals.input as ParsedInput<S>;
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}
